"""The agents' inboxes: cases and mail of a service (or the agent's own),
deadline first, with filters, counts and bulk actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import Count, Q, Window
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from beffroi.accounts.models import User
from beffroi.backoffice.case_page import agents_of
from beffroi.backoffice.decorators import agent_required
from beffroi.backoffice.forms_cases import BulkActionForm, InboxFilterForm
from beffroi.backoffice.inbox_rows import case_rows, mail_row, merged
from beffroi.cases.models import Case
from beffroi.cases.selectors import (
    INBOX_VALUES,
    InboxFilters,
    agent_service_ids,
    cases_visible_to_agent,
    get_case_for_agent,
    inbox_case_values,
    inbox_status_counts,
)
from beffroi.cases.services import case_assign, case_transition
from beffroi.cases.workflow import TransitionRefused, transitions_offered
from beffroi.catalogue.models import Procedure
from beffroi.catalogue.selectors import version_spec
from beffroi.core.forms import render_unbound
from beffroi.core.params import parse_page
from beffroi.mail.selectors import mail_items_for_inbox
from beffroi.municipality.models import Service
from beffroi.municipality.selectors import seats_of

PAGE_SIZE = 50


def _with_mail(kind: str, filters: InboxFilters) -> bool:
    """Mail shares the inbox unless a filter only cases have is set."""
    case_only = filters.status or filters.procedure_id or filters.channel or filters.include_closed
    return kind != "cases" and not case_only


def _inbox_mail(user: Any, filters: InboxFilters, service: Service | None) -> Any:
    items = mail_items_for_inbox(
        user,
        service_ids=[service.pk] if service else None,
        assigned_to_me=service is None,
    )
    if filters.unassigned:
        items = items.filter(assigned_to__isnull=True)
    elif filters.assigned_to_id is not None:
        items = items.filter(assigned_to_id=filters.assigned_to_id)
    if filters.overdue:
        items = items.filter(due_on__lt=timezone.localdate())
    if filters.submitted_from is not None:
        items = items.filter(received_on__gte=filters.submitted_from)
    if filters.submitted_to is not None:
        items = items.filter(received_on__lte=filters.submitted_to)
    if filters.query:
        items = items.filter(
            Q(number__iexact=filters.query.strip()) | Q(subject__icontains=filters.query)
        )
    return items


def _inbox_mail_page(
    user: Any, filters: InboxFilters, service: Service | None, wanted: int
) -> tuple[list[Any], int]:
    """The first ``wanted`` mail items of the inbox, and how many there are.

    Their ids and the total come first, in one light query; the items with
    their correspondents, type and agent are read only when there are some:
    building that query costs more than running it.
    """
    items = _inbox_mail(user, filters, service)
    page = list(items.annotate(total=Window(Count("id"))).values_list("id", "total")[:wanted])
    if not page:
        return [], 0
    return list(items.filter(pk__in=[pk for pk, _total in page])), page[0][1]


def _status_choices(procedures: list[Procedure]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for procedure in procedures:
        if procedure.current_version_id is None:
            continue
        spec = version_spec(procedure.current_version_id)
        for status_id in spec.statuses:
            seen.setdefault(status_id, spec.status_label(status_id, agent=True))
    return sorted(seen.items(), key=lambda item: item[1])


def _bulk_transitions(user: Any, cases: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The transitions the agent could take on at least one of ``cases``
    (their status and the agent's roles in their service): the bulk menu
    offers nothing that would always be refused."""
    roles_by_service: dict[int, set[str]] = {}
    for seat in seats_of(user):
        roles_by_service.setdefault(seat.service_id, set()).add(seat.role)
    offered: dict[str, str] = {}
    for version_id, status, service_id in {
        (case["version_id"], case["status"], case["service_id"]) for case in cases
    }:
        roles = roles_by_service.get(service_id, set())
        for transition in transitions_offered(version_spec(version_id), status, roles):
            if transition.get("payment"):
                continue  # asks for an amount, case by case
            offered.setdefault(transition["id"], str(transition["label"]))
    return sorted(offered.items(), key=lambda item: item[1])


def _bulk_form(
    user: Any,
    cases: list[dict[str, Any]],
    data: Any = None,
    agents: list[tuple[int, str]] | None = None,
) -> BulkActionForm:
    """The bulk actions for ``cases``; ``agents``: those they may be given
    to, when the page knows them already."""
    if agents is None:
        service_ids = sorted({case["service_id"] for case in cases})
        agents = agents_of(service_ids)
    return BulkActionForm(
        data,
        references=[case["reference"] for case in cases],
        agents=agents,
        transitions=_bulk_transitions(user, cases),
    )


@dataclass(frozen=True)
class _Scope:
    services: list[Service]
    service: Service | None
    statuses: list[tuple[str, str]]
    procedures: list[tuple[int, str]]
    agents: list[tuple[int, str]]


def _scope(user: Any, scope: str) -> _Scope:
    """The services, statuses, procedures and agents of an inbox's filters."""
    service_ids = agent_service_ids(user)
    services = list(Service.objects.filter(pk__in=service_ids).order_by("name"))
    service: Service | None = None
    if scope != "mine":
        service = next((s for s in services if s.code == scope), None)
        if service is None:
            raise Http404
    procedures = list(
        Procedure.objects.filter(service_id__in=[service.pk] if service else service_ids)
        .only("pk", "title", "current_version_id")
        .order_by("title")
    )
    return _Scope(
        services=services,
        service=service,
        statuses=_status_choices(procedures),
        procedures=[(p.pk, p.title) for p in procedures],
        agents=agents_of([service.pk] if service else service_ids),
    )


@agent_required
@require_GET
def inbox(request: HttpRequest, scope: str = "mine") -> HttpResponse:
    """``scope`` is "mine" or a service code the agent belongs to."""
    place = _scope(request.user, scope)
    service = place.service
    form = InboxFilterForm(
        request.GET or None,
        statuses=place.statuses,
        procedures=place.procedures,
        agents=place.agents,
    )
    filters = form.filters(service_id=service.pk if service else None, mine=service is None)
    page_number = parse_page(request.GET.get("page"))
    offset = (page_number - 1) * PAGE_SIZE
    wanted = offset + PAGE_SIZE + 1
    kind = form.selected_kind()
    today = timezone.localdate()
    cases = list(inbox_case_values(request.user, filters)[:wanted]) if kind != "mail" else []
    mail, mail_total = (
        _inbox_mail_page(request.user, filters, service, wanted)
        if _with_mail(kind, filters)
        else ([], 0)
    )
    rows = merged(case_rows(cases, today) + [mail_row(item) for item in mail], today)
    has_next = len(rows) > offset + PAGE_SIZE
    rows = rows[offset : offset + PAGE_SIZE]
    shown = {row.reference for row in rows if row.kind == "case"}
    counts = inbox_status_counts(request.user, filters)
    labels = dict(place.statuses)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "backoffice/cases/inbox.html",
        {
            "nav": "inbox",
            "scope": scope,
            "service": service,
            "services": place.services,
            "form_html": render_unbound(form, place.statuses, place.procedures, place.agents),
            "cases": rows,
            "counts": sorted(
                ((labels.get(k, k), k, v) for k, v in counts.items()), key=lambda r: r[0]
            ),
            "total": sum(counts.values()),
            "mail_total": mail_total,
            "bulk": _bulk_form(
                request.user, [c for c in cases if c["reference"] in shown], agents=place.agents
            ),
            "page_number": page_number,
            "has_next": has_next,
            "query": query.urlencode(),
        },
    )


def _bulk_one(user: Any, case: Case, action: str) -> None:
    kind, _sep, target = action.partition(":")
    if kind == "assign":
        agent = user if target == "me" else None
        if target not in {"me", "none"}:  # an agent of the form's choices
            agent = User.objects.get(pk=int(target))
        case_assign(actor=user, case=case, agent=agent)
    else:
        case_transition(actor=user, case=case, transition_id=target)


@agent_required
@require_POST
def bulk_action(request: HttpRequest) -> HttpResponse:
    back = request.POST.get("back") or reverse("backoffice:inbox")
    if not back.startswith("/backoffice/"):
        back = reverse("backoffice:inbox")
    posted = request.POST.getlist("cases")[:PAGE_SIZE]
    cases = list(
        cases_visible_to_agent(request.user).filter(reference__in=posted).values(*INBOX_VALUES)
    )
    form = _bulk_form(request.user, cases, request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    done, refused = 0, []
    for reference in form.cleaned_data["cases"]:
        try:
            case = get_case_for_agent(request.user, reference)
            _bulk_one(request.user, case, form.cleaned_data["action"])
            done += 1
        except (TransitionRefused, Http404) as error:
            refused.append(f"{reference} : {getattr(error, 'message', _('introuvable'))}")
    if done:
        messages.success(request, _("%(count)d dossier(s) traité(s).") % {"count": done})
    if refused:
        messages.warning(request, _("Non traités — ") + " ; ".join(refused))
    return redirect(back)
