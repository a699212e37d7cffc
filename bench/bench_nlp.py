"""Classifier benchmark: accuracy (KOTE dev, held-out risk examples), speed, load time, memory.

python -m bench nlp        (MAEUM_MODEL_DIR / MAEUM_DATA_DIR to override the defaults)
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

_LOAD_SNIPPET = """
import time, resource, sys
t0 = time.perf_counter()
from nlp import load_analyzer
a = load_analyzer(sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] else None)
a.analyze(["안녕"])
t1 = time.perf_counter()
print(f"{t1 - t0:.3f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
"""


def _load_time_and_rss(model_dir: str | None) -> tuple[float, float]:
    """Fresh-process import + load + first analysis time (s) and peak RSS (MB)."""
    out = subprocess.run(
        [sys.executable, "-c", _LOAD_SNIPPET, model_dir or ""],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[0]), float(out[1])


def _weights_mb(directory: Path) -> float:
    return sum(p.stat().st_size for p in directory.iterdir() if p.is_file()) / 1e6


def _latency_ms(analyzer: object, texts: list[str], threads: int) -> float:
    """Median wall time of analysing one message at a time."""
    import torch

    torch.set_num_threads(threads)
    times = []
    for t in texts:
        t0 = time.perf_counter()
        analyzer.analyze([t])  # type: ignore[attr-defined]
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def _throughput(analyzer: object, texts: list[str], threads: int, batch: int) -> float:
    """Messages per second analysing batches."""
    import torch

    torch.set_num_threads(threads)
    t0 = time.perf_counter()
    for i in range(0, len(texts), batch):
        analyzer.analyze(texts[i : i + batch])  # type: ignore[attr-defined]
    return len(texts) / (time.perf_counter() - t0)


def main(argv: list[str] | None = None) -> None:
    """Print every figure of the classifier next to its target."""
    parser = argparse.ArgumentParser(prog="python -m bench.bench_nlp")
    parser.add_argument("--model", default=os.environ.get("MAEUM_MODEL_DIR"))
    parser.add_argument("--data", default=None)
    parser.add_argument("--skip-accuracy", action="store_true")
    args = parser.parse_args(argv or [])

    from nlp.analyzer import load_analyzer, resolve_model_dir
    from nlp.data import chat_share, data_dir, read_chat_questions, read_kote
    from nlp.evaluate import evaluate_emotions, evaluate_risk
    from nlp.risk.examples import read_examples

    model_dir = resolve_model_dir(args.model)
    root = data_dir(args.data)
    has_data = (root / "kote" / "dev.tsv").is_file()
    rows: list[tuple[str, str, str]] = []

    load_s, rss_mb = _load_time_and_rss(args.model)
    rows.append(("load time (fresh process, incl. imports)", f"{load_s:.2f} s", "-"))
    rows.append(("peak RSS after load", f"{rss_mb:.0f} MB", "-"))
    rows.append(("weights size", f"{_weights_mb(model_dir):.2f} MB", "<= 20 MB"))

    analyzer = load_analyzer(args.model)
    if not args.skip_accuracy:
        risk = evaluate_risk(args.model, split="test")
        rows.append(
            ("risk recall, urgent (held-out test)", f"{risk['recall_urgent']:.3f}", ">= 0.95")
        )
        rows.append(
            ("risk recall, overall (held-out test)", f"{risk['recall_overall']:.3f}", ">= 0.90")
        )
        rows.append(
            (
                "false positives, ordinary (held-out)",
                f"{risk['false_positive_rate']:.3f}",
                "<= 0.05",
            )
        )
        if has_data:
            emo = evaluate_emotions(args.model, root)
            rows.append(("KOTE dev macro-F1 model", f"{emo['model_macro_f1']:.3f}", ">= 0.58"))
            rows.append(
                ("KOTE dev macro-F1 baseline", f"{emo['baseline_macro_f1']:.3f}", "< model")
            )
            rows.append(("KOTE dev micro-F1 model", f"{emo['model_micro_f1']:.3f}", "-"))
            rows.append(("KOTE dev micro-F1 baseline", f"{emo['baseline_micro_f1']:.3f}", "-"))
        else:
            rows.append(("KOTE dev F1", "skipped (no data)", ">= 0.58"))

    # Three kinds of text: everyday chat questions (real short chat, the bot's usual traffic),
    # the written risk examples (longer, a third of them in English or multi-sentence) and
    # KOTE comments (news comments, median 106 characters).
    sets = []
    if has_data:
        sets.append(("chat question", chat_share(read_chat_questions(root), 0)[:3000]))
    sets.append(("written example", [e.text for e in read_examples()]))
    if has_data:
        sets.append(("KOTE comment", read_kote(root, "dev").texts[:1000]))
    analyzer.analyze(sets[0][1][:64])  # warm up
    for name, texts in sets:
        rows.append(
            (
                f"latency, {name}, 1 thread (median)",
                f"{_latency_ms(analyzer, texts[:: max(1, len(texts) // 300)][:300], 1):.2f} ms",
                "<= 10 ms",
            )
        )
    for threads in (1, 2):
        label = "1 torch thread + phrase thread" if threads == 1 else "2 torch threads"
        for name, texts in sets:
            many = texts * max(1, 3000 // len(texts))
            rows.append(
                (
                    f"throughput, {name}s, batch 64, {label}",
                    f"{_throughput(analyzer, many[:3000], threads, 64):.0f} msg/s",
                    ">= 500 (2 cores)",
                )
            )
    rows.append(
        (
            "peak RSS, this process",
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB",
            "-",
        )
    )

    print(f"\nmodel {analyzer.config.name} at {model_dir}")
    width = max(len(r[0]) for r in rows)
    for name, value, target in rows:
        print(f"{name:{width}s}  {value:>18s}  target {target}")


if __name__ == "__main__":
    main(sys.argv[1:])
