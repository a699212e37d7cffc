"""Command-line functions for `maeum analyze|train|evaluate` (wired up by bot/cli.py).

Also runnable alone: `python -m nlp.cli analyze < messages.jsonl`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from nlp.analysis import Analysis
from nlp.analyzer import load_analyzer
from nlp.labels import SPEAKERS

Escalate = Callable[[Analysis, str], dict | None]


def add_analyze_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `maeum analyze`."""
    parser.add_argument("--model", default=None, help="model directory (default: shipped)")
    parser.add_argument("--batch-size", type=int, default=64)


@dataclass(frozen=True)
class _Bad:
    """An input line that cannot be analysed: its id (when readable) and why."""

    id: str | None
    error: str


def _parse(line: str) -> tuple[str | None, str, str] | _Bad:
    """(id, text, speaker), or why the line is bad."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return _Bad(None, f"invalid JSON: {exc.msg}")
    if not isinstance(obj, dict):
        return _Bad(None, "expected a JSON object")
    raw_id, text, speaker = obj.get("id"), obj.get("text"), obj.get("speaker", "child")
    mid = None if raw_id is None else str(raw_id)
    if not isinstance(text, str):
        return _Bad(mid, "field 'text' must be a string")
    if speaker not in SPEAKERS:
        return _Bad(mid, f"field 'speaker' must be one of {list(SPEAKERS)}")
    return mid, text, speaker


def run_analyze(
    args: argparse.Namespace, stdin: IO[str], stdout: IO[str], escalate: Escalate | None = None
) -> int:
    """Read JSON Lines messages, write one contract line per input line, in order."""
    analyzer = load_analyzer(getattr(args, "model", None))
    batch_size = max(1, int(getattr(args, "batch_size", 64)))
    pending: list[tuple[str | None, str, str] | _Bad] = []

    def flush() -> None:
        good = [p for p in pending if not isinstance(p, _Bad)]
        results = iter(analyzer.analyze([g[1] for g in good], [g[2] for g in good]))
        for p in pending:
            if isinstance(p, _Bad):
                stdout.write(json.dumps({"id": p.id, "error": p.error}, ensure_ascii=False) + "\n")
                continue
            analysis = next(results)
            esc = escalate(analysis, p[2]) if escalate is not None else None
            line = analysis.to_contract(p[0] if p[0] is not None else "", esc)
            stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
        stdout.flush()
        pending.clear()

    for line in stdin:
        if not line.strip():
            continue
        pending.append(_parse(line))
        if len(pending) >= batch_size:
            flush()
    flush()
    return 0


def add_train_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `maeum train`."""
    from nlp.train import add_arguments

    add_arguments(parser)


def run_train(args: argparse.Namespace) -> int:
    """Train a model directory from parsed arguments."""
    from nlp.train import config_from_args, train

    train(config_from_args(args))
    return 0


def add_evaluate_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `maeum evaluate`."""
    from nlp.evaluate import add_arguments

    add_arguments(parser)


def run_evaluate(args: argparse.Namespace) -> int:
    """Evaluate a model directory from parsed arguments."""
    from nlp.evaluate import run

    run(args)
    return 0


def main(argv: list[str] | None = None) -> int:
    """`python -m nlp.cli analyze|train|evaluate` until bot/cli.py wires these up."""
    parser = argparse.ArgumentParser(prog="python -m nlp.cli")
    sub = parser.add_subparsers(dest="command", required=True)
    add_analyze_arguments(sub.add_parser("analyze", help="JSON Lines in, analyses out"))
    add_train_arguments(sub.add_parser("train", help="train a model directory"))
    add_evaluate_arguments(sub.add_parser("evaluate", help="print metrics of a model"))
    args = parser.parse_args(argv)
    if args.command == "analyze":
        return run_analyze(args, sys.stdin, sys.stdout)
    if args.command == "train":
        return run_train(args)
    return run_evaluate(args)


if __name__ == "__main__":
    raise SystemExit(main())
