"""Conditions in words: when a question applies, when it becomes required.

Shown beside the question, so a page read without JavaScript (or by a
screen reader) says what the page's script would show or hide.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from beffroi.cases.formengine.fields import parse_date
from beffroi.catalogue.definition import ProcedureDefinition


def describe_condition(spec: ProcedureDefinition, condition: Mapping[str, Any] | None) -> str:
    """When a question applies, in words (shown when JavaScript cannot hide it)."""
    if not condition:
        return ""
    text = condition_words(spec, condition)
    return _("À remplir seulement %(when)s.") % {"when": text} if text else ""


def describe_requirement(spec: ProcedureDefinition, condition: Mapping[str, Any] | None) -> str:
    """When a question becomes required, in words (« Obligatoire si … »)."""
    if not condition:
        return ""
    text = condition_words(spec, condition)
    return _("Obligatoire %(when)s.") % {"when": text} if text else ""


def condition_words(spec: ProcedureDefinition, condition: Mapping[str, Any]) -> str:
    """``condition`` as the end of a French sentence: « si vous avez répondu … »."""
    if "all" in condition:
        parts = [condition_words(spec, c) for c in condition["all"]]
        return _(" et ").join(p for p in parts if p)
    if "any" in condition:
        parts = [condition_words(spec, c) for c in condition["any"]]
        return _(" ou ").join(p for p in parts if p)
    if "not" in condition:
        inner = condition_words(spec, condition["not"])
        return _("sauf %(when)s") % {"when": inner} if inner else ""
    field_id = condition.get("field")
    if field_id not in spec.fields:
        return ""
    field = spec.fields[field_id]
    label = str(field.get("label", field_id))
    return _answer_words(spec, field, condition) or _("selon votre réponse à « %(label)s »") % {
        "label": label
    }


def _value_label(spec: ProcedureDefinition, field: Mapping[str, Any], value: Any) -> str:
    if field["type"] == "yesno":
        return _("Oui") if value is True else _("Non")
    return spec.choice_label(field["id"], value)


def _answer_words(
    spec: ProcedureDefinition, field: Mapping[str, Any], condition: Mapping[str, Any]
) -> str:
    label = str(field.get("label", field["id"]))
    if "equals" in condition:
        return _("si vous avez répondu « %(value)s » à « %(label)s »") % {
            "value": _value_label(spec, field, condition["equals"]),
            "label": label,
        }
    if "not_equals" in condition:
        return _("si vous n’avez pas répondu « %(value)s » à « %(label)s »") % {
            "value": _value_label(spec, field, condition["not_equals"]),
            "label": label,
        }
    if "in" in condition or "not_in" in condition:
        listed = condition.get("in", condition.get("not_in", []))
        values = _(" ou ").join(f"« {_value_label(spec, field, v)} »" for v in listed)
        words = (
            _("si vous avez répondu %(values)s à « %(label)s »")
            if "in" in condition
            else _("si vous n’avez répondu ni %(values)s à « %(label)s »")
        )
        return words % {"values": values, "label": label}
    if "contains" in condition:
        return _("si vous avez coché « %(value)s » à « %(label)s »") % {
            "value": _value_label(spec, field, condition["contains"]),
            "label": label,
        }
    if "filled" in condition:
        words = (
            _("si vous avez répondu à « %(label)s »")
            if condition["filled"] is True
            else _("si vous n’avez pas répondu à « %(label)s »")
        )
        return words % {"label": label}
    return _comparison_words(field, condition)


def _comparison_words(field: Mapping[str, Any], condition: Mapping[str, Any]) -> str:
    label = str(field.get("label", field["id"]))
    operator = next((op for op in ("gt", "gte", "lt", "lte") if op in condition), None)
    if operator is None:
        return ""
    value = _quantity(field, condition[operator])
    words = {
        "gt": _("si vous avez indiqué plus de %(value)s à « %(label)s »"),
        "gte": _("si vous avez indiqué au moins %(value)s à « %(label)s »"),
        "lt": _("si vous avez indiqué moins de %(value)s à « %(label)s »"),
        "lte": _("si vous avez indiqué au plus %(value)s à « %(label)s »"),
    }
    if field["type"] == "date":
        words = {
            "gt": _("si « %(label)s » est après le %(value)s"),
            "gte": _("si « %(label)s » est le %(value)s ou après"),
            "lt": _("si « %(label)s » est avant le %(value)s"),
            "lte": _("si « %(label)s » est le %(value)s ou avant"),
        }
    return words[operator] % {"value": value, "label": label}


def _quantity(field: Mapping[str, Any], value: Any) -> str:
    """A number or a date as French readers write it (1 000 ; 3,5 ; 30/07/2026)."""
    if field["type"] == "date":
        day = parse_date(str(value))
        return f"{day:%d/%m/%Y}" if day else str(value)
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    whole, _dot, decimals = format(number.normalize(), "f").partition(".")
    grouped = f"{int(whole):,}".replace(",", "\u202f")
    return f"{grouped},{decimals}" if decimals else grouped
