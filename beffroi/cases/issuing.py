"""The documents a case receives: certificates and permits from its procedure.

The body is written by the city in the procedure's definition and rendered
here from the case (its answers, its service, the opinions and the
College's decision other apps provide); the documents app renders the
letterhead, stores the PDF and keeps it verifiable.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template import Context
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from beffroi.accounts.actors import Actor
from beffroi.cases.history import case_history_add
from beffroi.cases.models import Case, CaseEvent
from beffroi.catalogue.definition import ProcedureDefinition, definition_template
from beffroi.documents.models import IssuedDocument
from beffroi.documents.services import document_issue, document_revoke
from beffroi.municipality.models import Municipality, Service
from beffroi.municipality.selectors import current_municipality


class UnknownDocument(LookupError):
    """The case's procedure version defines no document with this id."""


def choice_labels(spec: ProcedureDefinition, answers: Mapping[str, Any]) -> dict[str, str]:
    """For each answered choice field, the label of the chosen value(s)."""
    labels: dict[str, str] = {}
    for field_id, field in spec.fields.items():
        if field.get("type") not in {"choice", "multichoice"} or field_id not in answers:
            continue
        value = answers[field_id]
        if isinstance(value, list):
            labels[field_id] = ", ".join(spec.choice_label(field_id, item) for item in value)
        elif value not in (None, ""):
            labels[field_id] = spec.choice_label(field_id, value)
    return labels


def _answers_values(spec: ProcedureDefinition, answers: Mapping[str, Any]) -> dict[str, Any]:
    values = dict(answers)
    for field_id, field in spec.fields.items():
        value = values.get(field_id)
        if field.get("type") == "date" and isinstance(value, str):
            with contextlib.suppress(ValueError):  # otherwise kept as typed
                values[field_id] = datetime.date.fromisoformat(value)
    return values


# Templates see plain values, never model instances: a template written in
# the designer must not be able to walk from the case to the applicant's
# account, or from the procedure to other people's cases.
def _case_values(case: Case) -> dict[str, Any]:
    return {
        "reference": case.reference,
        "submitted_at": timezone.localtime(case.submitted_at),
        "submitted_on": timezone.localtime(case.submitted_at).date(),
        "channel": case.get_channel_display(),
        "status": case.status_label,
    }


def _service_values(service: Service) -> dict[str, Any]:
    return {
        "name": service.name,
        "email": service.email,
        "phone": service.phone,
        "address": service.address,
        "opening_hours": service.opening_hours,
    }


def _municipality_values(municipality: Municipality) -> dict[str, Any]:
    return {
        "name": municipality.name,
        "short_name": municipality.short_name or municipality.name,
        "address": municipality.address,
        "phone": municipality.phone,
        "email": municipality.email,
        "website": municipality.website,
    }


# Other apps add what their documents may show (the opinions' conditions,
# the College's decision…): each provider returns plain values for a case.
DocumentContextProvider = Callable[[Case], Mapping[str, Any]]
_CONTEXT_PROVIDERS: list[DocumentContextProvider] = []


def register_document_context(provider: DocumentContextProvider) -> DocumentContextProvider:
    _CONTEXT_PROVIDERS.append(provider)
    return provider


def document_body(
    *,
    case: Case,
    definition: Mapping[str, Any],
    municipality: Municipality,
    today: datetime.date,
) -> str:
    """The body of one of the case's documents, as HTML (answers escaped).

    Answers to date fields are dates, so ``{{ answers.birth_date|date:"j F Y" }}``
    and ``{{ answers.birth_date }}`` read as dates in French.
    """
    spec = case.spec
    with translation.override(settings.LANGUAGE_CODE):
        return definition_template(str(definition["body"])).render(
            Context(
                {
                    "answers": _answers_values(spec, case.answers),
                    "labels": choice_labels(spec, case.answers),
                    "case": _case_values(case),
                    "procedure": {"title": case.procedure.title, "slug": case.procedure.slug},
                    "service": _service_values(case.service),
                    "municipality": _municipality_values(municipality),
                    "today": today,
                    **{
                        key: value
                        for provider in _CONTEXT_PROVIDERS
                        for key, value in provider(case).items()
                    },
                }
            )
        )


@transaction.atomic
def case_document_issue(*, actor: Actor, case: Case, document_id: str) -> IssuedDocument:
    """Generate the case's document ``document_id`` as PDF/A and issue it.

    The body comes from the case's own procedure version, so a later version
    of the procedure never changes what a running case receives. Runs in the
    caller's transaction (the workflow's): if it rolls back, nothing is
    issued (the PDF's bytes may stay in storage, unreferenced).
    """
    definition = case.spec.documents.get(document_id)
    if definition is None:
        raise UnknownDocument(f"procedure version {case.version_id} has no document {document_id}")
    municipality = current_municipality()
    issued_at = timezone.now()
    title = str(definition["title"])
    issued = document_issue(
        actor=actor,
        case_id=case.pk,
        document_id=document_id,
        title=title,
        filename=f"{definition['filename']}-{case.reference}.pdf",
        body=document_body(
            case=case,
            definition=definition,
            municipality=municipality,
            today=timezone.localdate(issued_at),
        ),
        reference=case.reference,
        service=case.service,
        municipality=municipality,
        issued_at=issued_at,
    )
    case_history_add(
        case_id=case.pk,
        kind=CaseEvent.Kind.DOCUMENT,
        actor=actor,
        at=issued_at,
        text=title,
        visible_to_citizen=True,
    )
    return issued


@transaction.atomic
def case_document_revoke(*, actor: Actor, issued: IssuedDocument, reason: str) -> IssuedDocument:
    """Revoke a case's document (see ``document_revoke``), and say so in its history."""
    revoked = document_revoke(actor=actor, issued=issued, reason=reason)
    with translation.override(settings.LANGUAGE_CODE):
        text = _("%(title)s : document révoqué") % {"title": revoked.title}
    case_history_add(
        case_id=revoked.case_id,
        kind=CaseEvent.Kind.DOCUMENT,
        actor=actor,
        at=revoked.revoked_at,
        text=text,
        visible_to_citizen=True,
    )
    return revoked
