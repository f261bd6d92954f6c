"""Opinions: the advising services' inbox and page, and asking for them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from beffroi.backoffice.case_page import case_page_again, opinion_service_choices
from beffroi.backoffice.decorators import agent_required
from beffroi.backoffice.forms_cases import OpinionForm, OpinionRequestForm
from beffroi.cases.formengine import answer_rows
from beffroi.cases.models import Opinion
from beffroi.cases.opinions import (
    can_request_opinions,
    get_opinion_for_agent,
    opinion_give,
    opinion_request,
    opinions_for_agent,
)
from beffroi.cases.selectors import get_case_for_agent, log_access
from beffroi.cases.workflow import TransitionRefused
from beffroi.documents.responses import file_response
from beffroi.municipality.models import Service


@agent_required
@require_GET
def opinion_inbox(request: HttpRequest) -> HttpResponse:
    opinions = list(opinions_for_agent(request.user)[:200])
    return render(
        request,
        "backoffice/opinions/inbox.html",
        {
            "nav": "opinions",
            "pending": [o for o in opinions if not o.is_given],
            "given": [o for o in opinions if o.is_given][:50],
        },
    )


@agent_required
@require_http_methods(["GET", "POST"])
def opinion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opinion = get_opinion_for_agent(request.user, pk)
    return opinion_page(request, opinion, done_url=reverse("backoffice:opinion_inbox"))


def opinion_page(
    request: HttpRequest,
    opinion: Opinion,
    *,
    done_url: str,
    template: str = "backoffice/opinions/detail.html",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """An opinion's page and the form that gives it: for the service asked,
    and for the partner zone it stands for (``views_zone``)."""
    case = opinion.case
    form = OpinionForm()
    status = 200
    if request.method == "POST":
        form = OpinionForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                opinion_give(
                    actor=request.user,
                    opinion=opinion,
                    verdict=form.cleaned_data["verdict"],
                    comment=form.cleaned_data["comment"],
                    conditions=form.cleaned_data["conditions"],
                    files=form.cleaned_files(),
                )
            except TransitionRefused as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(
                    request,
                    _("Votre avis est transmis au service %(service)s.")
                    % {"service": case.service.name},
                )
                return redirect(done_url)
        status = 400
    else:
        log_access(actor=request.user, case=case, action="case.viewed_for_opinion")
    # The advising service sees the request and the files given with it,
    # never the notes, the messages or the other services' opinions.
    files = {
        a.pk: a
        for a in case.attachments.filter(message__isnull=True, opinion__isnull=True).select_related(
            "file"
        )
    }
    return render(
        request,
        template,
        {
            "nav": "opinions",
            "opinion": opinion,
            "case": case,
            "rows": answer_rows(case.spec, case.answers, files),
            "own_files": list(opinion.attachments.select_related("file")),
            "form": form,
            **(extra or {}),
        },
        status=status,
    )


def opinion_attachment(opinion: Opinion, attachment_id: int) -> HttpResponseBase:
    """A file the opinion's page shows: the request's own, or the opinion's."""
    attachment = (
        opinion.case.attachments.filter(pk=attachment_id, message__isnull=True)
        .filter(Q(opinion__isnull=True) | Q(opinion=opinion))
        .select_related("file")
        .first()
    )
    if attachment is None:
        raise Http404
    return file_response(attachment.file, attachment.filename)


@agent_required
@require_GET
def opinion_file(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponseBase:
    return opinion_attachment(get_opinion_for_agent(request.user, pk), attachment_id)


@agent_required
@require_POST
def opinion_request_view(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_agent(request.user, reference)
    if not can_request_opinions(request.user, case):
        raise Http404
    form = OpinionRequestForm(request.POST, services=opinion_service_choices(case.service_id))
    if not form.is_valid():
        return case_page_again(request, case, 400, opinion_form=form)
    services = Service.objects.filter(code__in=form.cleaned_data["services"])
    opinion_request(
        actor=request.user,
        case=case,
        services=services,
        due_date=form.cleaned_data["due_date"],
        question=form.cleaned_data["question"],
    )
    messages.success(request, _("Les avis sont demandés ; chaque service est prévenu par e-mail."))
    return redirect(reverse("backoffice:case_detail", args=[reference]) + "#opinions")
