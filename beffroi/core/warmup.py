"""What a web process prepares once it has loaded, before its first request."""

from __future__ import annotations

from typing import Any

from django.core.validators import EmailValidator, URLValidator

# Django compiles these patterns on their first use. The e-mail address's
# domain and the URL patterns take about 70 ms each (their Unicode ranges,
# case-insensitive): paid by the first citizen whose address a new process
# checks, unless paid here.
_LAZY_PATTERNS: tuple[tuple[type, str], ...] = (
    (EmailValidator, "user_regex"),
    (EmailValidator, "domain_regex"),
    (EmailValidator, "literal_regex"),
    (URLValidator, "regex"),
)


def compile_lazy_patterns() -> None:
    """Compile Django's validators' patterns now, in the process's start-up."""
    for validator, name in _LAZY_PATTERNS:
        pattern: Any = getattr(validator, name)
        _ = pattern.pattern  # the first attribute read compiles it
