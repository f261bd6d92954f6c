from __future__ import annotations

import datetime
import functools
import hashlib
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from beffroi.accounts.actors import Actor, actor_user
from beffroi.audit.services import audit_event_record
from beffroi.core.tenancy import current_municipality_id
from beffroi.documents.codes import new_verification_code
from beffroi.documents.models import IssuedDocument, StoredFile
from beffroi.documents.rendering import render_issued_document_pdf
from beffroi.documents.sniff import sniff_kind
from beffroi.municipality.models import Municipality, Service
from beffroi.signatures.base import SealError
from beffroi.signatures.registry import seal_signer
from beffroi.signatures.sealing import pdf_seal


class UnknownFileKind(ValueError):
    """The content is none of the kinds Beffroi keeps."""


def storage_name_for(sha256: str, municipality_id: int | None) -> str:
    """Where the bytes with this SHA-256 live in the storage: under their
    municipality's prefix, so each city's files can be kept, backed up or
    handed over apart (``files/...`` alone before any city is recorded)."""
    name = f"files/{sha256[:2]}/{sha256[2:4]}/{sha256}"
    return name if municipality_id is None else f"m{municipality_id}/{name}"


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
    municipality_id = current_municipality_id()
    name = storage_name_for(sha256, municipality_id)
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(content))
        if saved != name:  # a concurrent writer got there first with the same bytes
            default_storage.delete(saved)
    if municipality_id is None:
        # An installation before its city is recorded: NULLs never clash in
        # a unique constraint, so the row is looked for first.
        known = StoredFile.objects.filter(sha256=sha256).first()
        if known is not None:
            return known
        return StoredFile.objects.create(
            sha256=sha256, size=len(content), kind=kind, storage_name=name
        )
    # One statement, without a savepoint: when the row exists (the same
    # bytes kept before, or by a concurrent upload), the no-op update on
    # conflict leaves it as it is and gives its id back.
    (stored,) = StoredFile.objects.bulk_create(
        [
            StoredFile(
                municipality_id=municipality_id,
                sha256=sha256,
                size=len(content),
                kind=kind,
                storage_name=name,
            )
        ],
        update_conflicts=True,
        unique_fields=["municipality", "sha256"],
        update_fields=["size"],
    )
    return stored


def file_read(stored: StoredFile) -> bytes:
    with default_storage.open(stored.storage_name, "rb") as handle:
        return bytes(handle.read())


class DocumentNotSealed(Exception):
    """The document could not be sealed, so it was not issued. ``message``
    says why in French, for the agent; ``reason`` is the journal's code."""

    def __init__(self, *, message: str, reason: str, document_id: str) -> None:
        super().__init__(f"{document_id}: {reason}")
        self.message = message
        self.reason = reason
        self.document_id = document_id


class DocumentAlreadyRevoked(ValueError):
    """The document was revoked already; a revocation is never changed."""


def _unused_verification_code() -> str:
    while True:
        code = new_verification_code()
        if not IssuedDocument.all_municipalities.filter(verification_code=code).exists():
            return code


def _sealed_pdf(
    *, document_id: str, municipality: Municipality, render: Callable[[], bytes]
) -> bytes:
    """The PDF ``render`` makes, sealed; ``DocumentNotSealed`` when the seal fails.

    The seal is loaded first: a seal that cannot be loaded costs no rendering.
    """
    try:
        signer = seal_signer()
        return pdf_seal(pdf=render(), municipality=municipality, signer=signer)
    except SealError as error:
        raise DocumentNotSealed(
            message=error.message, reason=error.reason, document_id=document_id
        ) from error


@transaction.atomic
def document_issue(
    *,
    actor: Actor,
    case_id: int,
    document_id: str,
    title: str,
    filename: str,
    body: str,
    reference: str,
    service: Service,
    municipality: Municipality,
    issued_at: datetime.datetime,
) -> IssuedDocument:
    """Render ``body`` as a PDF/A in the city's letterhead, keep it, and
    record it as issued with its own verification code.

    The PDF is sealed with the city's seal (PAdES B-LTA) before it is kept:
    the stored file, and its SHA-256, are the sealed ones. A seal that fails
    (TSA down, certificate revoked or expired) raises ``DocumentNotSealed``
    and nothing is issued; the caller journals it once its transaction has
    rolled back (``document_seal_failure_record``).

    Runs in the caller's transaction: if it rolls back, nothing is issued
    (the PDF's bytes may stay in storage, unreferenced).
    """
    code = _unused_verification_code()
    # Rendered and sealed before any write, so the rows that follow are
    # written (and locked) only for the few milliseconds the transaction
    # still lasts.
    pdf = _sealed_pdf(
        document_id=document_id,
        municipality=municipality,
        render=functools.partial(
            render_issued_document_pdf,
            title=title,
            body=body,
            reference=reference,
            issued_at=issued_at,
            service=service,
            municipality=municipality,
            verification_code=code,
            sealed=True,
        ),
    )
    stored = file_store(content=pdf, kind="pdf")
    issued = IssuedDocument.objects.create(
        case_id=case_id,
        document_id=document_id,
        title=title,
        filename=filename,
        file=stored,
        verification_code=code,
        service=service,
        issued_at=issued_at,
        issued_by=actor_user(actor),
        sealed=True,
    )
    audit_event_record(
        actor=actor,
        action="document.issued",
        target=issued,
        data={"case_id": case_id, "document_id": document_id, "sha256": stored.sha256},
    )
    return issued


@transaction.atomic
def document_seal_failure_record(*, actor: Actor, case_id: int, failure: DocumentNotSealed) -> None:
    """Journal a document that was not issued because its seal failed.

    Called once the transaction that tried to issue it has rolled back.
    """
    audit_event_record(
        actor=actor,
        action="document.seal_failed",
        target=("cases.case", case_id),
        data={"case_id": case_id, "document_id": failure.document_id, "reason": failure.reason},
    )


@transaction.atomic
def document_revoke(*, actor: Actor, issued: IssuedDocument, reason: str) -> IssuedDocument:
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
    audit_event_record(
        actor=actor,
        action="document.revoked",
        target=locked,
        data={"case_id": locked.case_id, "document_id": locked.document_id},
    )
    issued.revoked_at = locked.revoked_at
    issued.revoked_reason = locked.revoked_reason
    return issued
