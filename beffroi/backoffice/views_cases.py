"""The agents' inboxes and case page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, Q, Window
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from beffroi.accounts.models import User
from beffroi.backoffice.decorators import agent_required
from beffroi.backoffice.forms_cases import (
    AssignForm,
    BulkActionForm,
    DeadlineForm,
    InboxFilterForm,
    MessageForm,
    NoteForm,
    OpinionRequestForm,
    TransitionForm,
)
from beffroi.backoffice.inbox_rows import case_rows, mail_row, merged, render_rows
from beffroi.backoffice.views_opinions import opinion_service_choices
from beffroi.cases.formengine import answer_rows, late_request
from beffroi.cases.models import Case
from beffroi.cases.opinions import can_request_opinions
from beffroi.cases.selectors import (
    InboxFilters,
    agent_service_ids,
    case_history,
    get_case_for_agent,
    inbox_case_values,
    inbox_status_counts,
    log_access,
)
from beffroi.cases.services import (
    StaleCase,
    case_assign,
    case_deadline_set,
    case_message_send,
    case_note_add,
    case_transition,
)
from beffroi.cases.workflow import TransitionRefused, transitions_available
from beffroi.catalogue.models import Procedure
from beffroi.catalogue.selectors import version_spec
from beffroi.core.forms import render_unbound
from beffroi.core.params import parse_id, parse_page
from beffroi.core.workdays import add_working_days
from beffroi.documents.models import IssuedDocument
from beffroi.documents.responses import file_response
from beffroi.mail.selectors import mail_items_for_inbox
from beffroi.municipality.models import Service

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


def _agents_of(service_ids: list[int]) -> list[tuple[int, str]]:
    people = (
        User.objects.filter(memberships__service_id__in=service_ids, is_active=True)
        .distinct()
        .order_by("last_name", "first_name")
        .only("pk", "first_name", "last_name", "email")
    )
    return [(person.pk, person.full_name or person.email) for person in people]


def _status_choices(procedures: list[Procedure]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for procedure in procedures:
        if procedure.current_version_id is None:
            continue
        spec = version_spec(procedure.current_version_id)
        for status_id in spec.statuses:
            seen.setdefault(status_id, spec.status_label(status_id, agent=True))
    return sorted(seen.items(), key=lambda item: item[1])


@agent_required
@require_GET
def inbox(request: HttpRequest, scope: str = "mine") -> HttpResponse:
    """``scope`` is "mine" or a service code the agent belongs to."""
    service_ids = agent_service_ids(request.user)
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
    agents = _agents_of([service.pk] if service else service_ids)
    statuses = _status_choices(procedures)
    procedure_choices = [(p.pk, p.title) for p in procedures]
    form = InboxFilterForm(
        request.GET or None,
        statuses=statuses,
        procedures=procedure_choices,
        agents=agents,
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
    references = [row.reference for row in rows if row.kind == "case"]
    shown = set(references)
    transitions: dict[str, str] = {}
    for version_id in {case["version_id"] for case in cases if case["reference"] in shown}:
        for transition in version_spec(version_id).transitions.values():
            transitions.setdefault(transition["id"], str(transition["label"]))
    counts = inbox_status_counts(request.user, filters)
    labels = dict(statuses)
    bulk = BulkActionForm(
        references=references,
        agents=agents,
        transitions=sorted(transitions.items(), key=lambda item: item[1]),
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "backoffice/cases/inbox.html",
        {
            "nav": "inbox",
            "scope": scope,
            "service": service,
            "services": services,
            "form_html": render_unbound(form, statuses, procedure_choices, agents),
            "cases": rows,
            "rows": render_rows(rows),
            "counts": sorted(
                ((labels.get(k, k), k, v) for k, v in counts.items()), key=lambda r: r[0]
            ),
            "total": sum(counts.values()),
            "mail_total": mail_total,
            "bulk": bulk,
            "page_number": page_number,
            "has_next": has_next,
            "query": query.urlencode(),
        },
    )


@agent_required
@require_POST
def bulk_action(request: HttpRequest) -> HttpResponse:
    references = request.POST.getlist("cases")
    back = request.POST.get("back") or reverse("backoffice:inbox")
    if not back.startswith("/backoffice/"):
        back = reverse("backoffice:inbox")
    action = request.POST.get("action", "")
    if not references or not action:
        messages.error(request, _("Cochez au moins un dossier et choisissez une action."))
        return redirect(back)
    done, refused = 0, []
    for reference in references[:PAGE_SIZE]:
        try:
            case = get_case_for_agent(request.user, reference)
            if action.startswith("assign:"):
                target = action.split(":", 1)[1]
                agent = request.user if target == "me" else None
                if (agent_pk := parse_id(target)) is not None:
                    agent = User.objects.filter(pk=agent_pk).first()
                case_assign(actor=request.user, case=case, agent=agent)
            elif action.startswith("transition:"):
                case_transition(
                    actor=request.user, case=case, transition_id=action.split(":", 1)[1]
                )
            else:
                raise TransitionRefused(_("Action inconnue."))
            done += 1
        except (TransitionRefused, Http404) as error:
            refused.append(f"{reference} : {getattr(error, 'message', _('introuvable'))}")
    if done:
        messages.success(request, _("%(count)d dossier(s) traité(s).") % {"count": done})
    if refused:
        messages.warning(request, _("Non traités — ") + " ; ".join(refused))
    return redirect(back)


def _case_context(request: HttpRequest, case: Case, **forms: Any) -> dict[str, Any]:
    files = {a.pk: a for a in case.attachments.select_related("file")}
    agents = _agents_of([case.service_id])
    available = transitions_available(case, request.user)
    return {
        "nav": "inbox",
        "case": case,
        "rows": answer_rows(case.spec, case.answers, files),
        "message_files": [a for a in files.values() if a.message_id is not None],
        "history": case_history(case, for_citizen=False),
        "case_messages": case.messages.select_related("author").prefetch_related("attachments"),
        "notes": case.notes.select_related("author"),
        "documents": IssuedDocument.objects.filter(case=case).select_related("service"),
        "transitions": available,
        "transition_form": forms.get("transition_form")
        or TransitionForm(initial={"lock_version": case.lock_version}),
        "assign_form": forms.get("assign_form")
        or AssignForm(
            initial={"agent": case.assigned_to_id or "", "lock_version": case.lock_version},
            agents=agents,
        ),
        "deadline_form": forms.get("deadline_form")
        or DeadlineForm(initial={"deadline": case.deadline, "lock_version": case.lock_version}),
        "note_form": forms.get("note_form") or NoteForm(),
        "opinions": case.opinions.select_related("service", "given_by").prefetch_related(
            "attachments"
        ),
        "can_request_opinions": can_request_opinions(request.user, case),
        "opinion_form": forms.get("opinion_form")
        or OpinionRequestForm(
            initial={"due_date": add_working_days(timezone.localdate(), 10)},
            services=opinion_service_choices(case.service_id),
        ),
        "message_form": forms.get("message_form") or MessageForm(),
        "stale": forms.get("stale", False),
        "late": late_request(
            case.spec, case.answers, on=timezone.localtime(case.submitted_at).date()
        ),
    }


@agent_required
@require_GET
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_agent(request.user, reference)
    log_access(actor=request.user, case=case)
    return render(request, "backoffice/cases/detail.html", _case_context(request, case))


def _rerender(request: HttpRequest, case: Case, status: int, **forms: Any) -> HttpResponse:
    fresh = get_case_for_agent(request.user, case.reference)
    return render(
        request,
        "backoffice/cases/detail.html",
        _case_context(request, fresh, **forms),
        status=status,
    )


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
        return _rerender(request, case, 400, transition_form=form)
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
        return _rerender(request, case, 409, transition_form=_refresh_lock(kept, case), stale=True)
    except TransitionRefused as refusal:
        form.add_error("comment", refusal.message)
        return _rerender(request, case, 400, transition_form=form)
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
    agents = _agents_of([case.service_id])
    form = AssignForm(request.POST, agents=agents)
    if not form.is_valid():
        return _rerender(request, case, 400, assign_form=form)
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
        return _rerender(request, case, 409, stale=True)
    except TransitionRefused as refusal:
        form.add_error("agent", refusal.message)
        return _rerender(request, case, 400, assign_form=form)
    messages.success(request, _("Attribution enregistrée."))
    return redirect("backoffice:case_detail", reference=reference)


@agent_required
@require_POST
def case_deadline_view(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_agent(request.user, reference)
    form = DeadlineForm(request.POST)
    if not form.is_valid():
        return _rerender(request, case, 400, deadline_form=form)
    try:
        case_deadline_set(
            actor=request.user,
            case=case,
            deadline=form.cleaned_data["deadline"],
            expected_lock_version=form.cleaned_data["lock_version"],
        )
    except StaleCase:
        messages.error(request, STALE_MESSAGE)
        return _rerender(request, case, 409, stale=True)
    except TransitionRefused as refusal:
        form.add_error("deadline", refusal.message)
        return _rerender(request, case, 400, deadline_form=form)
    messages.success(request, _("Échéance enregistrée."))
    return redirect("backoffice:case_detail", reference=reference)


@agent_required
@require_POST
def case_note_view(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_agent(request.user, reference)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _rerender(request, case, 400, note_form=form)
    try:
        case_note_add(actor=request.user, case=case, body=form.cleaned_data["body"])
    except TransitionRefused as refusal:
        form.add_error("body", refusal.message)
        return _rerender(request, case, 400, note_form=form)
    messages.success(request, _("Note ajoutée."))
    return redirect(reverse("backoffice:case_detail", args=[reference]) + "#notes")


@agent_required
@require_POST
def case_message_view(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_agent(request.user, reference)
    form = MessageForm(request.POST, request.FILES)
    if not form.is_valid():
        return _rerender(request, case, 400, message_form=form)
    try:
        case_message_send(
            actor=request.user,
            case=case,
            body=form.cleaned_data["body"],
            files=form.cleaned_files(),
        )
    except TransitionRefused as refusal:
        form.add_error("body", refusal.message)
        return _rerender(request, case, 400, message_form=form)
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
