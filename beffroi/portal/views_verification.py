"""The public verification of documents the city issued: no account needed.

Anyone holding a document can check, from its code or from the PDF itself,
that the city issued it and whether it is still valid. The pages show what
the document is, never whom it is about.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from beffroi.core.throttle import throttle_hit
from beffroi.documents.codes import (
    format_verification_code,
    is_verification_code,
    normalise_verification_code,
)
from beffroi.documents.models import IssuedDocument
from beffroi.documents.selectors import issued_document_by_code, issued_document_by_sha256
from beffroi.documents.services import file_read
from beffroi.documents.uploads import SizeCappedUploadHandler
from beffroi.portal.forms_verification import (
    MAX_PDF_BYTES,
    VerificationCodeForm,
    VerificationUploadForm,
)
from beffroi.signatures.sealing import pdf_seal_check
from beffroi.signatures.validation import SealReport

# Lookups (by code or by file) per client address: enough for someone
# checking a pile of documents, too few to hash files for someone else.
RATE_LIMIT = 30
RATE_PERIOD = 600  # seconds
RATE_SCOPE = "document-verification"


def _lookup_allowed(request: HttpRequest) -> bool:
    return throttle_hit(request, group=RATE_SCOPE, rate=f"{RATE_LIMIT}/{RATE_PERIOD}s")


def _too_many(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "portal/verification/rate_limited.html",
        {"nav": "verification", "minutes": RATE_PERIOD // 60},
        status=429,
    )
    response["Retry-After"] = str(RATE_PERIOD)
    return response


def _facts(issued: IssuedDocument) -> dict[str, Any]:
    sha256 = issued.file.sha256
    return {
        "issued": issued,
        "code_display": format_verification_code(issued.verification_code),
        # Groups of 8 with a line-break opportunity: the hash wraps on a phone
        # and is still copied in one piece.
        "sha256_groups": [sha256[i : i + 8] for i in range(0, len(sha256), 8)],
    }


def _seal(report: SealReport) -> dict[str, Any]:
    """What the page says of a file's signatures; ``sealed`` only for a valid seal."""
    return {"report": report, "seal": report.seal, "sealed": report.valid}


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def verification(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if not _lookup_allowed(request):
            return _too_many(request)
        # Before anything reads the body (the CSRF check does): no byte of a
        # file past the limit is kept in memory or on disk.
        request.upload_handlers.insert(0, SizeCappedUploadHandler(request, limit=MAX_PDF_BYTES))
    return _verification(request)


@csrf_protect
@never_cache
def _verification(request: HttpRequest) -> HttpResponse:
    code_form = VerificationCodeForm(request.GET or None)
    upload_form = VerificationUploadForm()
    context: dict[str, Any] = {"nav": "verification"}
    if request.method == "POST":
        upload_form = VerificationUploadForm(request.POST, request.FILES)
        if upload_form.is_valid():
            sha256 = upload_form.cleaned_data["sha256"]
            issued = issued_document_by_sha256(sha256)
            context.update(checked=True, uploaded_sha256=sha256)
            # Within the form's size limit: read whole to validate its signatures.
            context.update(_seal(pdf_seal_check(upload_form.cleaned_data["document"].read())))
            if issued is not None:
                context.update(_facts(issued))
    elif code_form.is_valid():
        return redirect("portal:verification_detail", code=code_form.cleaned_data["code"])
    context.update(code_form=code_form, upload_form=upload_form, max_mb=MAX_PDF_BYTES >> 20)
    return render(request, "portal/verification/lookup.html", context)


@require_safe
@never_cache
def verification_detail(request: HttpRequest, code: str) -> HttpResponse:
    canonical = normalise_verification_code(code)
    if canonical != code and is_verification_code(canonical):
        return redirect("portal:verification_detail", code=canonical)
    if not _lookup_allowed(request):
        return _too_many(request)
    code_form = VerificationCodeForm({"code": code})
    issued = issued_document_by_code(canonical) if code_form.is_valid() else None
    if issued is None:
        return render(
            request,
            "portal/verification/not_found.html",
            {"nav": "verification", "code_form": code_form},
            status=404,
        )
    context = {"nav": "verification", **_facts(issued)}
    if issued.sealed:
        context.update(_seal(pdf_seal_check(file_read(issued.file))))
    return render(request, "portal/verification/detail.html", context)
