"""The typed result of analysing one message, and its JSON contract shape."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Analysis:
    """What the classifier says about one message (see DESIGN.md, "The classifier contract")."""

    lang: str
    emotions: dict[str, float]
    emotion_labels: list[str]
    risk: dict[str, float]
    risk_labels: list[str]
    model: str
    evidence: dict[str, list[str]] = field(default_factory=dict)

    def to_contract(self, id: str, escalation: dict | None) -> dict:
        """The JSON line of `maeum analyze` for this message."""
        return {
            "id": id,
            "lang": self.lang,
            "emotions": {k: round(float(v), 4) for k, v in self.emotions.items()},
            "emotion_labels": list(self.emotion_labels),
            "risk": {k: round(float(v), 4) for k, v in self.risk.items()},
            "risk_labels": list(self.risk_labels),
            "escalation": escalation,
            "model": self.model,
        }
