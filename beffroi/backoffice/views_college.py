"""The College's meetings: agendas and decisions, prepared by the secretariat."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from beffroi.backoffice.decorators import agent_required
from beffroi.backoffice.forms_college import AgendaForm, DecisionForm, MeetingForm
from beffroi.cases.models import Case
from beffroi.college.models import CollegeMeeting
from beffroi.college.services import (
    CollegeRefused,
    cases_ready_for_college,
    college_agenda_add,
    college_can_manage,
    college_decide,
    college_meeting_close,
    college_meeting_create,
)


def _managers_only(request: HttpRequest) -> None:
    if not college_can_manage(request.user):
        raise PermissionDenied


@agent_required
@require_http_methods(["GET", "POST"])
def meetings(request: HttpRequest) -> HttpResponse:
    _managers_only(request)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = college_meeting_create(actor=request.user, date=form.cleaned_data["date"])
        messages.success(request, _("Séance créée : ajoutez-y les demandes prêtes."))
        return redirect("backoffice:college_meeting", pk=meeting.pk)
    return render(
        request,
        "backoffice/college/meetings.html",
        {
            "nav": "college",
            "meetings": CollegeMeeting.objects.all()[:30],
            "ready_count": cases_ready_for_college().count(),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


def _meeting(pk: int) -> CollegeMeeting:
    meeting = CollegeMeeting.objects.filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def _meeting_page(
    request: HttpRequest, meeting: CollegeMeeting, status: int = 200, **forms: object
) -> HttpResponse:
    items = list(
        meeting.items.select_related(
            "case", "case__procedure", "case__organisation", "case__service"
        ).prefetch_related("case__opinions__service")
    )
    ready = list(cases_ready_for_college()[:200])
    for item in items:
        item.form = forms.get(f"decision_{item.pk}") or DecisionForm(prefix=f"item{item.pk}")  # type: ignore[attr-defined]
    return render(
        request,
        "backoffice/college/meeting.html",
        {
            "nav": "college",
            "meeting": meeting,
            "items": items,
            "agenda_form": forms.get("agenda_form") or AgendaForm(cases=ready),
            "ready": ready,
        },
        status=status,
    )


@agent_required
@require_GET
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    _managers_only(request)
    return _meeting_page(request, _meeting(pk))


@agent_required
@require_POST
def meeting_agenda(request: HttpRequest, pk: int) -> HttpResponse:
    _managers_only(request)
    meeting = _meeting(pk)
    ready = list(cases_ready_for_college()[:200])
    form = AgendaForm(request.POST, cases=ready)
    if not form.is_valid():
        return _meeting_page(request, meeting, 400, agenda_form=form)
    chosen = Case.objects.filter(reference__in=form.cleaned_data["cases"])
    try:
        added = college_agenda_add(actor=request.user, meeting=meeting, cases=chosen)
    except CollegeRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request, _("%(count)d demande(s) ajoutée(s) à l’ordre du jour.") % {"count": added}
        )
    return redirect("backoffice:college_meeting", pk=meeting.pk)


@agent_required
@require_POST
def item_decide(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    _managers_only(request)
    meeting = _meeting(pk)
    item = meeting.items.filter(pk=item_id).first()
    if item is None:
        raise Http404
    form = DecisionForm(request.POST, prefix=f"item{item.pk}")
    if form.is_valid():
        try:
            college_decide(
                actor=request.user,
                item=item,
                decision=form.cleaned_data["decision"],
                conditions=form.cleaned_data["conditions"],
            )
        except CollegeRefused as refusal:
            form.add_error("conditions", refusal.message)
        else:
            messages.success(
                request,
                _("Décision enregistrée pour la demande %(reference)s.")
                % {"reference": item.case.reference},
            )
            return redirect("backoffice:college_meeting", pk=meeting.pk)
    return _meeting_page(request, meeting, 400, **{f"decision_{item.pk}": form})


@agent_required
@require_POST
def meeting_close(request: HttpRequest, pk: int) -> HttpResponse:
    _managers_only(request)
    meeting = _meeting(pk)
    try:
        college_meeting_close(actor=request.user, meeting=meeting)
    except CollegeRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Séance clôturée."))
    return redirect("backoffice:college_meeting", pk=meeting.pk)
