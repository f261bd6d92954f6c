"""Plausible answers to any procedure's form, for the demo and the tests.

Each question gets a value a real request in Tournai could hold, that passes
its checks (bounds, checksums, a page's checks), page by page, so that
conditions see the answers given before them. What the form would prefill
(the applicant's profile, the card of the organisation a request is made
for) is taken from there, as the citizen would leave it; ``overrides`` sets
chosen answers (by field id) first.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.utils import timezone

from beffroi.cases.formengine import ORGANISATION_CHOSEN
from beffroi.catalogue.conditions import evaluate
from beffroi.catalogue.definition import ProcedureDefinition
from beffroi.documents.sniff import sample_pdf

# A tiny valid PDF, for file questions.
# A real one-page PDF: uploads from outside must open in a PDF parser.
SAMPLE_PDF = sample_pdf("Justificatif")
SAMPLES_FILE = Path(__file__).resolve().parent / "data" / "answers.yaml"


@functools.cache
def samples() -> dict[str, dict[str, Any]]:
    """Sample answers by kind (texts, numbers, emails, phones, addresses), then id."""
    with SAMPLES_FILE.open(encoding="utf-8") as handle:
        data: dict[str, dict[str, Any]] = yaml.safe_load(handle)
    return data


ADDRESS: dict[str, str] = dict(samples()["addresses"]["address"])
# Prefixes the shipped fragments put before their fields' ids (applicant_,
# org_, rep1_…): a value known for « first_name » suits « rep1_first_name ».
_PREFIXES = ("applicant_", "person_", "org_", "association_", "rep1_", "rep2_", "business_")
# Dates as far from today as a real request would put them (days), by id.
_DATE_OFFSETS = {
    "birth_date": -(41 * 365 + 10),
    "child_birth_date": -(9 * 365 + 120),
    "companion_birth_date": -(67 * 365),
    "spouse1_birth_date": -(43 * 365),
    "spouse2_birth_date": -(41 * 365 + 200),
    "event_date": -(6 * 365),
    "move_date": -12,
    "available_from": 45,
    "card_expiry": 3 * 365,
    "closure_date": 30,
    "departure_date": 52,
    "return_date": 66,
}
# Children and spouses are other people: their national numbers too.
_NATIONAL_NUMBERS = {
    "child_national_number": ("child_birth_date", 214),
    "person_national_number": ("person_birth_date", 37),
}


def _lookup(table: Mapping[str, Any], field_id: str) -> Any:
    if field_id in table:
        return table[field_id]
    for prefix in _PREFIXES:
        if field_id.startswith(prefix) and field_id.removeprefix(prefix) in table:
            return table[field_id.removeprefix(prefix)]
    return None


def _bound(raw: Any, today: datetime.date) -> datetime.date | None:
    if raw is None:
        return None
    text = str(raw)
    if text in {"today", "past", "future"}:
        return today
    if text[0] in "+-":
        return today + datetime.timedelta(days=int(text))
    return datetime.date.fromisoformat(text)


def _date_within(field: Mapping[str, Any]) -> str:
    today = timezone.localdate()
    low, high = _bound(field.get("min"), today), _bound(field.get("max"), today)
    offset = _lookup(_DATE_OFFSETS, str(field["id"]))
    if offset is not None:
        candidate = today + datetime.timedelta(days=offset)
    elif low is not None:
        candidate = low + datetime.timedelta(days=60)  # an event, a trip: two months ahead
    else:
        candidate = datetime.date(1985, 7, 30)
    if low is not None and candidate < low:
        candidate = low
    if high is not None and candidate > high:
        candidate = high
    return candidate.isoformat()


def _number(field: Mapping[str, Any]) -> str:
    low = Decimal(str(field.get("min", 1)))
    high = Decimal(str(field.get("max", low + 10)))
    known = _lookup(samples()["numbers"], str(field["id"]))
    wanted = Decimal(str(known)) if known is not None else low
    value = max(low, min(high, wanted))
    return str(int(value)) if not field.get("decimals") else format(value, "f")


def national_number(birth: datetime.date, sequence: int) -> str:
    """A valid Belgian national number for someone born on ``birth``."""
    base = f"{birth:%y%m%d}{sequence:03d}"
    number = int(base) + (2_000_000_000 if birth.year >= 2000 else 0)
    return f"{base}{97 - number % 97:02d}"


def _text(field: Mapping[str, Any]) -> str:
    known = _lookup(samples()["texts"], str(field["id"]))
    if known is None:
        known = "Voir le courrier joint" if field["type"] == "text" else "Voir le courrier joint."
    return str(known)[: int(field.get("max_length", 200 if field["type"] == "text" else 4000))]


def sample_value(field: Mapping[str, Any], answers: Mapping[str, Any] | None = None) -> Any:
    """A plausible valid value for one question (files excepted)."""
    kind, field_id = field["type"], str(field["id"])
    if kind in {"text", "textarea"}:
        return _text(field)
    if kind == "number":
        return _number(field)
    if kind == "date":
        return _date_within(field)
    if kind == "choice":
        return field["choices"][0]["value"]
    if kind == "multichoice":
        count = max(1, int(field.get("min_choices", 1)))
        return [choice["value"] for choice in field["choices"][:count]]
    if kind == "yesno":
        return False
    if kind == "address":
        return dict(_lookup(samples()["addresses"], field_id) or ADDRESS)
    if kind == "email":
        return _lookup(samples()["emails"], field_id) or "marie.dubois@example.be"
    if kind == "phone":
        return _lookup(samples()["phones"], field_id) or "+3269332211"
    if kind == "national_number":
        birth_field, sequence = _NATIONAL_NUMBERS.get(field_id, ("", 0))
        birth = (answers or {}).get(birth_field)
        if birth:
            return national_number(datetime.date.fromisoformat(str(birth)), sequence)
        return "85073003328"
    return {
        "enterprise_number": "0418456218",
        "iban": "BE68539007547034",
    }.get(kind)


def _answer(
    field: Mapping[str, Any],
    answers: Mapping[str, Any],
    overrides: Mapping[str, Any],
    prefill: Mapping[str, Any],
) -> Any:
    """What the citizen would leave in one question: their choice, what the
    form prefilled, or a plausible answer."""
    field_id = field["id"]
    if field_id in overrides:
        return overrides[field_id]
    if "organisation_answer" in field and prefill.get(ORGANISATION_CHOSEN):
        return field["organisation_answer"]
    known = prefill.get(str(field.get("prefill", "")))
    return known if known not in (None, "", {}) else sample_value(field, answers)


def sample_answers(
    spec: ProcedureDefinition,
    overrides: Mapping[str, Any] | None = None,
    *,
    prefill: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """(answers, ids of the file questions that need a file), in page order.

    ``prefill``: the known answers by source, as the form gets them
    (``cases.formengine.prefill_values``).
    """
    overrides = dict(overrides or {})
    prefill = dict(prefill or {})
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
            answers[field_id] = _answer(field, answers, overrides, prefill)
    for field_id in files:
        answers.pop(field_id, None)
    return answers, files
