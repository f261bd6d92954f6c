"""Templates written in definitions are compiled once per process."""

from __future__ import annotations

import pytest
from django.template import Context, TemplateSyntaxError

from beffroi.catalogue.definition import definition_template


def test_the_same_text_is_compiled_once_and_renders_each_context() -> None:
    source = "Demande {{ reference }} reçue ({{ n|add:1 }})"
    first = definition_template(source)
    assert definition_template(source) is first
    assert first.render(Context({"reference": "2026-000001", "n": 1})) == (
        "Demande 2026-000001 reçue (2)"
    )
    assert first.render(Context({"reference": "2026-000002", "n": 4})) == (
        "Demande 2026-000002 reçue (5)"
    )


def test_a_broken_text_is_refused_every_time() -> None:
    for _ in range(2):
        with pytest.raises(TemplateSyntaxError):
            definition_template("{% if %}")
