"""The form engine: a procedure's pages as Django forms, answers as JSON.

Each page of a definition becomes a form whose fields are built from their
type (docs/procedure-definitions.md): the engine's own field types in
``fields``, one definition field's Django fields in ``building``, the page
form in ``pageform``. Fields are all optional for Django: whether one is
shown and required is decided by the page form, on the server, from the
definition's conditions and the answers given so far, so the rules hold
with or without JavaScript (``requirement`` says when a question is
required, ``wording`` says conditions in French, ``checks`` compares two
answers). What is known before the form is filled comes from ``prefill``;
which pages and questions apply from ``answers``; how answers read from
``display``. Values are stored as JSON in the draft, then in the case.
"""

from __future__ import annotations

from beffroi.cases.formengine.answers import (
    LateRequest,
    late_request,
    missing_answers,
    prune_answers,
    visible_fields,
    visible_pages,
)
from beffroi.cases.formengine.building import ADDRESS_PARTS
from beffroi.cases.formengine.display import (
    AnswerRow,
    answer_rows,
    display_value,
    format_address,
)
from beffroi.cases.formengine.fields import (
    MAX_UPLOAD_MB,
    CheckedTextField,
    DateField,
    MultipleFileInput,
    NumberField,
    UploadField,
    parse_date,
)
from beffroi.cases.formengine.pageform import REQUIRED_MESSAGES, FieldView, HeldFile, PageForm
from beffroi.cases.formengine.prefill import ORGANISATION_CHOSEN, initial_values, prefill_values
from beffroi.cases.formengine.requirement import Requirement, requirement_of
from beffroi.cases.formengine.wording import describe_condition, describe_requirement

__all__ = [
    "ADDRESS_PARTS",
    "MAX_UPLOAD_MB",
    "ORGANISATION_CHOSEN",
    "REQUIRED_MESSAGES",
    "AnswerRow",
    "CheckedTextField",
    "DateField",
    "FieldView",
    "HeldFile",
    "LateRequest",
    "MultipleFileInput",
    "NumberField",
    "PageForm",
    "Requirement",
    "UploadField",
    "answer_rows",
    "describe_condition",
    "describe_requirement",
    "display_value",
    "format_address",
    "initial_values",
    "late_request",
    "missing_answers",
    "parse_date",
    "prefill_values",
    "prune_answers",
    "requirement_of",
    "visible_fields",
    "visible_pages",
]
