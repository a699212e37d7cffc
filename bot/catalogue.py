"""The message catalogue: every user-facing text, per language, loaded from bot/messages/*.yaml."""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from escalation.catalogue import help_lines

MESSAGES_DIR = Path(__file__).parent / "messages"
LANGUAGES = ("ko", "en")
DEFAULT_LANGUAGE = "ko"
HELP_LINES, HELP_LINES_HEADING = "help_lines", "help_lines_heading"


class CatalogueError(ValueError):
    """A catalogue file is missing, malformed, or out of step with the other language."""


def _flatten(data: Mapping[str, Any], prefix: str, source: Path) -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(key, str):
            raise CatalogueError(f"{source}: {prefix}{key!r}: keys must be strings")
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{name}.", source))
        elif isinstance(value, str) and value.strip():
            flat[name] = value
        else:
            raise CatalogueError(f"{source}: {name}: expected a non-empty text")
    return flat


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


@dataclass(frozen=True)
class Catalogue:
    texts: dict[str, dict[str, str]]

    def language(self, requested: str | None) -> str:
        return requested if requested in self.texts else DEFAULT_LANGUAGE

    def t(self, language: str | None, key: str, **values: object) -> str:
        texts = self.texts[self.language(language)]
        try:
            template = texts[key]
        except KeyError as error:
            raise KeyError(f"message catalogue has no {key!r}") from error
        return template.format(**values) if values else template

    def has(self, key: str) -> bool:
        return key in self.texts[DEFAULT_LANGUAGE]


def load_catalogue(directory: Path = MESSAGES_DIR) -> Catalogue:
    """Load every language and check that keys and placeholders agree across them."""
    texts: dict[str, dict[str, str]] = {}
    for language in LANGUAGES:
        path = directory / f"{language}.yaml"
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise CatalogueError(f"{path}: missing") from error
        except yaml.YAMLError as error:
            raise CatalogueError(f"{path}: not valid YAML: {error}") from error
        if not isinstance(raw, Mapping):
            raise CatalogueError(f"{path}: expected a mapping at the top level")
        texts[language] = _flatten(raw, "", path)
    reference = texts[DEFAULT_LANGUAGE]
    for language, flat in texts.items():
        path = directory / f"{language}.yaml"
        missing = sorted(set(reference) - set(flat))
        extra = sorted(set(flat) - set(reference))
        if missing:
            raise CatalogueError(f"{path}: missing keys: {', '.join(missing)}")
        if extra:
            raise CatalogueError(f"{path}: keys not in {DEFAULT_LANGUAGE}.yaml: {', '.join(extra)}")
        for key, text in flat.items():
            if _placeholders(text) != _placeholders(reference[key]):
                raise CatalogueError(
                    f"{path}: {key}: placeholders differ from {DEFAULT_LANGUAGE}.yaml"
                )
    for language, flat in texts.items():
        # One source for the numbers: escalation's list, under this catalogue's own heading.
        heading = flat.pop(HELP_LINES_HEADING)
        flat[HELP_LINES] = f"{heading}\n{help_lines(language)}"
    return Catalogue(texts=texts)
