"""A page's checks: two answers compared (a return after a departure), each
refused with a French message next to the field concerned."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from beffroi.catalogue.conditions import compare
from beffroi.catalogue.definition import Page, ProcedureDefinition

OPERATORS = ("gt", "gte", "lt", "lte")


def _default_message(spec: ProcedureDefinition, check: Mapping[str, Any], operator: str) -> str:
    field = spec.fields[check["field"]]
    other = spec.fields[check[operator]]
    words = {
        "gt": _("« %(label)s » doit être après « %(other)s »."),
        "gte": _("« %(label)s » ne peut pas être avant « %(other)s »."),
        "lt": _("« %(label)s » doit être avant « %(other)s »."),
        "lte": _("« %(label)s » ne peut pas être après « %(other)s »."),
    }
    if field["type"] == "number":
        words = {
            "gt": _("« %(label)s » doit être plus grand que « %(other)s »."),
            "gte": _("« %(label)s » ne peut pas être plus petit que « %(other)s »."),
            "lt": _("« %(label)s » doit être plus petit que « %(other)s »."),
            "lte": _("« %(label)s » ne peut pas être plus grand que « %(other)s »."),
        }
    return words[operator] % {"label": field["label"], "other": other["label"]}


def check_problems(
    spec: ProcedureDefinition, page: Page, values: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """The page's checks that ``values`` fail, as (field id, message).

    A check whose answers are not both given is left to the required
    questions' own messages.
    """
    problems = []
    for check in page.checks:
        operator = next(op for op in OPERATORS if op in check)
        left, right = values.get(check["field"]), values.get(check[operator])
        if left in (None, "") or right in (None, ""):
            continue
        if not compare(left, operator, right):
            message = check.get("message") or _default_message(spec, check, operator)
            problems.append((str(check["field"]), str(message)))
    return problems
