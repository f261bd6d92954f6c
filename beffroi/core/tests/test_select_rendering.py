"""Selects are written without a template per option, and say the same thing."""

from __future__ import annotations

import re

from django import forms
from django.forms.renderers import DjangoTemplates
from django.test import SimpleTestCase

from beffroi.core.forms import BeffroiFormRenderer, render_select


class _Choices(forms.Form):
    single = forms.ChoiceField(
        label="Statut",
        choices=[("", "Tous"), ("a", "Reçue & <vérifiée>"), ("b", "Close")],
        required=False,
    )
    grouped = forms.ChoiceField(
        label="Service",
        choices=[("Ville", [("1", "Population"), ("2", "État civil")]), ("3", "Police")],
    )
    several = forms.MultipleChoiceField(
        label="Agents", choices=[("7", "Sophie"), ("8", "Karim")], required=False
    )


def _normalised(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


class SelectRenderingTests(SimpleTestCase):
    def _both(self, data: dict[str, object] | None) -> list[tuple[str, str]]:
        fast = _Choices(data, renderer=BeffroiFormRenderer())
        plain = _Choices(data, renderer=DjangoTemplates())
        return [
            (_normalised(str(fast[name].as_widget())), _normalised(str(plain[name].as_widget())))
            for name in ("single", "grouped", "several")
        ]

    def test_an_empty_form_renders_as_django_would(self) -> None:
        for fast, plain in self._both(None):
            assert fast == plain

    def test_chosen_values_and_errors_render_as_django_would(self) -> None:
        for fast, plain in self._both({"single": "a", "grouped": "9", "several": ["7", "8"]}):
            assert fast == plain

    def test_the_options_are_written_without_their_template(self) -> None:
        bound = _Choices({"single": "b"})["single"]
        widget = bound.field.widget.get_context(bound.html_name, bound.value(), {"id": "x"})
        rendered = render_select(widget["widget"])
        assert rendered is not None
        assert '<option value="b" selected>Close</option>' in rendered

    def test_labels_are_escaped(self) -> None:
        html = str(_Choices(renderer=BeffroiFormRenderer())["single"].as_widget())
        assert "Reçue &amp; &lt;vérifiée&gt;" in html
        assert "required" not in html.split(">")[0]
