"""Highlighting the phrases the classifier pointed at, inside a message's (escaped) text."""

from collections.abc import Iterable
from typing import Any

from markupsafe import Markup, escape


def phrases_from(*evidence: dict[str, Any] | None) -> list[str]:
    """Every evidence phrase in analysis or trigger evidence (lists of strings under any key)."""
    found: list[str] = []
    for mapping in evidence:
        for value in (mapping or {}).values():
            items = value if isinstance(value, list) else [value]
            found.extend(p for p in items if isinstance(p, str) and p.strip())
    return sorted(set(found), key=lambda phrase: (-len(phrase), phrase))


def highlight(text: str, phrases: Iterable[str]) -> Markup:
    """The text, escaped, with each occurrence of a phrase wrapped in <mark>."""
    lowered = text.lower()
    spans: list[tuple[int, int]] = []
    for phrase in phrases:
        needle = phrase.lower()
        start = lowered.find(needle)
        while needle and start != -1:
            spans.append((start, start + len(needle)))
            start = lowered.find(needle, start + len(needle))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    out: list[str] = []
    position = 0
    for start, end in merged:
        out.append(str(escape(text[position:start])))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    out.append(str(escape(text[position:])))
    return Markup("".join(out))
