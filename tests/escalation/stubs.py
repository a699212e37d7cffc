"""A deterministic stand-in for the classifier's `Analysis` (same attributes rules read)."""

from dataclasses import dataclass, field

RISKS = (
    "self_harm", "abuse_physical", "abuse_sexual", "abuse_emotional", "neglect",
    "domestic_violence", "harm_to_child_urge", "parent_crisis",
)
EMOTIONS = ("joy", "sadness", "anger", "fear", "stress", "guilt", "despair", "neutral")


@dataclass
class StubAnalysis:
    risk: dict[str, float] = field(default_factory=lambda: dict.fromkeys(RISKS, 0.0))
    emotions: dict[str, float] = field(default_factory=lambda: dict.fromkeys(EMOTIONS, 0.0))
    risk_labels: list[str] = field(default_factory=list)
    emotion_labels: list[str] = field(default_factory=list)
    evidence: dict[str, list[str]] = field(default_factory=dict)
    lang: str = "ko"
    model: str = "stub"


def analysis(
    risk: dict[str, float] | None = None,
    emotions: dict[str, float] | None = None,
    phrases: dict[str, list[str]] | None = None,
) -> StubAnalysis:
    stub = StubAnalysis()
    stub.risk.update(risk or {})
    stub.emotions.update(emotions or {})
    stub.risk_labels = [r for r, p in stub.risk.items() if p >= 0.5]
    stub.emotion_labels = [e for e, p in stub.emotions.items() if p >= 0.5]
    stub.evidence = phrases or {}
    return stub
