"""Reads of drafts and cases, with who may see what.

Agents see the cases of their services; a citizen sees their own; anyone
with a tracking code sees a case's progress and nothing personal.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from beffroi.accounts.actors import Actor
from beffroi.audit.services import access_record
from beffroi.cases.codes import is_tracking_code, normalise_tracking_code
from beffroi.cases.models import Attachment, Case, CaseEvent, CaseTimer, Draft
from beffroi.core.text import fold
from beffroi.municipality.selectors import municipalities_having, seats_of
from beffroi.notifications.models import OutgoingEmail

# --- Who may see what ---------------------------------------------------------------------


def agent_service_ids(user: Any) -> list[int]:
    """Ids of the services the agent belongs to."""
    return sorted({seat.service_id for seat in seats_of(user)})


def cases_visible_to_agent(user: Any) -> QuerySet[Case]:
    return Case.objects.filter(service_id__in=agent_service_ids(user))


def get_case_for_agent(user: Any, reference: str) -> Case:
    """The case if the agent may see it; 404 otherwise (its existence is not revealed)."""
    case = (
        cases_visible_to_agent(user)
        .select_related("procedure", "service", "applicant", "assigned_to")
        .filter(reference=reference)
        .first()
    )
    if case is None:
        raise Http404
    return case


def _citizen_scope(user: Any) -> Q:
    """The cases a citizen may see: their own, and those of the validated
    organisations they belong to (read through the case's organisation: the
    organisations app sits above this one)."""
    return Q(applicant=user) | Q(organisation__status="validated", organisation__members__user=user)


def get_case_for_citizen(user: Any, reference: str) -> Case:
    case = (
        Case.objects.select_related("procedure", "service", "organisation")
        .filter(_citizen_scope(user), reference=reference)
        .first()
    )
    if case is None:
        raise Http404
    return case


# What the public status page shows of a case: the tracking lookup is the
# portal's most frequent request, so it reads no more than the page shows.
_STATUS_FIELDS = (
    "id",
    "tracking_code",
    "status",
    "submitted_at",
    "status_changed_at",
    "deadline",
    "closed_at",
    "version_id",
    "applicant_id",
    "procedure__title",
    "service__name",
)


def case_by_tracking_code(raw: str, *, status_only: bool = False) -> Case | None:
    """The case of a tracking code; with ``status_only``, only what its status page shows.

    Without ``status_only`` the whole case (answers included) is read. With
    it, the other columns are deferred (read on access, never silently
    empty), and so are those of its procedure and service but their names.
    """
    code = normalise_tracking_code(raw)
    if not is_tracking_code(code):
        return None
    cases = Case.objects.select_related("procedure", "service")
    if status_only:
        cases = cases.only(*_STATUS_FIELDS)
    return cases.filter(tracking_code=code).first()


def case_status_steps(case: Case) -> list[tuple[datetime.datetime, str]]:
    """The dates the case was filed and changed status, with the citizen's labels."""
    spec = case.spec
    steps = (
        CaseEvent.objects.filter(
            case_id=case.pk, kind__in=[CaseEvent.Kind.SUBMITTED, CaseEvent.Kind.STATUS]
        )
        .exclude(to_status="")
        .order_by("at", "id")
        .values_list("at", "to_status")
    )
    return [(at, spec.status_label(to_status)) for at, to_status in steps]


def draft_file_ids(draft: Draft) -> dict[str, list[int]]:
    """The ids of the draft's files, by question, in the order they came."""
    by_field: dict[str, list[int]] = {}
    files = Attachment.objects.filter(draft_id=draft.pk).order_by("uploaded_at", "id")
    for pk, field_id in files.values_list("id", "field_id"):
        by_field.setdefault(field_id, []).append(pk)
    return by_field


def attachments_for_applicant(case: Case) -> QuerySet[Attachment]:
    """The case's files its applicant (or the code's holder) may open: what
    they sent and what the service sent them in messages; never the files of
    other services' opinions, which are internal."""
    return case.attachments.filter(opinion__isnull=True).select_related("file")


def get_draft_for(
    user: Any, draft_id: Any, *, session_drafts: Iterable[str], lock: bool = False
) -> Draft:
    """A draft its owner (or, without account, the session that made it) may
    fill; ``lock``: read under its lock (in the caller's transaction)."""
    # The procedure is read only by the pages that show it: saving a page
    # and moving on (most requests) needs the draft alone.
    drafts = Draft.objects.select_for_update() if lock else Draft.objects.all()
    try:
        draft = drafts.filter(pk=draft_id).first()  # read at every page of every filing
    except ValidationError:
        raise Http404 from None
    if draft is None:
        raise Http404
    if draft.owner_id is not None:
        if getattr(user, "pk", None) != draft.owner_id:
            raise Http404
        draft.owner = user  # the same person: no query to read them again
    elif str(draft.pk) not in set(session_drafts):
        raise Http404
    return draft


def submitted_case_for(user: Any, code: str, *, session_drafts: Iterable[str]) -> Case | None:
    """The case filed from a draft this person (or this session) filled.

    The draft's own rule decides (as in :func:`get_draft_for`), so sending a
    request writes nothing more into the session than starting it did.
    ``session_drafts`` are draft ids already read as such.
    """
    allowed = Q(draft__owner__isnull=True, draft__id__in=list(session_drafts))
    if getattr(user, "is_authenticated", False):
        allowed |= Q(draft__owner_id=user.pk)
    return (
        Case.objects.select_related("procedure", "service", "applicant")
        .filter(allowed, tracking_code=code)
        .first()
    )


def log_access(*, actor: Actor, case: Case, action: str = "case.viewed") -> None:
    """Record that an agent saw a citizen's data (the citizen can read this list)."""
    access_record(actor=actor, subject_id=case.applicant_id, action=action, target=case)


# --- Inboxes -------------------------------------------------------------------------------


@dataclass
class InboxFilters:
    service_id: int | None = None
    mine: bool = False
    status: str = ""
    procedure_id: int | None = None
    channel: str = ""
    assigned_to_id: int | None = None
    unassigned: bool = False
    overdue: bool = False
    submitted_from: datetime.date | None = None
    submitted_to: datetime.date | None = None
    query: str = ""
    include_closed: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def inbox_cases(user: Any, filters: InboxFilters) -> QuerySet[Case]:
    """Cases of an inbox, deadline first (overdue at the top), then oldest."""
    cases = cases_visible_to_agent(user)
    if filters.mine:
        cases = cases.filter(assigned_to=user)
    if filters.service_id is not None:
        cases = cases.filter(service_id=filters.service_id)
    if not filters.include_closed:
        cases = cases.filter(closed_at__isnull=True)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.procedure_id is not None:
        cases = cases.filter(procedure_id=filters.procedure_id)
    if filters.channel:
        cases = cases.filter(channel=filters.channel)
    if filters.unassigned:
        cases = cases.filter(assigned_to__isnull=True)
    elif filters.assigned_to_id is not None:
        cases = cases.filter(assigned_to_id=filters.assigned_to_id)
    if filters.overdue:
        cases = cases.filter(deadline__lt=timezone.localdate(), closed_at__isnull=True)
    if filters.submitted_from is not None:
        cases = cases.filter(submitted_at__date__gte=filters.submitted_from)
    if filters.submitted_to is not None:
        cases = cases.filter(submitted_at__date__lte=filters.submitted_to)
    if filters.query:
        cases = _search(cases, filters.query)
    return cases.order_by("deadline", "id")


# What an inbox row shows, and nothing more (answers can be large). Read as
# plain values: building fifty cases with their procedure and agent as model
# instances cost more than the query. Versions come from the per-process
# cache of parsed definitions (catalogue.selectors.version_spec), never joined.
INBOX_VALUES = (
    "reference",
    "status",
    "channel",
    "applicant_name",
    "summary",
    "deadline",
    "closed_at",
    "version_id",
    "service_id",
    "procedure__title",
    "assigned_to__first_name",
    "assigned_to__last_name",
    "assigned_to__email",
)


def inbox_case_values(user: Any, filters: InboxFilters) -> QuerySet[Case, dict[str, Any]]:
    """The inbox's cases as rows of :data:`INBOX_VALUES`, in the inbox's order."""
    rows: QuerySet[Case, dict[str, Any]] = inbox_cases(user, filters).values(*INBOX_VALUES)
    return rows


def _search(cases: QuerySet[Case], query: str) -> QuerySet[Case]:
    raw = query.strip()
    code = normalise_tracking_code(raw)
    if is_tracking_code(code):
        return cases.filter(tracking_code=code)
    if raw.replace("-", "").isdigit() and "-" in raw:
        return cases.filter(reference=raw)
    words = [word for word in fold(raw).split() if len(word) > 1]
    for word in words[:5]:
        cases = cases.filter(search_text__contains=word)
    return cases


def inbox_status_counts(user: Any, filters: InboxFilters) -> dict[str, int]:
    """Open cases per status for the inbox's scope (without the status filter).

    A service's open cases are counted in the partial index of open cases
    per service and status (``case_open_service_status``): the count stays
    in the index, whatever the number of closed cases.
    """
    scoped = InboxFilters(
        service_id=filters.service_id, mine=filters.mine, include_closed=filters.include_closed
    )
    rows = (
        inbox_cases(user, scoped)
        .order_by()
        .values("status")
        .annotate(total=Count("status"))
        .values_list("status", "total")
    )
    return dict(rows)


# --- The citizen's side --------------------------------------------------------------------


def citizen_drafts(user: Any) -> QuerySet[Draft]:
    return (
        Draft.objects.filter(owner=user, case__isnull=True)
        .select_related("procedure")
        .order_by("-updated_at")
    )


def citizen_cases(user: Any, *, finished: bool) -> QuerySet[Case]:
    cases = (
        Case.objects.filter(_citizen_scope(user))
        .distinct()  # one line per case, whatever the number of memberships
        .select_related("procedure", "organisation")
    )
    condition = Q(closed_at__isnull=False)
    return (cases.filter(condition) if finished else cases.exclude(condition)).order_by(
        "-submitted_at"
    )


@dataclass(frozen=True)
class HistoryRow:
    at: datetime.datetime
    title: str
    text: str
    actor: str
    internal: bool


def case_history(case: Case, *, for_citizen: bool) -> list[HistoryRow]:
    """The case's history, newest last; agents also see internal lines and emails."""
    events = case.events.select_related("actor")
    if for_citizen:
        events = events.filter(visible_to_citizen=True)
    spec = case.spec
    rows = []
    for event in events:
        if event.kind == CaseEvent.Kind.STATUS:
            label = spec.status_label(event.to_status, agent=not for_citizen)
            title = _("Statut : %(status)s") % {"status": label}
        else:
            title = str(event.get_kind_display()).capitalize()
        actor = ""
        if event.actor is not None and not for_citizen:
            actor = event.actor.full_name or event.actor.email
        rows.append(
            HistoryRow(
                at=event.at,
                title=title,
                text=event.text
                if event.kind != CaseEvent.Kind.SUBMITTED or not for_citizen
                else "",
                actor=actor,
                internal=not event.visible_to_citizen,
            )
        )
    if not for_citizen:
        for email in case.emails.filter(status=OutgoingEmail.Status.SENT).only(
            "sent_at", "to", "subject"
        ):
            assert email.sent_at is not None
            rows.append(
                HistoryRow(
                    at=email.sent_at,
                    title=_("E-mail envoyé"),
                    text=f"{email.subject} → {email.to}",
                    actor="",
                    internal=True,
                )
            )
        rows.sort(key=lambda row: row.at)
    return rows


# --- Timers --------------------------------------------------------------------------------


def due_timers(timers: QuerySet[CaseTimer]) -> QuerySet[CaseTimer]:
    """Those of ``timers`` whose time has come and that neither fired nor were cancelled."""
    return timers.filter(
        fired_at__isnull=True, cancelled_at__isnull=True, due_at__lte=timezone.now()
    )


def municipalities_with_due_timers() -> list[int]:
    """The timers job's ``pending``: one probe of the due-timers index per municipality."""
    return municipalities_having(due_timers(CaseTimer.all_municipalities.all()))
