from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from beffroi.documents.codes import is_verification_code, normalise_verification_code
from beffroi.documents.models import IssuedDocument


def issued_document_by_code(code: str) -> IssuedDocument | None:
    """The document printed with this verification code (dashes and case ignored)."""
    code = normalise_verification_code(code)
    if not is_verification_code(code):
        return None
    return (
        IssuedDocument.objects.select_related("file", "service")
        .filter(verification_code=code)
        .first()
    )


def issued_document_by_sha256(sha256: str) -> IssuedDocument | None:
    """The document whose PDF has exactly this SHA-256 (hexadecimal)."""
    sha256 = sha256.strip().lower()
    if len(sha256) != 64:
        return None
    return (
        IssuedDocument.objects.select_related("file", "service")
        .filter(file__sha256=sha256)
        .order_by("-issued_at", "-id")
        .first()
    )


def issued_documents_for_case(case_id: int) -> QuerySet[IssuedDocument]:
    return (
        IssuedDocument.objects.filter(case_id=case_id)
        .select_related("file", "service")
        .order_by("-issued_at", "-id")
    )


def issued_documents_for_citizen(user: Any) -> QuerySet[IssuedDocument]:
    """The documents of the citizen's own cases, newest first, in one query."""
    if user is None or not getattr(user, "is_authenticated", False):
        return IssuedDocument.objects.none()
    return (
        IssuedDocument.objects.filter(case__applicant=user)
        .select_related("file", "service", "case", "case__procedure")
        .order_by("-issued_at", "-id")
    )
