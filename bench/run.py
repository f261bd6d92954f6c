#!/usr/bin/env python3
"""Run every benchmark, each in its own process, and print their figures.

Usage: ``make bench`` or ``python bench/run.py [--before REV] [name ...]``.
Each benchmark prints one ``name: value unit`` line per figure; progress
goes to stderr.

``--before REV`` runs each benchmark of an earlier version too (a git
revision, checked out in a temporary worktree), just before this version's,
on the same machine in the same run, and prints each figure beside its old
value: ``name: value unit (before: old unit, +N %)``.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
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
    "journal",
    "payments",
    "tenants",
]
FIGURE = re.compile(r"^(?P<name>[a-z0-9_]+): (?P<value>-?[\d.]+) (?P<unit>.+)$")


def _run(name: str, cwd: Path) -> list[str]:
    """The figure lines one benchmark prints (run from ``cwd``'s checkout)."""
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    result = subprocess.run(
        [sys.executable, "-m", f"bench.{name}"],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(f"bench.{name} failed in {cwd}")
    return [line for line in result.stdout.splitlines() if FIGURE.match(line)]


def _beside(line: str, before: dict[str, tuple[float, str]]) -> str:
    match = FIGURE.match(line)
    if match is None or match["name"] not in before:
        return line
    old, unit = before[match["name"]]
    new = float(match["value"])
    change = f", {100 * (new - old) / old:+.0f} %" if old else ""
    shown = f"{old:.0f}" if abs(old) >= 100 else f"{old:.3g}"
    return f"{line} (before: {shown} {unit}{change})"


def _earlier_checkout(revision: str, folder: Path) -> Path:
    checkout = folder / "before"
    subprocess.run(
        ["git", "worktree", "add", "--detach", "--quiet", str(checkout), revision],
        cwd=ROOT,
        check=True,
    )
    return checkout


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="a git revision to measure beside this one")
    parser.add_argument("names", nargs="*")
    args = parser.parse_args(argv)
    selected = args.names or BENCHMARKS
    unknown = sorted(set(selected) - set(BENCHMARKS))
    if unknown:
        print(f"Unknown benchmark(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    failed = []
    with tempfile.TemporaryDirectory(prefix="beffroi-bench-before-") as folder:
        earlier = _earlier_checkout(args.before, Path(folder)) if args.before else None
        try:
            for name in selected:
                before: dict[str, tuple[float, str]] = {}
                try:
                    if earlier is not None and (earlier / "bench" / f"{name}.py").exists():
                        print(f"# {name} (before: {args.before})", file=sys.stderr, flush=True)
                        for line in _run(name, earlier):
                            match = FIGURE.match(line)
                            assert match is not None
                            before[match["name"]] = (float(match["value"]), match["unit"])
                    print(f"# {name}", file=sys.stderr, flush=True)
                    for line in _run(name, ROOT):
                        print(_beside(line, before), flush=True)
                except RuntimeError as error:
                    print(error, file=sys.stderr)
                    failed.append(name)
        finally:
            if earlier is not None:
                subprocess.run(
                    ["git", "worktree", "remove", "--force", str(earlier)], cwd=ROOT, check=False
                )
    if failed:
        print(f"Failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
