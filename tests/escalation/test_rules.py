"""Loading rule files: the default set is valid; a bad file is refused, naming what is wrong."""

from pathlib import Path

import pytest
import yaml

from escalation import InvalidRules, load_rules
from escalation.rules import EMOTIONS, RISKS

DEFAULT_RULES = Path(__file__).resolve().parents[2] / "escalation" / "rules.yaml"


def test_default_rules_cover_every_risk_category_and_rule_kind() -> None:
    rules = load_rules(DEFAULT_RULES)
    risk_rules = rules.of_kind("message")
    covered = {c for r in risk_rules if r.when.message for c in (r.when.message.risk or {})}
    assert covered == set(RISKS)
    assert {r.kind for r in rules.rules} == {"message", "questionnaire", "moods", "missed_checkins"}
    assert all(r.reason.strip() for r in rules.rules)


def test_default_rules_match_the_classifier_label_sets() -> None:
    from nlp.labels import EMOTIONS as NLP_EMOTIONS
    from nlp.labels import RISKS as NLP_RISKS

    assert (RISKS, EMOTIONS) == (NLP_RISKS, NLP_EMOTIONS)


def _write(tmp_path: Path, rules: object) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(rules, allow_unicode=True), encoding="utf-8")
    return path


def _rule(**overrides: object) -> dict[str, object]:
    rule: dict[str, object] = {
        "id": "risk:self_harm",
        "severity": "urgent",
        "reason": "self-harm",
        "when": {"message": {"risk": {"self_harm": 0.5}}},
    }
    rule.update(overrides)
    return rule


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        (_rule(when={"message": {"risk": {"self_hurt": 0.5}}}), "unknown risk category self_hurt"),
        (_rule(when={"message": {"risk": {"self_harm": 1.5}}}), "not between 0 and 1"),
        (_rule(when={"message": {"emotions": {"happy": 0.5}}}), "unknown emotion happy"),
        (
            _rule(when={"message": {"speaker": ["teacher"], "risk": {"self_harm": 0.5}}}),
            "unknown speaker teacher",
        ),
        (_rule(severity="critical"), "severity"),
        (_rule(reason=""), "reason"),
        (_rule(when={}), "exactly one of"),
        (
            _rule(
                when={
                    "message": {"risk": {"self_harm": 0.5}},
                    "moods": {"last": 4, "moods": ["sad"], "at_least": 3},
                }
            ),
            "exactly one of",
        ),
        (
            _rule(when={"moods": {"last": 3, "moods": ["sad"], "at_least": 4}}),
            "at_least (4) is more than last (3)",
        ),
        (_rule(when={"missed_checkins": {"role": "teacher", "weeks": 3}}), "role"),
        (_rule(when={"questionnaire": {"instrument": "parenting_stress"}}), "needs total_at_least"),
        (_rule(when={"questionnaire": {"trend": {"weeks": 1, "rise_at_least": 2}}}), "weeks"),
        (_rule(threshold=3), "threshold"),
        (_rule(id="Risk Self Harm"), "id"),
    ],
)
def test_invalid_rule_is_refused_naming_file_rule_and_problem(
    tmp_path: Path, rule: dict[str, object], problem: str
) -> None:
    path = _write(tmp_path, {"version": 1, "rules": [rule]})
    with pytest.raises(InvalidRules) as refused:
        load_rules(path)
    message = str(refused.value)
    assert str(path) in message
    assert f"rule {rule['id']!r}" in message
    assert problem in message


def test_duplicate_rule_ids_are_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, {"rules": [_rule(), _rule()]})
    with pytest.raises(InvalidRules, match="'risk:self_harm': duplicate rule id"):
        load_rules(path)


def test_unreadable_or_malformed_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidRules, match="cannot read"):
        load_rules(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("rules: [\n", encoding="utf-8")
    with pytest.raises(InvalidRules, match="not valid YAML"):
        load_rules(broken)
    empty = _write(tmp_path, {"rules": []})
    with pytest.raises(InvalidRules, match="no rules"):
        load_rules(empty)


def test_disabled_rules_are_loaded_but_never_evaluated(tmp_path: Path) -> None:
    rules = load_rules(_write(tmp_path, {"rules": [_rule(enabled=False)]}))
    assert rules.get("risk:self_harm") is not None
    assert rules.of_kind("message") == ()
