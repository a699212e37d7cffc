"""Each rule kind on its own: messages, questionnaires, mood streaks, missed check-ins."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from escalation import load_rules, message_escalator
from escalation.evaluate import (
    escalation_field,
    evaluate_message,
    evaluate_missed,
    evaluate_moods,
    evaluate_questionnaire,
)
from escalation.periodic import missed_weeks
from escalation.rules import RuleSet, parse_rules
from tests.escalation.stubs import analysis

DEFAULT_RULES = Path(__file__).resolve().parents[2] / "escalation" / "rules.yaml"


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules(DEFAULT_RULES)


def _ids(matches: list[Any]) -> list[str]:
    return [m.rule.id for m in matches]


def test_child_disclosure_of_physical_abuse_is_urgent_with_its_evidence(rules: RuleSet) -> None:
    stub = analysis({"abuse_physical": 0.95}, phrases={"abuse_physical": ["아빠가 때렸어"]})
    matches = evaluate_message(rules, stub, "child")
    assert _ids(matches) == ["risk:abuse_physical"]
    evidence = matches[0].evidence
    assert evidence["risk"] == {"abuse_physical": 0.95}
    assert evidence["phrases"] == {"abuse_physical": ["아빠가 때렸어"]}
    assert escalation_field(matches) == {"severity": "urgent", "reasons": ["risk:abuse_physical"]}


def test_risk_below_its_threshold_escalates_nothing(rules: RuleSet) -> None:
    assert evaluate_message(rules, analysis({"self_harm": 0.3}), "child") == []
    assert escalation_field([]) is None


def test_parent_crisis_counts_only_from_the_guardian(rules: RuleSet) -> None:
    crisis = analysis({"parent_crisis": 0.9})
    assert _ids(evaluate_message(rules, crisis, "child")) == []
    assert _ids(evaluate_message(rules, crisis, "parent")) == ["risk:parent_crisis"]
    assert _ids(evaluate_message(rules, crisis, "guardian")) == ["risk:parent_crisis"]


def test_emotion_rule_needs_every_emotion_above_its_threshold() -> None:
    rules = parse_rules(
        {
            "rules": [
                {
                    "id": "emotion:child_despair",
                    "severity": "concern",
                    "reason": "despair",
                    "when": {
                        "message": {
                            "speaker": ["child"],
                            "emotions": {"despair": 0.85, "sadness": 0.6},
                        }
                    },
                }
            ]
        },
        Path("inline.yaml"),
    )
    despair = analysis(emotions={"despair": 0.9, "sadness": 0.8})
    matches = evaluate_message(rules, despair, "child")
    assert _ids(matches) == ["emotion:child_despair"]
    assert matches[0].evidence["emotions"] == {"despair": 0.9, "sadness": 0.8}
    assert _ids(evaluate_message(rules, despair, "parent")) == []
    bad_day = analysis(emotions={"despair": 0.9, "sadness": 0.3})
    assert evaluate_message(rules, bad_day, "child") == []


def test_the_default_despair_rule_is_off_until_emotions_are_calibrated(rules: RuleSet) -> None:
    despair = analysis(emotions={"despair": 0.95, "sadness": 0.95})
    assert evaluate_message(rules, despair, "child") == []


def test_several_risks_give_urgent_reasons_first(rules: RuleSet) -> None:
    stub = analysis({"neglect": 0.8, "abuse_physical": 0.7})
    field = escalation_field(evaluate_message(rules, stub, "child"))
    assert field == {"severity": "urgent", "reasons": ["risk:abuse_physical", "risk:neglect"]}


@dataclass
class Week:
    week: str
    total_score: float | None
    band: str | None = "low"
    subscale_scores: dict[str, Any] | None = None
    instrument_id: str = "parenting_stress"


def test_questionnaire_in_the_high_band_is_a_concern(rules: RuleSet) -> None:
    matches = evaluate_questionnaire(rules, Week("2026-W47", 38, "high"), [])
    assert _ids(matches) == ["questionnaire:high_stress"]
    assert matches[0].rule.severity == "concern"
    assert evaluate_questionnaire(rules, Week("2026-W47", 30, "elevated"), []) == []


def test_questionnaire_subscale_rule_fires_on_its_subscale(rules: RuleSet) -> None:
    week = Week("2026-W47", 30, "elevated", {"parental_distress": 19, "child_difficulty": 5})
    matches = evaluate_questionnaire(rules, week, [])
    assert _ids(matches) == ["questionnaire:parental_distress"]
    assert matches[0].evidence["subscales"] == {"parental_distress": 19}


def test_questionnaire_sharp_rise_compares_with_the_previous_answered_week(
    rules: RuleSet,
) -> None:
    earlier = [Week("2026-W40", 30), Week("2026-W44", 20)]
    matches = evaluate_questionnaire(rules, Week("2026-W46", 29, "elevated"), earlier)
    assert _ids(matches) == ["questionnaire:sharp_rise"]
    assert matches[0].evidence["change"] == {"since_week": "2026-W44", "by": 9}
    assert evaluate_questionnaire(rules, Week("2026-W46", 27, "elevated"), earlier) == []
    # Weeks after the current one are not history.
    assert evaluate_questionnaire(rules, Week("2026-W42", 29), [Week("2026-W44", 10)]) == []


def test_questionnaire_trend_needs_weeks_without_a_fall_and_enough_rise(
    rules: RuleSet,
) -> None:
    rising = [Week("2026-W43", 20), Week("2026-W44", 22), Week("2026-W45", 24)]
    matches = evaluate_questionnaire(rules, Week("2026-W46", 26, "elevated"), rising)
    assert _ids(matches) == ["questionnaire:rising_trend"]
    assert matches[0].evidence["trend"]["totals"] == [20, 22, 24, 26]
    dipped = [Week("2026-W43", 20), Week("2026-W44", 25), Week("2026-W45", 23)]
    assert evaluate_questionnaire(rules, Week("2026-W46", 27, "elevated"), dipped) == []
    too_short = rising[1:]
    assert evaluate_questionnaire(rules, Week("2026-W46", 29, "elevated"), too_short) == []


def test_three_sad_or_scared_of_the_last_four_moods_is_a_concern(rules: RuleSet) -> None:
    assert _ids(evaluate_moods(rules, ["sad", "happy", "scared", "sad", "happy"])) == [
        "moods:sad_or_scared"
    ]
    assert evaluate_moods(rules, ["sad", "happy", "scared", "happy", "sad"]) == []
    assert evaluate_moods(rules, ["sad", "sad", "sad"]) == []  # fewer than four so far


@pytest.mark.parametrize(
    ("last", "joined", "current", "expected"),
    [
        ("2026-W44", "2026-W40", "2026-W48", 3),  # W45, W46, W47 missed
        (None, "2026-W45", "2026-W48", 2),  # joined mid-W45: W46, W47
        ("2026-W47", "2026-W40", "2026-W48", 0),
        ("2026-W51", "2026-W40", "2027-W02", 3),  # across the year: W52, W53, 2027-W01
    ],
)
def test_missed_weeks_count_full_weeks_since_the_last_answer(
    last: str | None, joined: str, current: str, expected: int
) -> None:
    assert missed_weeks(last, joined, current)[0] == expected


def test_missed_checkin_rules_fire_for_their_role_after_three_weeks(rules: RuleSet) -> None:
    assert _ids(evaluate_missed(rules, "guardian", 3)) == ["missed:guardian"]
    assert _ids(evaluate_missed(rules, "child", 4)) == ["missed:child"]
    assert evaluate_missed(rules, "guardian", 2) == []


def test_message_escalator_fills_the_contract_field(tmp_path: Path) -> None:
    escalate = message_escalator(DEFAULT_RULES)
    assert escalate(analysis({"self_harm": 0.95}), "child") == {
        "severity": "urgent",
        "reasons": ["risk:self_harm"],
    }
    assert escalate(analysis({"neglect": 0.75}), "parent") == {
        "severity": "concern",
        "reasons": ["risk:neglect"],
    }
    assert escalate(analysis(emotions={"sadness": 0.9}), "child") is None
