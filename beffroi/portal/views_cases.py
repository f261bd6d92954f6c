"""A citizen's requests: the list in "Mes démarches", a case's page, replies
and files — for the account that filed it, or for whoever holds the tracking
code and answered the procedure's check questions."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from beffroi.cases.formengine import answer_rows
from beffroi.cases.models import Case
from beffroi.cases.selectors import (
    attachments_for_applicant,
    case_history,
    citizen_cases,
    citizen_drafts,
    get_case_for_citizen,
)
from beffroi.cases.services import case_reply
from beffroi.cases.workflow import TransitionRefused
from beffroi.documents.models import IssuedDocument
from beffroi.documents.responses import file_response
from beffroi.organisations.models import OrganisationMember
from beffroi.organisations.selectors import organisation_role
from beffroi.payments.links import amount_due_links
from beffroi.payments.selectors import amounts_due_unpaid, filing_fee_unpaid
from beffroi.portal.forms import PayForm, ReplyForm
from beffroi.portal.session import unlocked_case_ids


def _may_reply(user: Any, case: Case) -> bool:
    """The applicant, and the representatives of the organisation it is made for."""
    if user.is_authenticated and case.applicant_id == user.pk:
        return True
    if case.organisation is None:
        return False
    return organisation_role(user, case.organisation) == OrganisationMember.Role.REPRESENTATIVE


@login_required
@require_safe
def my_cases(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/account/cases.html",
        {
            "nav": "dashboard",
            "section": "cases",
            "drafts": citizen_drafts(request.user),
            "in_progress": citizen_cases(request.user, finished=False),
            "finished": citizen_cases(request.user, finished=True)[:50],
        },
    )


def case_page(request: HttpRequest, case: Case, *, via_code: bool) -> HttpResponse:
    """The case as its applicant sees it (shared by the account and the code)."""
    form = ReplyForm()
    can_reply = via_code or _may_reply(request.user, case)
    if request.method == "POST" and not can_reply:
        raise PermissionDenied
    if request.method == "POST":
        form = ReplyForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                case_reply(
                    actor=request.user,
                    case=case,
                    body=form.cleaned_data["body"],
                    files=form.cleaned_files(),
                )
            except TransitionRefused as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(request, _("Votre message a été envoyé au service."))
                return redirect(request.path)
    files = {a.pk: a for a in attachments_for_applicant(case)}
    return render(
        request,
        "portal/cases/detail.html",
        {
            "nav": "tracking" if via_code else "dashboard",
            "section": "cases",
            "case": case,
            "via_code": via_code,
            "rows": answer_rows(case.spec, case.answers, files),
            "history": case_history(case, for_citizen=True),
            "case_messages": case.messages.select_related("author").prefetch_related("attachments"),
            "open_question": case.messages.filter(
                is_information_request=True, answered_at__isnull=True
            ).last()
            if case.waits_for_citizen
            else None,
            "documents": IssuedDocument.objects.filter(case=case).select_related("service"),
            "unpaid_fee": filing_fee_unpaid(case),
            "amounts_due": amount_due_links(amounts_due_unpaid(case)),
            "pay_form": PayForm(initial={"payment_key": uuid.uuid4()}),
            "form": form,
            "can_reply": can_reply,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return case_page(request, get_case_for_citizen(request.user, reference), via_code=False)


def _case_for_download(request: HttpRequest, reference: str) -> Case:
    case = Case.objects.filter(reference=reference).select_related("version").first()
    if case is None:
        raise Http404
    if case.pk in unlocked_case_ids(request):
        return case
    if not request.user.is_authenticated:
        raise Http404
    return get_case_for_citizen(request.user, reference)


@require_safe
def case_file(request: HttpRequest, reference: str, attachment_id: int) -> HttpResponseBase:
    case = _case_for_download(request, reference)
    attachment = attachments_for_applicant(case).filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return file_response(attachment.file, attachment.filename)


@require_safe
def issued_document(request: HttpRequest, reference: str, code: str) -> HttpResponseBase:
    case = _case_for_download(request, reference)
    document = (
        IssuedDocument.objects.filter(case=case, verification_code=code)
        .select_related("file")
        .first()
    )
    if document is None:
        raise Http404
    if not document.is_valid:
        raise PermissionDenied
    return file_response(document.file, document.filename)
