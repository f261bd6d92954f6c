#!/usr/bin/env python3
"""Run the test suite, then check it left no file in the media folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEDIA = ROOT / "var" / "test-media"


def main() -> int:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "beffroi.settings_test"}
    database = env.get("DATABASE_URL", "sqlite (in memory)")
    print(f"Running tests against {database.split('@')[-1]}", flush=True)
    before = set(MEDIA.rglob("*")) if MEDIA.exists() else set()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", *sys.argv[1:]], cwd=ROOT, env=env, check=False
    )
    after = set(MEDIA.rglob("*")) if MEDIA.exists() else set()
    leftovers = sorted(after - before)
    if leftovers:
        print("Tests left files behind in media storage:", *leftovers, sep="\n  ")
        return 1
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
