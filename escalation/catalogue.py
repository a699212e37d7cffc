"""Text catalogues: the one loader for every `<language>.yaml` folder, and escalation's own texts.

The bot (`bot/messages`), the dashboard (`dashboard/i18n`) and escalation (`messages/`) each keep
their user-facing texts in such a folder; escalation is the layer the other two build on, so
the loader lives here.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

MESSAGES_DIR = Path(__file__).parent / "messages"
LANGUAGES = ("ko", "en")
DEFAULT_LANGUAGE = "ko"


class CatalogueError(ValueError):
    """A catalogue file is missing, malformed, or out of step with the default language."""


@dataclass(frozen=True)
class Catalogue:
    """Texts per language, flat keys ("delete.confirm_no"), the same keys in every language."""

    texts: dict[str, dict[str, str]]

    def language(self, requested: str | None) -> str:
        return requested if requested in self.texts else DEFAULT_LANGUAGE

    def text(self, language: str | None, key: str, **values: Any) -> str:
        """The text `key` in `language` (Korean when not offered), placeholders filled."""
        try:
            template = self.texts[self.language(language)][key]
        except KeyError as error:
            raise KeyError(f"text catalogue has no {key!r}") from error
        return template.format(**values) if values else template


def _flatten(data: Mapping[Any, Any], prefix: str, source: Path) -> dict[str, str]:
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


def _read(path: Path) -> dict[str, str]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise CatalogueError(f"{path}: missing") from error
    except yaml.YAMLError as error:
        raise CatalogueError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(raw, Mapping):
        raise CatalogueError(f"{path}: expected a mapping at the top level")
    return _flatten(raw, "", path)


def load_catalogue(directory: Path) -> Catalogue:
    """Read every language in `directory`; keys and placeholders must agree with Korean's."""
    texts = {language: _read(directory / f"{language}.yaml") for language in LANGUAGES}
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
    return Catalogue(texts=texts)


@cache
def _escalation_texts() -> Catalogue:
    return load_catalogue(MESSAGES_DIR)


def text(key: str, language: str | None = None, **values: Any) -> str:
    """Escalation's text `key` in `language` (Korean when missing), `{placeholders}` filled."""
    return _escalation_texts().text(language, key, **values)


def help_lines(language: str | None = None) -> str:
    """The help-line numbers from DESIGN.md, one per line: the single place they are written.

    The bot's own texts (/help, welcome, check-in summaries) take them from here too.
    """
    return text("help_lines", language)
