"""Whether a question is required, said as soon as the page can know it.

A question required under a condition on earlier pages is labelled exactly
(required or « (facultatif) »); one whose condition reads answers of its own
page says when it becomes required (« Obligatoire si … ») and the page's
script updates its label as the citizen answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from beffroi.cases.formengine.fields import grouped
from beffroi.cases.formengine.wording import describe_requirement
from beffroi.catalogue.conditions import evaluate, referenced_fields
from beffroi.catalogue.definition import ProcedureDefinition

# Field types whose answers have a length limit, stated in their hint.
LIMITED_TYPES = {"text": 200, "textarea": 4000}


@dataclass(frozen=True)
class Requirement:
    # Required with the answers known so far.
    required: bool
    # The condition, when it reads answers of the question's own page.
    live: dict[str, Any] | None = None


NOT_REQUIRED = Requirement(required=False)


def requirement_of(
    definition: Mapping[str, Any], page_ids: Set[str], answers: Mapping[str, Any]
) -> Requirement:
    """Whether ``definition``'s question is required given ``answers``."""
    if "required_if" not in definition:
        return Requirement(required=bool(definition.get("required", True)))
    condition = definition["required_if"]
    live = condition if referenced_fields(condition) & page_ids else None
    return Requirement(required=evaluate(condition, answers), live=live)


def length_limit(definition: Mapping[str, Any]) -> int | None:
    default = LIMITED_TYPES.get(str(definition["type"]))
    return int(definition.get("max_length", default)) if default is not None else None


def limit_words(limit: int) -> str:
    return _("%(count)s caractères au maximum.") % {"count": grouped(limit)}


def hint_of(
    spec: ProcedureDefinition, definition: Mapping[str, Any], requirement: Requirement
) -> str:
    """A question's hint: its help, its length limit, when it becomes required."""
    limit = length_limit(definition)
    parts = [
        str(definition.get("help", "")).strip(),
        limit_words(limit) if limit is not None else "",
        describe_requirement(spec, requirement.live),
    ]
    return " ".join(part for part in parts if part)
