"""The back-office case page and what an agent does there: take a
transition, assign, set the deadline, write a note or a message."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from beffroi.accounts.models import User
from beffroi.backoffice.case_page import agents_of, case_context, case_page_again
from beffroi.backoffice.decorators import agent_required
from beffroi.backoffice.forms_cases import (
    AssignForm,
    DeadlineForm,
    MessageForm,
    NoteForm,
    TransitionForm,
)
from beffroi.cases.models import Case
from beffroi.cases.selectors import get_case_for_agent, log_access
from beffroi.cases.services import (
    StaleCase,
    case_assign,
    case_deadline_set,
    case_message_send,
    case_note_add,
    case_transition,
)
from beffroi.cases.workflow import TransitionRefused
from beffroi.documents.models import IssuedDocument
from beffroi.documents.responses import file_response


@agent_required
@require_GET
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_agent(request.user, reference)
    log_access(actor=request.user, case=case)
    return render(request, "backoffice/cases/detail.html", case_context(request, case))


STALE_MESSAGE = _(
    "Un collègue a modifié ce dossier pendant que vous le consultiez. Voici son état à jour : "
    "vérifiez-le avant de recommencer. Ce que vous aviez saisi est conservé ci-dessous."
)


@agent_required
@require_POST
def case_transition_view(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_agent(request.user, reference)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return case_page_again(request, case, 400, transition_form=form)
    try:
        case_transition(
            actor=request.user,
            case=case,
            transition_id=form.cleaned_data["transition"],
            comment=form.cleaned_data["comment"],
            expected_lock_version=form.cleaned_data["lock_version"],
        )
    except StaleCase:
        messages.error(request, STALE_MESSAGE)
        kept = TransitionForm(initial={"comment": form.cleaned_data["comment"]})
        return case_page_again(
            request, case, 409, transition_form=_refresh_lock(kept, case), stale=True
        )
    except TransitionRefused as refusal:
        form.add_error("comment", refusal.message)
        return case_page_again(request, case, 400, transition_form=form)
    messages.success(
        request, _("Le dossier a changé de statut ; le demandeur est prévenu par e-mail.")
    )
    return redirect("backoffice:case_detail", reference=reference)


def _refresh_lock(form: Any, case: Case) -> Any:
    fresh = Case.objects.values_list("lock_version", flat=True).get(pk=case.pk)
    form.initial["lock_version"] = fresh
    return form


@agent_required
@require_POST
def case_assign_view(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_agent(request.user, reference)
    agents = agents_of([case.service_id])
    form = AssignForm(request.POST, agents=agents)
    if not form.is_valid():
        return case_page_again(request, case, 400, assign_form=form)
    pk = form.cleaned_data["agent"]
    agent = User.objects.filter(pk=int(pk)).first() if pk else None
    try:
        case_assign(
            actor=request.user,
            case=case,
            agent=agent,
            expected_lock_version=form.cleaned_data["lock_version"],
        )
    except StaleCase:
        messages.error(request, STALE_MESSAGE)
        return case_page_again(request, case, 409, stale=True)
    except TransitionRefused as refusal:
        form.add_error("agent", refusal.message)
        return case_page_again(request, case, 400, assign_form=form)
    messages.success(request, _("Attribution enregistrée."))
    return redirect("backoffice:case_detail", reference=reference)


@agent_required
@require_POST
def case_deadline_view(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_agent(request.user, reference)
    form = DeadlineForm(request.POST)
    if not form.is_valid():
        return case_page_again(request, case, 400, deadline_form=form)
    try:
        case_deadline_set(
            actor=request.user,
            case=case,
            deadline=form.cleaned_data["deadline"],
            expected_lock_version=form.cleaned_data["lock_version"],
        )
    except StaleCase:
        messages.error(request, STALE_MESSAGE)
        return case_page_again(request, case, 409, stale=True)
    except TransitionRefused as refusal:
        form.add_error("deadline", refusal.message)
        return case_page_again(request, case, 400, deadline_form=form)
    messages.success(request, _("Échéance enregistrée."))
    return redirect("backoffice:case_detail", reference=reference)


@agent_required
@require_POST
def case_note_view(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_agent(request.user, reference)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return case_page_again(request, case, 400, note_form=form)
    try:
        case_note_add(actor=request.user, case=case, body=form.cleaned_data["body"])
    except TransitionRefused as refusal:
        form.add_error("body", refusal.message)
        return case_page_again(request, case, 400, note_form=form)
    messages.success(request, _("Note ajoutée."))
    return redirect(reverse("backoffice:case_detail", args=[reference]) + "#notes")


@agent_required
@require_POST
def case_message_view(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_agent(request.user, reference)
    form = MessageForm(request.POST, request.FILES)
    if not form.is_valid():
        return case_page_again(request, case, 400, message_form=form)
    try:
        case_message_send(
            actor=request.user,
            case=case,
            body=form.cleaned_data["body"],
            files=form.cleaned_files(),
        )
    except TransitionRefused as refusal:
        form.add_error("body", refusal.message)
        return case_page_again(request, case, 400, message_form=form)
    messages.success(request, _("Message envoyé au demandeur."))
    return redirect(reverse("backoffice:case_detail", args=[reference]) + "#messages")


@agent_required
@require_http_methods(["GET"])
def case_file(request: HttpRequest, reference: str, attachment_id: int) -> HttpResponseBase:
    case = get_case_for_agent(request.user, reference)
    attachment = case.attachments.select_related("file").filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    log_access(actor=request.user, case=case, action="case.file_downloaded")
    return file_response(attachment.file, attachment.filename)


@agent_required
@require_GET
def case_document(request: HttpRequest, reference: str, code: str) -> HttpResponseBase:
    case = get_case_for_agent(request.user, reference)
    document = (
        IssuedDocument.objects.filter(case=case, verification_code=code)
        .select_related("file")
        .first()
    )
    if document is None:
        raise Http404
    return file_response(document.file, document.filename)
