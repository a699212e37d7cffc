"""Label sets of the classifier contract (see DESIGN.md)."""

from __future__ import annotations

EMOTIONS: tuple[str, ...] = (
    "joy",
    "sadness",
    "anger",
    "fear",
    "stress",
    "guilt",
    "despair",
    "neutral",
)
RISKS: tuple[str, ...] = (
    "self_harm",
    "abuse_physical",
    "abuse_sexual",
    "abuse_emotional",
    "neglect",
    "domestic_violence",
    "harm_to_child_urge",
    "parent_crisis",
)
# Categories whose recall target is the stricter "urgent" one.
URGENT_RISKS: tuple[str, ...] = (
    "self_harm",
    "abuse_physical",
    "abuse_sexual",
    "harm_to_child_urge",
    "parent_crisis",
)
SPEAKERS: tuple[str, ...] = ("child", "parent")
