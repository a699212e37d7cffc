"""Pure rule evaluation: given what is known, which rules fire and with what evidence."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, Protocol

from escalation.policy import higher
from escalation.rules import (
    SPEAKER_ALIASES,
    MessageCondition,
    MissedCondition,
    MoodCondition,
    QuestionnaireCondition,
    Rule,
    RuleSet,
)


class AnalysisLike(Protocol):
    """What rules read of an analysis: `nlp.Analysis` and `models.MessageAnalysis` both fit."""

    @property
    def emotions(self) -> Mapping[str, float]: ...
    @property
    def risk(self) -> Mapping[str, float]: ...
    @property
    def risk_labels(self) -> Sequence[str]: ...


class ScoredWeek(Protocol):
    """A finished questionnaire: `models.QuestionnaireResponse` fits."""

    @property
    def instrument_id(self) -> str: ...
    @property
    def week(self) -> str: ...
    @property
    def total_score(self) -> float | None: ...
    @property
    def band(self) -> str | None: ...
    @property
    def subscale_scores(self) -> dict[str, Any] | None: ...


@dataclass(frozen=True)
class Match:
    rule: Rule
    evidence: dict[str, Any] = field(default_factory=dict)


def highest_severity(matches: Sequence[Match]) -> str | None:
    severity: str | None = None
    for match in matches:
        severity = higher(severity or match.rule.severity, match.rule.severity)
    return severity


def _message_evidence(
    condition: MessageCondition, analysis: AnalysisLike, speaker: str
) -> dict[str, Any] | None:
    if condition.speaker is not None and speaker not in condition.speaker:
        return None
    evidence: dict[str, Any] = {"speaker": speaker}
    if condition.risk is not None:
        hits = {
            name: round(float(analysis.risk.get(name, 0.0)), 4)
            for name, threshold in condition.risk.items()
            if float(analysis.risk.get(name, 0.0)) >= threshold
        }
        if not hits:
            return None
        evidence["risk"] = hits
    if condition.risk_labels is not None:
        labels = [label for label in condition.risk_labels if label in analysis.risk_labels]
        if not labels:
            return None
        evidence["risk_labels"] = labels
    if condition.emotions is not None:
        scores = {name: float(analysis.emotions.get(name, 0.0)) for name in condition.emotions}
        if any(scores[name] < threshold for name, threshold in condition.emotions.items()):
            return None
        evidence["emotions"] = {name: round(p, 4) for name, p in scores.items()}
    return evidence


def evaluate_message(rules: RuleSet, analysis: AnalysisLike, speaker: str) -> list[Match]:
    """The message rules that fire for one analysed message from `speaker`."""
    speaker = SPEAKER_ALIASES.get(speaker, speaker)
    matches = []
    phrases: Mapping[str, Sequence[str]] = getattr(analysis, "evidence", None) or {}
    for rule in rules.of_kind("message"):
        assert rule.when.message is not None
        evidence = _message_evidence(rule.when.message, analysis, speaker)
        if evidence is None:
            continue
        categories = list(evidence.get("risk", {})) + list(evidence.get("risk_labels", []))
        matched = {c: list(phrases[c]) for c in dict.fromkeys(categories) if phrases.get(c)}
        if matched:
            evidence["phrases"] = matched
        matches.append(Match(rule, evidence))
    return matches


def _questionnaire_evidence(
    condition: QuestionnaireCondition, current: ScoredWeek, earlier: Sequence[ScoredWeek]
) -> dict[str, Any] | None:
    if condition.instrument is not None and current.instrument_id != condition.instrument:
        return None
    total = current.total_score
    evidence: dict[str, Any] = {
        "instrument": current.instrument_id,
        "week": current.week,
        "total": total,
        "band": current.band,
    }
    if condition.total_at_least is not None and (total is None or total < condition.total_at_least):
        return None
    if condition.band_in is not None and current.band not in condition.band_in:
        return None
    if condition.subscale_at_least is not None:
        scores = current.subscale_scores or {}
        hits = {
            name: scores[name]
            for name, threshold in condition.subscale_at_least.items()
            if scores.get(name) is not None and float(scores[name]) >= threshold
        }
        if not hits:
            return None
        evidence["subscales"] = hits
    history = [w for w in earlier if w.instrument_id == current.instrument_id]
    history = [w for w in history if w.total_score is not None and w.week < current.week]
    history.sort(key=lambda w: w.week)
    if condition.change_at_least is not None:
        if total is None or not history:
            return None
        previous = history[-1]
        change = total - float(previous.total_score or 0)
        if change < condition.change_at_least:
            return None
        evidence["change"] = {"since_week": previous.week, "by": change}
    if condition.trend is not None:
        weeks = condition.trend.weeks
        if total is None or len(history) < weeks:
            return None
        series = [float(w.total_score or 0) for w in history[-weeks:]] + [total]
        if any(b < a for a, b in pairwise(series)):
            return None
        if series[-1] - series[0] < condition.trend.rise_at_least:
            return None
        evidence["trend"] = {
            "weeks": [w.week for w in history[-weeks:]] + [current.week],
            "totals": series,
        }
    return evidence


def evaluate_questionnaire(
    rules: RuleSet, current: ScoredWeek, earlier: Sequence[ScoredWeek]
) -> list[Match]:
    """The questionnaire rules that fire for a finished questionnaire, given the same
    person's earlier finished ones (any order; later weeks are ignored)."""
    matches = []
    for rule in rules.of_kind("questionnaire"):
        assert rule.when.questionnaire is not None
        evidence = _questionnaire_evidence(rule.when.questionnaire, current, earlier)
        if evidence is not None:
            matches.append(Match(rule, evidence))
    return matches


def mood_matches(condition: MoodCondition, moods_newest_first: Sequence[str]) -> bool:
    recent = list(moods_newest_first[: condition.last])
    if len(recent) < condition.last:
        return False
    return sum(m in condition.moods for m in recent) >= condition.at_least


def evaluate_moods(rules: RuleSet, moods_newest_first: Sequence[str]) -> list[Match]:
    """The mood rules that fire for the child's mood check-ins, newest first."""
    matches = []
    for rule in rules.of_kind("moods"):
        condition = rule.when.moods
        assert condition is not None
        if mood_matches(condition, moods_newest_first):
            recent = list(moods_newest_first[: condition.last])
            matches.append(Match(rule, {"moods": recent}))
    return matches


def missed_matches(condition: MissedCondition, role: str, missed_weeks: int) -> bool:
    return condition.role == role and missed_weeks >= condition.weeks


def evaluate_missed(rules: RuleSet, role: str, missed_weeks: int) -> list[Match]:
    """The missed-check-in rules that fire for a member who has `missed_weeks` in a row."""
    matches = []
    for rule in rules.of_kind("missed_checkins"):
        assert rule.when.missed_checkins is not None
        if missed_matches(rule.when.missed_checkins, role, missed_weeks):
            matches.append(Match(rule, {"role": role, "missed_weeks": missed_weeks}))
    return matches


def escalation_field(matches: Sequence[Match]) -> dict[str, Any] | None:
    """The contract's `escalation` value: the highest severity and every firing rule's id,
    urgent ones first."""
    severity = highest_severity(matches)
    if severity is None:
        return None
    ordered = sorted(matches, key=lambda m: m.rule.severity != "urgent")
    return {"severity": severity, "reasons": [m.rule.id for m in ordered]}
