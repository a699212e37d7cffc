"""The message catalogue: both languages complete, placeholders agree, errors name the key."""

import shutil

import pytest

from bot.catalogue import MESSAGES_DIR, load_messages
from escalation.catalogue import CatalogueError


def test_shipped_catalogue_has_the_help_lines_in_both_languages():
    catalogue = load_messages()
    for language in ("ko", "en"):
        lines = catalogue.text(language, "help_lines")
        for number in ("112", "109", "1388", "1577-0199"):
            assert number in lines


def test_unknown_language_falls_back_to_korean():
    catalogue = load_messages()
    assert catalogue.text("fr", "delete.confirm_no") == "아니요"


def _english_changed(folder, old, new):
    """The shipped catalogue in `folder`, with `old` replaced by `new` in en.yaml."""
    shutil.copy(MESSAGES_DIR / "ko.yaml", folder / "ko.yaml")
    text = (MESSAGES_DIR / "en.yaml").read_text(encoding="utf-8")
    (folder / "en.yaml").write_text(text.replace(old, new), "utf-8")


def test_missing_key_is_named(tmp_path):
    _english_changed(tmp_path, "  too_long:", "  too_lang:")
    with pytest.raises(CatalogueError, match=r"en\.yaml: missing keys: unsupported\.too_long"):
        load_messages(tmp_path)


def test_placeholder_mismatch_is_named(tmp_path):
    _english_changed(tmp_path, "{district}", "{area}")
    with pytest.raises(CatalogueError, match=r"consent\.notice_guardian: placeholders"):
        load_messages(tmp_path)


def test_yaml_booleans_are_refused(tmp_path):
    _english_changed(tmp_path, 'confirm_no: "No"', "confirm_no: No")
    with pytest.raises(CatalogueError, match=r"delete\.confirm_no: expected a non-empty text"):
        load_messages(tmp_path)
