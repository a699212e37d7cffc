"""Instrument files are validated; errors name the file, the item and the problem."""

from pathlib import Path

import pytest
import yaml

from questionnaires import InstrumentError, load_instrument, load_instrument_file
from questionnaires.instrument import INSTRUMENTS_DIR


def _write(tmp_path: Path, name: str, data: dict) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _base() -> dict:
    return yaml.safe_load((INSTRUMENTS_DIR / "parenting_stress.yaml").read_text("utf-8"))


def test_every_shipped_instrument_loads():
    files = sorted(INSTRUMENTS_DIR.glob("*.yaml"))
    assert files
    for path in files:
        assert load_instrument(path.stem).id == path.stem


def test_another_instrument_is_another_file(tmp_path):
    data = _base()
    data["id"] = "tiny"
    data["items"] = data["items"][:2]
    data["subscales"] = {"parental_distress": data["subscales"]["parental_distress"]}
    data["bands"] = [dict(data["bands"][0], min_total=2, max_total=10)]
    _write(tmp_path, "tiny", data)
    instrument = load_instrument("tiny", directory=tmp_path)
    assert [item.id for item in instrument.items] == ["ps01", "ps02"]


def test_missing_translation_names_the_item(tmp_path):
    data = _base()
    del data["items"][2]["text"]["en"]
    with pytest.raises(InstrumentError) as error:
        load_instrument_file(_write(tmp_path, "parenting_stress", data))
    message = str(error.value)
    assert "parenting_stress.yaml" in message
    assert "item 'ps03' (#3)" in message
    assert "en" in message


def test_unknown_subscale_is_refused(tmp_path):
    data = _base()
    data["items"][0]["subscale"] = "mystery"
    with pytest.raises(InstrumentError, match=r"ps01.*unknown subscale 'mystery'"):
        load_instrument_file(_write(tmp_path, "parenting_stress", data))


def test_overlapping_bands_are_refused(tmp_path):
    data = _base()
    data["bands"][1]["min_total"] = 20
    with pytest.raises(InstrumentError, match="band 'elevated': overlaps"):
        load_instrument_file(_write(tmp_path, "parenting_stress", data))


def test_missing_file_and_bad_yaml_are_clear(tmp_path):
    with pytest.raises(InstrumentError, match="no such instrument file"):
        load_instrument("absent", directory=tmp_path)
    (tmp_path / "broken.yaml").write_text("id: [unclosed", encoding="utf-8")
    with pytest.raises(InstrumentError, match="not valid YAML"):
        load_instrument_file(tmp_path / "broken.yaml")
