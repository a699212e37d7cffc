"""Instruments as data: a YAML file loaded into validated, typed objects."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

INSTRUMENTS_DIR = Path(__file__).parent / "instruments"
LANGUAGES = ("ko", "en")


class InstrumentError(ValueError):
    """An instrument file is missing or invalid; the message names the file, entry and problem."""


class Text(BaseModel):
    """A user-facing text in every supported language."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    ko: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, language: str) -> str:
        return self.en if language == "en" else self.ko


class Scale(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    min: int
    max: int
    labels: dict[int, Text]

    @model_validator(mode="after")
    def _labels_cover_scale(self) -> Scale:
        if self.min >= self.max:
            raise ValueError(f"scale min {self.min} must be below max {self.max}")
        expected = set(range(self.min, self.max + 1))
        if set(self.labels) != expected:
            raise ValueError(f"scale labels must be exactly {sorted(expected)}")
        return self

    @property
    def values(self) -> range:
        return range(self.min, self.max + 1)


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(min_length=1, max_length=32, pattern=r"^[a-z0-9_]+$")
    type: Literal["rated", "free_text"] = "rated"
    text: Text
    subscale: str | None = None
    reverse: bool = False
    optional: bool = False

    @property
    def is_rated(self) -> bool:
        return self.type == "rated"


class Band(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(min_length=1)
    min_total: float
    max_total: float
    label: Text
    summary: Text
    show_help_lines: bool = False


class Instrument(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(min_length=1, max_length=64)
    version: str = "1"
    title: Text
    intro: Text
    scale: Scale
    subscales: dict[str, Text] = Field(default_factory=dict)
    items: tuple[Item, ...] = Field(min_length=1)
    bands: tuple[Band, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Instrument:
        seen: set[str] = set()
        for item in self.items:
            if item.id in seen:
                raise ValueError(f"item {item.id!r}: duplicate id")
            seen.add(item.id)
            if item.subscale is not None and item.subscale not in self.subscales:
                raise ValueError(f"item {item.id!r}: unknown subscale {item.subscale!r}")
            if not item.is_rated and (item.subscale or item.reverse):
                raise ValueError(f"item {item.id!r}: a free-text item has no subscale or reverse")
        previous_max: float | None = None
        for band in self.bands:
            if band.min_total > band.max_total:
                raise ValueError(f"band {band.id!r}: min_total above max_total")
            if previous_max is not None and band.min_total <= previous_max:
                raise ValueError(f"band {band.id!r}: overlaps the band before it")
            previous_max = band.max_total
        return self

    @property
    def rated_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.is_rated)

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def position(self, item_id: str) -> int:
        """1-based position of an item, for progress ("3/11")."""
        return [item.id for item in self.items].index(item_id) + 1

    def band(self, band_id: str) -> Band:
        for band in self.bands:
            if band.id == band_id:
                return band
        raise KeyError(band_id)


def parse_instrument(data: Mapping[str, Any], source: str) -> Instrument:
    """Validate raw data; errors name `source`, the entry (item id where known) and the problem."""
    try:
        return Instrument.model_validate(data)
    except ValidationError as error:
        problems = []
        for detail in error.errors():
            where = _describe_location(data, detail["loc"])
            problems.append(f"{where}: {detail['msg']}")
        raise InstrumentError(f"{source}: " + "; ".join(problems)) from error


def _describe_location(data: Mapping[str, Any], loc: tuple[int | str, ...]) -> str:
    if len(loc) >= 2 and loc[0] == "items" and isinstance(loc[1], int):
        items = data.get("items") or []
        item_id = "?"
        if 0 <= loc[1] < len(items) and isinstance(items[loc[1]], Mapping):
            item_id = str(items[loc[1]].get("id", "?"))
        rest = ".".join(str(part) for part in loc[2:])
        return f"item {item_id!r} (#{loc[1] + 1})" + (f" {rest}" if rest else "")
    return ".".join(str(part) for part in loc) or "instrument"


def load_instrument_file(path: Path) -> Instrument:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise InstrumentError(f"{path}: no such instrument file") from error
    except yaml.YAMLError as error:
        raise InstrumentError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(raw, Mapping):
        raise InstrumentError(f"{path}: expected a mapping at the top level")
    instrument = parse_instrument(raw, str(path))
    if instrument.id != path.stem:
        raise InstrumentError(f"{path}: id {instrument.id!r} must match the file name")
    return instrument


_CACHE: dict[Path, Instrument] = {}


def load_instrument(instrument_id: str, directory: Path = INSTRUMENTS_DIR) -> Instrument:
    """Load `<directory>/<instrument_id>.yaml` (cached: instruments are immutable)."""
    if not instrument_id.replace("_", "").isalnum():
        raise InstrumentError(f"{instrument_id!r}: not a valid instrument id")
    path = (directory / f"{instrument_id}.yaml").resolve()
    if path not in _CACHE:
        _CACHE[path] = load_instrument_file(path)
    return _CACHE[path]
