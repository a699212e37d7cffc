"""Escalation benchmark: recall and false positives of the message rules on held-out messages.

    python -m bench escalation            (or: python bench/bench_escalation.py --help)

The classifier's written risk examples (`nlp/risk/examples.jsonl`, split `test`: never
trained on) are analysed by the shipped classifier and run through the rules exactly as
`maeum analyze` does. A risk example counts as escalated when any rule fires; an ordinary
one (no labels, hyperbole included) that escalates is a false positive. Everyday chat
questions from `../shared/data/chatbot` give a second, larger false-positive check.
Prints example ids only, never texts.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RULES = ROOT / "escalation" / "rules.yaml"
DEFAULT_EXAMPLES = ROOT / "nlp" / "risk" / "examples.jsonl"
DEFAULT_DATA = Path(os.environ.get("MAEUM_DATA_DIR", ROOT.parent / "shared" / "data"))
TARGETS = {"urgent_recall": 0.95, "overall_recall": 0.90, "false_positives": 0.05}
SWEEP = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)

Escalate = Callable[[Any, str], "dict[str, Any] | None"]


def _rules_with_risk_threshold(path: Path, threshold: float) -> Any:
    """The rule file with every message rule's risk probabilities set to `threshold`."""
    from escalation.rules import parse_rules

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for rule in data["rules"]:
        risk = rule.get("when", {}).get("message", {}).get("risk")
        if risk:
            rule["when"]["message"]["risk"] = dict.fromkeys(risk, threshold)
    return parse_rules(data, path)


def _escalator(rules: Any) -> Escalate:
    from escalation.evaluate import escalation_field, evaluate_message

    return lambda analysis, speaker: escalation_field(evaluate_message(rules, analysis, speaker))


def _load_examples(path: Path, split: str) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [r for r in rows if r.get("split") == split]


def _analyse(rows: list[dict[str, Any]]) -> list[Any]:
    from nlp import load_analyzer

    analyzer = load_analyzer(os.environ.get("MAEUM_MODEL_DIR") or None)
    results: list[Any] = []
    for speaker in ("child", "parent"):
        idx = [i for i, r in enumerate(rows) if r["speaker"] == speaker]
        analysed = analyzer.analyze([rows[i]["text"] for i in idx], speaker=speaker)
        results.extend(zip(idx, analysed, strict=True))
    return [a for _, a in sorted(results, key=lambda pair: pair[0])]


def _rate(hits: int, total: int) -> str:
    return f"{hits / total:.3f} ({hits}/{total})" if total else "n/a (0)"


def measure(
    rows: list[dict[str, Any]], analyses: list[Any], escalate: Escalate, urgent_risks: set[str]
) -> dict[str, Any]:
    decisions = [escalate(a, r["speaker"]) for r, a in zip(rows, analyses, strict=True)]
    risky = [(r, d) for r, d in zip(rows, decisions, strict=True) if r["labels"]]
    ordinary = [(r, d) for r, d in zip(rows, decisions, strict=True) if not r["labels"]]
    urgent = [(r, d) for r, d in risky if urgent_risks & set(r["labels"])]
    per_category: dict[str, list[int]] = {}
    for r, d in risky:
        for label in r["labels"]:
            counts = per_category.setdefault(label, [0, 0])
            counts[0] += d is not None
            counts[1] += 1
    return {
        "overall": (sum(d is not None for _, d in risky), len(risky)),
        "urgent": (sum(d is not None for _, d in urgent), len(urgent)),
        "urgent_as_urgent": (
            sum(bool(d) and d["severity"] == "urgent" for _, d in urgent),
            len(urgent),
        ),
        "false_positives": (sum(d is not None for _, d in ordinary), len(ordinary)),
        "per_category": per_category,
        "missed": [r["id"] for r, d in risky if d is None],
        "false_positive_ids": [r["id"] for r, d in ordinary if d is not None],
    }


def _everyday_chat(data_dir: Path, limit: int) -> list[dict[str, Any]]:
    from nlp.data import chat_share, read_chat_questions

    if limit <= 0:
        return []
    # share 0: the risk model trains on share 1 and tunes on share 2, never on these
    questions = chat_share(read_chat_questions(data_dir), 0)[:limit]
    return [
        {"id": f"chatbot-share0:{i}", "text": q, "speaker": "child", "labels": []}
        for i, q in enumerate(questions)
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rules", type=Path, default=DEFAULT_RULES)
    parser.add_argument("--examples", type=Path, default=DEFAULT_EXAMPLES)
    parser.add_argument("--split", default="test", help="held-out split of the examples")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="../shared/data")
    parser.add_argument(
        "--chat-limit",
        type=int,
        default=3000,
        help="everyday chat questions to check for false positives",
    )
    args = parser.parse_args(argv if argv is not None else [])

    from escalation import load_rules
    from nlp.labels import URGENT_RISKS

    rows = _load_examples(args.examples, args.split)
    analyses = _analyse(rows)
    urgent_risks = set(URGENT_RISKS)
    rules = load_rules(args.rules)
    result = measure(rows, analyses, _escalator(rules), urgent_risks)

    print(
        f"rules {args.rules.relative_to(ROOT) if args.rules.is_relative_to(ROOT) else args.rules}"
        f" on {args.examples.name} split={args.split}: {len(rows)} messages"
    )
    print(
        f"  urgent-category recall (any escalation) {_rate(*result['urgent'])}"
        f"   target >= {TARGETS['urgent_recall']}"
    )
    print(f"  urgent-category escalated as urgent      {_rate(*result['urgent_as_urgent'])}")
    print(
        f"  overall risk recall                      {_rate(*result['overall'])}"
        f"   target >= {TARGETS['overall_recall']}"
    )
    print(
        f"  false positives (ordinary, hyperbole)    {_rate(*result['false_positives'])}"
        f"   target <= {TARGETS['false_positives']}"
    )
    for label, (hit, total) in sorted(result["per_category"].items()):
        print(f"    {label:20s} recall {_rate(hit, total)}")
    print(f"  missed: {', '.join(result['missed']) or '-'}")
    print(f"  false positives: {', '.join(result['false_positive_ids']) or '-'}")

    print("  risk threshold sweep (every risk rule at t):")
    print("       t  urgent-recall  overall-recall  false-positives")
    for threshold in SWEEP:
        swept = measure(
            rows,
            analyses,
            _escalator(_rules_with_risk_threshold(args.rules, threshold)),
            urgent_risks,
        )
        print(
            f"    {threshold:4.2f}  {_rate(*swept['urgent']):>13}  {_rate(*swept['overall']):>14}"
            f"  {_rate(*swept['false_positives']):>15}"
        )

    chat = _everyday_chat(args.data, args.chat_limit)
    if chat:
        chat_analyses = _analyse(chat)
        escalate = _escalator(rules)
        severities = Counter(
            (d or {}).get("severity", "none") for d in (escalate(a, "child") for a in chat_analyses)
        )
        escalated = len(chat) - severities["none"]
        print(
            f"  everyday chat questions (chatbot, as a child), escalated"
            f" {_rate(escalated, len(chat))}: urgent {severities['urgent']},"
            f" concern {severities['concern']}"
            " (not labelled for risk: an upper bound on false positives)"
        )
    else:
        print(f"  everyday chat check skipped (--chat-limit 0, or no {args.data / 'chatbot'})")


if __name__ == "__main__":
    main(sys.argv[1:])
