"""The fileable part of a procedure: form, workflow, documents and emails.

``definition_problems`` checks a definition and says, in French, where and
why it is wrong (``checks``, with the form's checks in ``form`` and the
workflow's in ``workflow``); shared fragments and workflows are expanded by
``shared``; ``ProcedureDefinition`` (``spec``) is the read-only view the
form engine, the workflow engine and the document generator use; templates
written in definitions are compiled by ``templates``. The format is
described in docs/procedure-definitions.md.
"""

from __future__ import annotations

from beffroi.catalogue.definition.checks import (
    APPLICANT_KEYS,
    OPTION_KEYS,
    ORGANISATION_MODES,
    definition_problems,
)
from beffroi.catalogue.definition.fees import (
    FEE_KEYS,
    FeeQuote,
    euros,
    fee_has_definition,
    fee_problems,
    fee_quote,
)
from beffroi.catalogue.definition.form import (
    COMMON_FIELD_KEYS,
    DATE_BOUND,
    FIELD_TYPES,
    FILE_KINDS,
    PREFILL_SOURCES,
)
from beffroi.catalogue.definition.problems import ID
from beffroi.catalogue.definition.shared import SharedPieceError, expand_shared_pieces
from beffroi.catalogue.definition.spec import Page, ProcedureDefinition
from beffroi.catalogue.definition.templates import TEMPLATE_ENGINE, definition_template
from beffroi.catalogue.definition.workflow import (
    ACTION_CHECKS,
    ACTIONS,
    COLLEGE_DECISIONS,
    COMMENT_MODES,
    ROLES,
    STYLES,
    TIMER_DELAYS,
    ActionCheck,
    DefinitionContext,
    register_action,
)

__all__ = [
    "ACTIONS",
    "ACTION_CHECKS",
    "APPLICANT_KEYS",
    "COLLEGE_DECISIONS",
    "COMMENT_MODES",
    "COMMON_FIELD_KEYS",
    "DATE_BOUND",
    "FEE_KEYS",
    "FIELD_TYPES",
    "FILE_KINDS",
    "ID",
    "OPTION_KEYS",
    "ORGANISATION_MODES",
    "PREFILL_SOURCES",
    "ROLES",
    "STYLES",
    "TEMPLATE_ENGINE",
    "TIMER_DELAYS",
    "ActionCheck",
    "DefinitionContext",
    "FeeQuote",
    "Page",
    "ProcedureDefinition",
    "SharedPieceError",
    "definition_problems",
    "definition_template",
    "euros",
    "expand_shared_pieces",
    "fee_has_definition",
    "fee_problems",
    "fee_quote",
    "register_action",
]
