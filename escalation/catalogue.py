"""The escalation room's texts (ko/en) for families and officers, read from messages/*.yaml."""

from functools import cache
from pathlib import Path
from typing import Any

import yaml

MESSAGES_DIR = Path(__file__).parent / "messages"
DEFAULT_LANGUAGE = "ko"


@cache
def _catalogue(language: str) -> dict[str, str]:
    path = MESSAGES_DIR / f"{language}.yaml"
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ValueError(f"{path}: expected a mapping of text keys to strings")
    return data


@cache
def languages() -> tuple[str, ...]:
    """The languages with a text file; read once, not on every text."""
    return tuple(sorted(p.stem for p in MESSAGES_DIR.glob("*.yaml")))


def text(key: str, language: str | None = None, **values: Any) -> str:
    """The text `key` in `language` (Korean when missing), with `{placeholders}` filled."""
    language = language if language in languages() else DEFAULT_LANGUAGE
    entries = _catalogue(language)
    if key not in entries:
        entries = _catalogue(DEFAULT_LANGUAGE)
    return entries[key].format(**values)


def help_lines(language: str | None = None) -> str:
    """The help-line numbers from DESIGN.md, one per line: the single place they are written.

    The bot's own texts (/help, welcome, check-in summaries) take them from here too.
    """
    return text("help_lines", language)
