"""The engine's widgets: only attributes valid for their element and input
type (the Nu Html Checker refused ``maxlength`` on date inputs), and no
limit that cuts a pasted text without a word: the server says the limit and
keeps what was typed."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from django.test import SimpleTestCase

from beffroi.cases.formengine import PageForm
from beffroi.catalogue.definition import FIELD_TYPES, ProcedureDefinition

CHOICES = [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]
EXTRA: dict[str, dict[str, Any]] = {
    "choice": {"choices": CHOICES},
    "select": {"choices": CHOICES, "widget": "select"},
    "multichoice": {"choices": CHOICES},
    "file": {"max_files": 3},
}


def every_type() -> ProcedureDefinition:
    fields: list[dict[str, Any]] = [
        {"id": f"q_{name}", "type": name, "label": name.capitalize(), **EXTRA.get(name, {})}
        for name in FIELD_TYPES
        if name != "info"
    ]
    fields.append({"id": "q_select", "type": "choice", "label": "Select", **EXTRA["select"]})
    fields.append({"id": "q_one_file", "type": "file", "label": "One file"})
    return ProcedureDefinition({"form": {"pages": [{"id": "p", "title": "P", "fields": fields}]}})


# What the HTML standard allows, beside the global attributes (id, class,
# hidden, inputmode, aria-*, data-*…).
GLOBAL = {"id", "class", "hidden", "inputmode", "title", "lang", "dir", "tabindex", "autofocus"}
FORM_CONTROL = {"name", "disabled", "form"}
TEXT_LIKE = {"value", "autocomplete", "maxlength", "minlength", "pattern", "placeholder"}
TEXT_LIKE |= {"readonly", "required", "size", "list", "dirname"}
INPUT = {
    "text": TEXT_LIKE,
    "tel": TEXT_LIKE - {"dirname"},
    "email": (TEXT_LIKE - {"dirname"}) | {"multiple"},
    "date": {"value", "autocomplete", "list", "max", "min", "readonly", "required", "step"},
    "radio": {"value", "checked", "required"},
    "checkbox": {"value", "checked", "required"},
    "file": {"accept", "multiple", "required"},
}
ELEMENT = {
    "textarea": {"autocomplete", "cols", "dirname", "maxlength", "minlength", "placeholder"}
    | {"readonly", "required", "rows", "wrap"},
    "select": {"autocomplete", "multiple", "required", "size"},
}


class Controls(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"input", "textarea", "select"}:
            self.found.append((tag, dict(attrs)))


def controls(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Controls()
    parser.feed(html)
    return parser.found


def page_html() -> str:
    spec = every_type()
    form = PageForm(spec=spec, page=spec.pages[0], answers={})
    return "".join(str(form[name]) for name in form.fields)


class AttributeTests(SimpleTestCase):
    def test_every_widget_carries_only_attributes_valid_for_its_type(self) -> None:
        wrong = []
        found = controls(page_html())
        for tag, attrs in found:
            kind = str(attrs.get("type", "text")) if tag == "input" else tag
            allowed = GLOBAL | FORM_CONTROL | (INPUT[kind] if tag == "input" else ELEMENT[tag])
            allowed |= {"type"} if tag == "input" else set()
            for name in attrs:
                if name not in allowed and not name.startswith(("aria-", "data-")):
                    wrong.append(f"<{tag} type={kind}> {name}")
        assert {tag for tag, _attrs in found} == {"input", "textarea", "select"}
        assert not wrong, wrong

    def test_a_date_input_has_no_maxlength(self) -> None:
        dates = [attrs for tag, attrs in controls(page_html()) if attrs.get("type") == "date"]
        assert dates
        assert all("maxlength" not in attrs for attrs in dates)

    def test_no_widget_cuts_what_is_typed(self) -> None:
        assert all("maxlength" not in attrs for _tag, attrs in controls(page_html()))


def text_page(max_length: int) -> tuple[ProcedureDefinition, dict[str, object]]:
    field = {"id": "story", "type": "textarea", "label": "Votre récit", "max_length": max_length}
    spec = ProcedureDefinition({"form": {"pages": [{"id": "p", "title": "P", "fields": [field]}]}})
    return spec, field


class LengthTests(SimpleTestCase):
    def test_the_limit_is_stated_in_the_help_text(self) -> None:
        spec, _field = text_page(2000)
        form = PageForm(spec=spec, page=spec.pages[0], answers={})
        assert form.fields["story"].help_text == "2\u202f000 caractères au maximum."
        assert form.views[0].hint == "2\u202f000 caractères au maximum."

    def test_a_text_too_long_is_refused_saying_by_how_much_and_kept_as_typed(self) -> None:
        spec, _field = text_page(200)
        typed = "Le voisin a taillé la haie. " * 9  # 252 characters
        form = PageForm({"story": typed}, spec=spec, page=spec.pages[0], answers={})
        assert not form.is_valid()
        assert form.errors["story"] == [
            f"200 caractères au maximum (vous en avez saisi {len(typed.strip())})."
        ]
        assert typed.strip() in str(form["story"])
