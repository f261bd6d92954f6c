"""How answers and conditions read on the summary and case pages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from beffroi.cases.formengine.answers import visible_fields, visible_pages
from beffroi.cases.formengine.fields import parse_date
from beffroi.catalogue.definition import Page, ProcedureDefinition
from beffroi.core.countries import country_name
from beffroi.core.identifiers import format_enterprise_number, format_national_number, format_phone


def display_value(
    spec: ProcedureDefinition, field: Mapping[str, Any], value: Any, files: Mapping[int, Any]
) -> Any:
    """How an answer reads on the summary and case pages."""
    field_type = field["type"]
    if value in (None, "", [], {}):
        return ""
    if field_type == "choice":
        return spec.choice_label(field["id"], value)
    if field_type == "multichoice":
        return ", ".join(spec.choice_label(field["id"], item) for item in value)
    if field_type == "yesno":
        return _("Oui") if value is True else _("Non")
    if field_type == "date":
        day = parse_date(str(value))
        return f"{day:%d/%m/%Y}" if day else value
    if field_type == "national_number":
        return format_national_number(str(value))
    if field_type == "enterprise_number":
        return format_enterprise_number(str(value))
    if field_type == "phone":
        return format_phone(str(value))
    if field_type == "number" and field.get("unit"):
        return f"{str(value).replace('.', ',')} {field['unit']}"
    if field_type == "number":
        return str(value).replace(".", ",")
    if field_type == "address" and isinstance(value, Mapping):
        return format_address(value)
    if field_type == "file":
        return [files[pk] for pk in value if pk in files]
    return value


def format_address(value: Mapping[str, Any]) -> str:
    street = " ".join(part for part in (value.get("street", ""), value.get("number", "")) if part)
    if value.get("box"):
        street += " " + _("bte %(box)s") % {"box": value["box"]}
    town = " ".join(part for part in (value.get("postcode", ""), value.get("city", "")) if part)
    country = value.get("country", "")
    lines = [street, town] + ([country_name(country)] if country and country != "BE" else [])
    return "\n".join(line for line in lines if line)


@dataclass(frozen=True)
class AnswerRow:
    field_id: str
    label: str
    value: Any
    is_files: bool


def answer_rows(
    spec: ProcedureDefinition, answers: Mapping[str, Any], files: Mapping[int, Any]
) -> list[tuple[Page, list[AnswerRow]]]:
    """Every visible page with its answered questions, for a summary."""
    rows = []
    for page in visible_pages(spec, answers):
        page_rows = [
            AnswerRow(
                field_id=field["id"],
                label=str(field["label"]),
                value=display_value(spec, field, answers.get(field["id"]), files),
                is_files=field["type"] == "file",
            )
            for field in visible_fields(spec, page, answers)
        ]
        rows.append((page, page_rows))
    return rows
