"""Run every bench/bench_*.py module's main(), or only those named: `python -m bench nlp`."""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    """Import each benchmark module and call its main(); a failure does not stop the others.

    Options after the names go to the one benchmark named: `python -m bench nlp --skip-accuracy`.
    """
    first_option = next((i for i, a in enumerate(argv) if a.startswith("-")), len(argv))
    wanted, options = argv[:first_option], argv[first_option:]
    names = sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))
    if wanted:
        names = [n for n in names if n.removeprefix("bench_") in wanted or n in wanted]
    if options and len(names) != 1:
        print("options go to one benchmark: name exactly one, e.g. python -m bench nlp --help")
        return 2
    failed = 0
    for name in names:
        print(f"=== {name}", flush=True)
        t0 = time.perf_counter()
        try:
            module = importlib.import_module(f"bench.{name}")
            if options:
                module.main(options)
            else:
                module.main()
        except Exception as exc:  # report and go on with the next benchmark
            failed += 1
            print(f"!!! {name} failed: {type(exc).__name__}: {exc}", flush=True)
        print(f"=== {name} took {time.perf_counter() - t0:.1f} s", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
