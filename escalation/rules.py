"""Escalation rules: a YAML file validated into typed rules; a bad file is refused with reasons."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from escalation.errors import InvalidRules

# The label sets of the classifier contract (DESIGN.md). Kept here rather than imported from
# `nlp`, so loading rules never loads the model's libraries (the dashboard has no use for them).
RISKS = (
    "self_harm",
    "abuse_physical",
    "abuse_sexual",
    "abuse_emotional",
    "neglect",
    "domestic_violence",
    "harm_to_child_urge",
    "parent_crisis",
)
EMOTIONS = ("joy", "sadness", "anger", "fear", "stress", "guilt", "despair", "neutral")
# The contract says "parent"; the database says "guardian". Rules may use either.
SPEAKER_ALIASES = {"parent": "guardian", "guardian": "guardian", "child": "child"}
RULE_ID_PATTERN = r"^[a-z][a-z0-9_]*(:[a-z0-9_]+)*$"

Severity = Literal["urgent", "concern"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _known(values: list[str] | dict[str, Any], known: tuple[str, ...], what: str) -> None:
    unknown = [v for v in values if v not in known]
    if unknown:
        raise ValueError(f"unknown {what} {', '.join(unknown)} (known: {', '.join(known)})")


class MessageCondition(_Strict):
    """Over one message's analysis. Every given part must hold."""

    speaker: list[str] | None = None  # child, guardian (or parent); default: anyone
    # Any of these risk categories at or above its probability.
    risk: dict[str, float] | None = None
    # Any of these risk labels, as the classifier assigned them with its tuned thresholds.
    risk_labels: list[str] | None = None
    # All of these emotions at or above their probabilities.
    emotions: dict[str, float] | None = None

    @field_validator("speaker")
    @classmethod
    def _speakers(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        _known(value, tuple(SPEAKER_ALIASES), "speaker")
        return sorted({SPEAKER_ALIASES[v] for v in value})

    @field_validator("risk", "emotions")
    @classmethod
    def _probabilities(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        for name, p in (value or {}).items():
            if not 0.0 <= p <= 1.0:
                raise ValueError(f"{name}: probability {p} is not between 0 and 1")
        return value

    @model_validator(mode="after")
    def _labels_and_something_to_test(self) -> "MessageCondition":
        _known(self.risk or {}, RISKS, "risk category")
        _known(self.risk_labels or [], RISKS, "risk category")
        _known(self.emotions or {}, EMOTIONS, "emotion")
        if not (self.risk or self.risk_labels or self.emotions):
            raise ValueError("a message condition needs risk, risk_labels or emotions")
        return self


class Trend(_Strict):
    """The total did not fall in any of the last `weeks` weekly steps and rose by at least
    `rise_at_least` over them (weeks + 1 answered weeks are compared)."""

    weeks: int = Field(ge=2, le=12)
    rise_at_least: float = Field(ge=0)


class QuestionnaireCondition(_Strict):
    """Over a finished questionnaire and the same person's earlier ones. All parts must hold."""

    instrument: str | None = None  # default: any instrument
    total_at_least: float | None = None
    band_in: list[str] | None = None
    # Any of these subscales at or above its score.
    subscale_at_least: dict[str, float] | None = None
    # Rise of the total since the person's previous answered week.
    change_at_least: float | None = None
    trend: Trend | None = None

    @model_validator(mode="after")
    def _something_to_test(self) -> "QuestionnaireCondition":
        if (
            self.total_at_least is None
            and not self.band_in
            and not self.subscale_at_least
            and self.change_at_least is None
            and self.trend is None
        ):
            raise ValueError(
                "a questionnaire condition needs total_at_least, band_in, subscale_at_least,"
                " change_at_least or trend"
            )
        return self


class MoodCondition(_Strict):
    """At least `at_least` of the child's last `last` mood check-ins are among `moods`."""

    last: int = Field(ge=1, le=30)
    moods: list[str] = Field(min_length=1)
    at_least: int = Field(ge=1)

    @model_validator(mode="after")
    def _at_most_last(self) -> "MoodCondition":
        if self.at_least > self.last:
            raise ValueError(f"at_least ({self.at_least}) is more than last ({self.last})")
        return self


class MissedCondition(_Strict):
    """`weeks` full weeks in a row without an answer: for a guardian no finished
    questionnaire, for a child no mood check-in. Only weeks since the person joined count."""

    role: Literal["guardian", "child"]
    weeks: int = Field(ge=1, le=52)


class When(_Strict):
    message: MessageCondition | None = None
    questionnaire: QuestionnaireCondition | None = None
    moods: MoodCondition | None = None
    missed_checkins: MissedCondition | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> "When":
        given = [name for name, value in self if value is not None]
        if len(given) != 1:
            raise ValueError(
                "`when` needs exactly one of message, questionnaire, moods, missed_checkins"
                f" (got {', '.join(given) or 'none'})"
            )
        return self

    @property
    def kind(self) -> str:
        return next(name for name, value in self if value is not None)


class Rule(_Strict):
    id: str = Field(pattern=RULE_ID_PATTERN, max_length=64)
    severity: Severity
    reason: str = Field(min_length=1, max_length=500)  # written for officers
    when: When
    # The case this rule feeds (default: its own id). Rules sharing one merge into one open
    # case per family, and a more severe rule raises the case's severity.
    case: str | None = Field(default=None, pattern=RULE_ID_PATTERN, max_length=64)
    enabled: bool = True

    @property
    def kind(self) -> str:
        return self.when.kind

    @property
    def case_reason(self) -> str:
        return self.case or self.id


@dataclass(frozen=True)
class RuleSet:
    """The enabled rules of one file, in file order, grouped by what they look at."""

    path: Path
    rules: tuple[Rule, ...]

    def of_kind(self, kind: str) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.enabled and r.kind == kind)

    def get(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


def _describe(error: ValidationError) -> str:
    parts = []
    for detail in error.errors():
        where = ".".join(str(p) for p in detail["loc"])
        message = str(detail["msg"]).removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


def parse_rules(data: Any, path: Path) -> RuleSet:
    """Validate already-parsed YAML; raises `InvalidRules` naming the file, rule and problem."""
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise InvalidRules(f"{path}: expected a mapping with a `rules` list")
    unknown_keys = set(data) - {"version", "rules"}
    if unknown_keys:
        raise InvalidRules(f"{path}: unknown top-level keys {', '.join(sorted(unknown_keys))}")
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, entry in enumerate(data["rules"], start=1):
        name = entry.get("id") if isinstance(entry, dict) else None
        label = f"rule {name!r}" if name else f"rule #{index}"
        try:
            rule = Rule.model_validate(entry)
        except ValidationError as error:
            raise InvalidRules(f"{path}: {label}: {_describe(error)}") from None
        if rule.id in seen:
            raise InvalidRules(f"{path}: {label}: duplicate rule id")
        seen.add(rule.id)
        rules.append(rule)
    if not rules:
        raise InvalidRules(f"{path}: no rules")
    return RuleSet(path=path, rules=tuple(rules))


def load_rules(path: str | Path) -> RuleSet:
    """Read and validate a rule file; `InvalidRules` says what is wrong and where."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InvalidRules(f"{path}: cannot read: {error.strerror or error}") from None
    except yaml.YAMLError as error:
        raise InvalidRules(f"{path}: not valid YAML: {error}") from None
    return parse_rules(data, path)
