"""A web process compiles Django's slow validator patterns while it starts,
not in the first request that checks an e-mail address."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

_PROBE = """
import beffroi.wsgi
from django.core.validators import EmailValidator, URLValidator
from django.utils.functional import empty
for pattern in (EmailValidator.domain_regex, EmailValidator.user_regex, URLValidator.regex):
    assert pattern._wrapped is not empty, pattern
print("compiled")
"""


def test_the_web_process_compiles_the_address_patterns_before_serving() -> None:
    # A process of its own: the test process has compiled them long ago.
    result = subprocess.run(  # noqa: S603 - a fixed probe, no input
        [sys.executable, "-c", _PROBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "compiled"
