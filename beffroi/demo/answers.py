"""Plausible answers to any procedure's form, for the demo and the tests.

Each question gets a value of its type that passes its checks (bounds,
checksums), page by page, so that conditions see the answers given before
them. ``overrides`` sets chosen answers (by field id) first.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils import timezone

from beffroi.catalogue.conditions import evaluate
from beffroi.catalogue.definition import ProcedureDefinition

# A tiny valid PDF, for file questions.
SAMPLE_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

ADDRESS = {
    "street": "Rue de la Tête d'Or",
    "number": "12",
    "box": "",
    "postcode": "7500",
    "city": "Tournai",
    "country": "BE",
}
_TEXT_HINTS = (
    ("first_name", "Marie"),
    ("last_name", "Dubois"),
    ("name", "Marie Dubois"),
    ("place", "Tournai"),
    ("city", "Tournai"),
    ("commune", "Tournai"),
    ("purpose", "Dossier administratif"),
    ("title", "Fête du quartier Saint-Piat"),
    ("school", "Athénée royal Jules Bara"),
    ("parcel", "Tournai 1re division, section A, n° 123B"),
    ("cadastr", "Tournai 1re division, section A, n° 123B"),
    ("country", "France"),
    ("hour", "14 h 00"),
    ("time", "14 h 00"),
)


def _date_within(field: Mapping[str, Any]) -> str:
    today = timezone.localdate()

    def bound(raw: Any) -> datetime.date | None:
        if raw is None:
            return None
        text = str(raw)
        if text in {"today", "past", "future"}:
            return today
        if text[0] in "+-":
            return today + datetime.timedelta(days=int(text))
        return datetime.date.fromisoformat(text)

    low, high = bound(field.get("min")), bound(field.get("max"))
    if low is not None and (high is None or high >= low + datetime.timedelta(days=60)):
        return (low + datetime.timedelta(days=60)).isoformat()
    if low is not None:
        return low.isoformat()
    candidate = datetime.date(1985, 7, 30)
    if high is not None and candidate > high:
        candidate = high
    return candidate.isoformat()


def _text(field: Mapping[str, Any]) -> str:
    field_id = str(field["id"])
    value = next((text for hint, text in _TEXT_HINTS if hint in field_id), "Exemple de réponse")
    return value[: int(field.get("max_length", 200))]


def sample_value(field: Mapping[str, Any]) -> Any:
    """A valid value for one question (files excepted)."""
    kind = field["type"]
    if kind == "text":
        return _text(field)
    if kind == "textarea":
        return "Texte de démonstration, rédigé pour montrer la démarche."[
            : int(field.get("max_length", 4000))
        ]
    if kind == "number":
        low = Decimal(str(field.get("min", 1)))
        high = Decimal(str(field.get("max", low + 10)))
        value = max(low, min(high, Decimal(2)))
        return str(int(value)) if not field.get("decimals") else format(value, "f")
    if kind == "date":
        return _date_within(field)
    if kind == "choice":
        return field["choices"][0]["value"]
    if kind == "multichoice":
        count = max(1, int(field.get("min_choices", 1)))
        return [choice["value"] for choice in field["choices"][:count]]
    if kind == "yesno":
        return False
    if kind == "email":
        return "marie.dubois@example.org"
    if kind == "phone":
        return "+3269332211"
    if kind == "address":
        return dict(ADDRESS)
    if kind == "national_number":
        return "85073003328"
    if kind == "enterprise_number":
        return "0207373429"
    if kind == "iban":
        return "BE68539007547034"
    return None


def sample_answers(
    spec: ProcedureDefinition, overrides: Mapping[str, Any] | None = None
) -> tuple[dict[str, Any], list[str]]:
    """(answers, ids of the file questions that need a file), in page order."""
    overrides = dict(overrides or {})
    answers: dict[str, Any] = {}
    files: list[str] = []
    for page in spec.pages:
        if not evaluate(page.visible_if, answers):
            continue
        for field in page.fields:
            if field["type"] == "info" or not evaluate(field.get("visible_if"), answers):
                continue
            field_id = field["id"]
            if field["type"] == "file":
                required = (
                    evaluate(field["required_if"], answers)
                    if "required_if" in field
                    else bool(field.get("required", True))
                )
                if required or field_id in overrides:
                    files.append(field_id)
                    answers[field_id] = ["pending"]  # conditions see a file was given
                continue
            answers[field_id] = overrides.get(field_id, sample_value(field))
    for field_id in files:
        answers.pop(field_id, None)
    return answers, files
