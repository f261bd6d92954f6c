from __future__ import annotations

import contextlib
import datetime
import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template import Context
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from beffroi.audit.services import audit_event_record
from beffroi.cases.models import Case, CaseEvent
from beffroi.catalogue.definition import ProcedureDefinition, definition_template
from beffroi.core.rows import row_insert
from beffroi.documents.codes import new_verification_code
from beffroi.documents.models import IssuedDocument, StoredFile
from beffroi.documents.sniff import sniff_kind
from beffroi.municipality.models import Municipality, Service
from beffroi.municipality.selectors import current_municipality


class UnknownFileKind(ValueError):
    """The content is none of the kinds Beffroi keeps."""


def storage_name_for(sha256: str) -> str:
    """Where the bytes with this SHA-256 live in the storage."""
    return f"files/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def file_store(*, content: bytes, kind: str | None = None) -> StoredFile:
    """Keep ``content`` once; return its StoredFile (the existing row's id if known).

    The bytes are written before the row: a crash in between leaves an
    orphan file, never a row without its content. Known bytes are not
    written again (their name is their hash), and missing ones are.
    """
    sha256 = hashlib.sha256(content).hexdigest()
    kind = kind or sniff_kind(content)
    if kind is None:
        raise UnknownFileKind("content of an unknown kind")
    name = storage_name_for(sha256)
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(content))
        if saved != name:  # a concurrent writer got there first with the same bytes
            default_storage.delete(saved)
    # One statement, without a savepoint: when a concurrent upload of the
    # same bytes inserted the row first, the no-op update returns its id.
    return row_insert(
        StoredFile(sha256=sha256, size=len(content), kind=kind, storage_name=name),
        unique="sha256",
    )


def file_read(stored: StoredFile) -> bytes:
    with default_storage.open(stored.storage_name, "rb") as handle:
        return bytes(handle.read())


class UnknownDocument(LookupError):
    """The case's procedure version defines no document with this id."""


class DocumentAlreadyRevoked(ValueError):
    """The document was revoked already; a revocation is never changed."""


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


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


def _unused_verification_code() -> str:
    while True:
        code = new_verification_code()
        if not IssuedDocument.objects.filter(verification_code=code).exists():
            return code


@transaction.atomic
def document_issue(*, actor: Any, case: Case, document_id: str) -> IssuedDocument:
    """Generate the case's document ``document_id`` as PDF/A and issue it.

    The body comes from the case's own procedure version, so a later version
    of the procedure never changes what a running case receives. Runs in the
    caller's transaction (the workflow's): if it rolls back, nothing is
    issued (the PDF's bytes may stay in storage, unreferenced).
    """
    spec = case.spec
    definition = spec.documents.get(document_id)
    if definition is None:
        raise UnknownDocument(f"procedure version {case.version_id} has no document {document_id}")
    municipality = current_municipality()
    issued_at = timezone.now()
    body = document_body(
        case=case,
        definition=definition,
        municipality=municipality,
        today=timezone.localdate(issued_at),
    )
    code = _unused_verification_code()
    title = str(definition["title"])
    # Imported here: WeasyPrint takes most of a second to import, and every
    # process that stores an upload imports this module.
    from beffroi.documents.rendering import render_issued_document_pdf

    # Rendered before any write, so the rows that follow are written (and
    # locked) only for the few milliseconds the transaction still lasts.
    pdf = render_issued_document_pdf(
        title=title,
        body=body,
        reference=case.reference,
        issued_at=issued_at,
        service=case.service,
        municipality=municipality,
        verification_code=code,
    )
    stored = file_store(content=pdf, kind="pdf")
    issued = IssuedDocument.objects.create(
        case=case,
        document_id=document_id,
        title=title,
        filename=f"{definition['filename']}-{case.reference}.pdf",
        file=stored,
        verification_code=code,
        service=case.service,
        issued_at=issued_at,
        issued_by=_user_or_none(actor),
    )
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.DOCUMENT,
        actor=_user_or_none(actor),
        at=issued_at,
        text=title,
        visible_to_citizen=True,
    )
    audit_event_record(
        actor=actor,
        action="document.issued",
        target=issued,
        data={"case_id": case.pk, "document_id": document_id, "sha256": stored.sha256},
    )
    return issued


@transaction.atomic
def document_revoke(*, actor: Any, issued: IssuedDocument, reason: str) -> IssuedDocument:
    """Revoke an issued document: the public verification page says so from now on.

    ``reason`` is shown on that public page: it must say why the document is
    no longer valid without naming anyone.
    """
    reason = " ".join(reason.split())
    if not reason:
        raise ValueError("a revocation needs a reason")
    locked = IssuedDocument.objects.select_for_update().get(pk=issued.pk)
    if locked.revoked_at is not None:
        raise DocumentAlreadyRevoked(f"document {issued.pk} was revoked already")
    max_length = IssuedDocument._meta.get_field("revoked_reason").max_length or 300
    locked.revoked_at = timezone.now()
    locked.revoked_reason = reason[:max_length]
    locked.save(update_fields=["revoked_at", "revoked_reason"])
    with translation.override(settings.LANGUAGE_CODE):
        text = _("%(title)s : document révoqué") % {"title": locked.title}
    CaseEvent.objects.create(
        case_id=locked.case_id,
        kind=CaseEvent.Kind.DOCUMENT,
        actor=_user_or_none(actor),
        at=locked.revoked_at,
        text=text,
        visible_to_citizen=True,
    )
    audit_event_record(
        actor=actor,
        action="document.revoked",
        target=locked,
        data={"case_id": locked.case_id, "document_id": locked.document_id},
    )
    issued.revoked_at = locked.revoked_at
    issued.revoked_reason = locked.revoked_reason
    return issued
