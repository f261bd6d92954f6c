#!/usr/bin/env python3
"""Run every benchmark, each in its own process, and print their figures.

Usage: ``make bench`` or ``python bench/run.py [name ...]``. Each benchmark
prints one ``name: value unit`` line per figure; progress goes to stderr.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# In the order they run; later issues add theirs here.
BENCHMARKS = [
    "catalogue",
    "certificate",
    "cases",
    "agenda",
    "mail_register",
    "mail_ocr",
    "mail_search",
    "mail_routing",
]


def main(names: list[str]) -> int:
    selected = names or BENCHMARKS
    unknown = sorted(set(selected) - set(BENCHMARKS))
    if unknown:
        print(f"Unknown benchmark(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    failed = []
    for name in selected:
        print(f"# {name}", file=sys.stderr, flush=True)
        result = subprocess.run(
            [sys.executable, "-m", f"bench.{name}"], cwd=ROOT, env=os.environ.copy(), check=False
        )
        if result.returncode:
            failed.append(name)
    if failed:
        print(f"Failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
