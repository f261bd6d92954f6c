"""Which pages and questions apply to a set of answers, which required ones
are still missing, and whether a request comes later than its procedure asks."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from beffroi.cases.formengine.checks import check_problems
from beffroi.cases.formengine.fields import parse_date
from beffroi.catalogue.conditions import evaluate
from beffroi.catalogue.definition import Page, ProcedureDefinition


def visible_pages(spec: ProcedureDefinition, answers: Mapping[str, Any]) -> list[Page]:
    return [page for page in spec.pages if evaluate(page.visible_if, answers)]


def visible_fields(
    spec: ProcedureDefinition, page: Page, answers: Mapping[str, Any]
) -> list[dict[str, Any]]:
    return [
        field
        for field in page.fields
        if field["type"] != "info" and evaluate(field.get("visible_if"), answers)
    ]


def prune_answers(spec: ProcedureDefinition, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Answers without those of questions the other answers made irrelevant.

    Conditions only read earlier questions, so one pass in order suffices.
    """
    kept: dict[str, Any] = {}
    for page in spec.pages:
        if not evaluate(page.visible_if, kept):
            continue
        for field in page.fields:
            field_id = field["id"]
            if field_id in answers and evaluate(field.get("visible_if"), kept):
                kept[field_id] = answers[field_id]
    return kept


def missing_answers(
    spec: ProcedureDefinition, answers: Mapping[str, Any]
) -> list[tuple[Page, dict[str, Any]]]:
    """Required questions still unanswered, and answers a page's check
    refuses (the field then holds its message as ``problem``), in order, as
    (page, field)."""
    missing = []
    for page in visible_pages(spec, answers):
        fields = visible_fields(spec, page, answers)
        for field in fields:
            required = (
                evaluate(field["required_if"], answers)
                if "required_if" in field
                else bool(field.get("required", True))
            )
            if required and answers.get(field["id"]) in (None, "", [], {}):
                missing.append((page, field))
        # Answers changed on an earlier page may break a later page's check.
        visible = {field["id"] for field in fields}
        values = {k: v for k, v in answers.items() if k in visible or k not in page_ids(page)}
        for field_id, message in check_problems(spec, page, values):
            missing.append((page, {**spec.fields[field_id], "problem": message}))
    return missing


def page_ids(page: Page) -> set[str]:
    return {str(field["id"]) for field in page.fields}


@dataclass(frozen=True)
class LateRequest:
    days_left: int
    days_required: int


def late_request(
    spec: ProcedureDefinition, answers: Mapping[str, Any], *, on: datetime.date
) -> LateRequest | None:
    """Whether a request made ``on`` that day comes later than the procedure
    asks before the date it is about (options.min_days_before)."""
    rule = spec.options.get("min_days_before")
    if not rule:
        return None
    day = parse_date(str(answers.get(rule["field"]) or ""))
    if day is None:
        return None
    days = (day - on).days
    if days >= int(rule["days"]):
        return None
    return LateRequest(days_left=max(days, 0), days_required=int(rule["days"]))
