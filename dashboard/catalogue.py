"""The dashboard's user-facing texts, read from `i18n/<language>.yaml` and looked up by key."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

I18N_DIR = Path(__file__).resolve().parent / "i18n"
LANGUAGES = ("ko", "en")


class CatalogueError(ValueError):
    """A catalogue file is missing, malformed, or lacks keys the other language has."""


def _flatten(prefix: str, node: Any, into: dict[str, str], path: Path) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            _flatten(f"{prefix}{key}.", value, into, path)
    elif isinstance(node, str | int | float):
        into[prefix[:-1]] = str(node)
    else:
        raise CatalogueError(
            f"{path}: entry {prefix[:-1]!r} must be text, got {type(node).__name__}"
        )


@dataclass(frozen=True)
class Catalogue:
    texts: dict[str, dict[str, str]]
    default: str = "ko"

    def text(self, language: str, key: str, **values: Any) -> str:
        table = self.texts.get(language) or self.texts[self.default]
        template = table.get(key) or self.texts[self.default].get(key)
        if template is None:
            raise KeyError(f"no dashboard text {key!r}")
        return template.format(**values) if values else template

    def language(self, requested: str | None) -> str:
        return requested if requested in self.texts else self.default


def load_catalogue(directory: Path = I18N_DIR) -> Catalogue:
    texts: dict[str, dict[str, str]] = {}
    for language in LANGUAGES:
        path = directory / f"{language}.yaml"
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as error:
            raise CatalogueError(f"{path}: cannot read: {error}") from error
        flat: dict[str, str] = {}
        _flatten("", data, flat, path)
        texts[language] = flat
    first, *others = LANGUAGES
    for language in others:
        missing = sorted(set(texts[first]) ^ set(texts[language]))
        if missing:
            raise CatalogueError(
                f"{directory}/{language}.yaml and {first}.yaml differ in keys: {', '.join(missing)}"
            )
    return Catalogue(texts=texts)
