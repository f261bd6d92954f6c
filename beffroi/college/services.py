"""The College's meetings: agendas gathered from the requests ready for a
decision, and decisions recorded per request, each moving its case on."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from beffroi.accounts.actors import Actor, actor_user
from beffroi.audit.services import audit_event_record
from beffroi.cases.issuing import register_document_context
from beffroi.cases.models import Case
from beffroi.cases.services import case_transition
from beffroi.cases.workflow import TransitionRefused
from beffroi.catalogue.models import ProcedureVersion
from beffroi.catalogue.selectors import version_spec
from beffroi.college.models import CollegeItem, CollegeMeeting, Decision
from beffroi.municipality.selectors import seats_of


class CollegeRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def college_can_manage(user: Any) -> bool:
    """The secretariat prepares the College's agendas and records its decisions."""
    return any(seat.service_code == settings.BEFFROI_COLLEGE_SERVICE for seat in seats_of(user))


def _require(user: Any) -> None:
    if not college_can_manage(user):
        raise CollegeRefused(_("Seul le secrétariat communal prépare les séances du Collège."))


def cases_ready_for_college() -> QuerySet[Case]:
    """Open cases in a status the College decides, not already on an agenda."""
    versions = (
        ProcedureVersion.objects.filter(cases__closed_at__isnull=True)
        .distinct()
        .values_list("pk", flat=True)
    )
    condition = None
    from django.db.models import Q

    for version_id in versions:
        statuses = [s["id"] for s in version_spec(version_id).statuses.values() if s.get("college")]
        if statuses:
            clause = Q(version_id=version_id, status__in=statuses)
            condition = clause if condition is None else condition | clause
    if condition is None:
        return Case.objects.none()
    pending = CollegeItem.objects.filter(decision="").values("case_id")
    return (
        Case.objects.filter(condition, closed_at__isnull=True)
        .exclude(pk__in=pending)
        .select_related("procedure", "service", "organisation")
        .order_by("submitted_at")
    )


@transaction.atomic
def college_meeting_create(*, actor: Actor, date: datetime.date) -> CollegeMeeting:
    _require(actor)
    meeting = CollegeMeeting.objects.create(date=date, created_by=actor_user(actor))
    audit_event_record(
        actor=actor,
        action="college.meeting_created",
        target=meeting,
        data={"date": date.isoformat()},
    )
    return meeting


@transaction.atomic
def college_agenda_add(*, actor: Actor, meeting: CollegeMeeting, cases: Iterable[Case]) -> int:
    """Put requests on the meeting's agenda (those ready and not yet on one)."""
    _require(actor)
    if not meeting.is_open:
        raise CollegeRefused(_("Cette séance est clôturée."))
    ready = set(cases_ready_for_college().values_list("pk", flat=True))
    position = meeting.items.aggregate(last=Max("position"))["last"] or 0
    added = 0
    for case in cases:
        if case.pk not in ready:
            continue
        position += 1
        try:
            with transaction.atomic():
                CollegeItem.objects.create(meeting=meeting, case=case, position=position)
        except IntegrityError:
            continue  # put on another agenda meanwhile
        added += 1
    if added:
        audit_event_record(
            actor=actor, action="college.agenda_updated", target=meeting, data={"added": added}
        )
    return added


@transaction.atomic
def college_decide(
    *, actor: Actor, item: CollegeItem, decision: str, conditions: str = ""
) -> CollegeItem:
    """Record the College's decision on one request and move the request on."""
    _require(actor)
    item = CollegeItem.objects.select_for_update().select_related("meeting", "case").get(pk=item.pk)
    if item.decision:
        raise CollegeRefused(_("La décision sur cette demande est déjà enregistrée."))
    if decision not in Decision.values:
        raise CollegeRefused(_("Décision inconnue."))
    conditions = conditions.strip()
    if decision == Decision.AUTHORISED_WITH_CONDITIONS and not conditions:
        raise CollegeRefused(_("Indiquez les conditions fixées par le Collège."))
    if decision == Decision.REFUSED and not conditions:
        raise CollegeRefused(
            _("Indiquez les motifs du refus : ils sont communiqués à l’organisateur.")
        )
    case = item.case
    mapping = case.spec.statuses.get(case.status, {}).get("college") or {}
    transition_id = mapping.get(decision) or (
        mapping.get(Decision.AUTHORISED)
        if decision == Decision.AUTHORISED_WITH_CONDITIONS
        else None
    )
    if transition_id is None:
        raise CollegeRefused(_("Cette demande n’attend plus de décision du Collège."))
    item.decision = decision
    item.conditions = conditions
    item.decided_at = timezone.make_aware(
        datetime.datetime.combine(item.meeting.date, datetime.time(12))
    )
    item.decided_by = actor_user(actor)
    item.save(update_fields=["decision", "conditions", "decided_at", "decided_by"])
    comment = _("Décision du Collège communal du %(date)s : %(decision)s.") % {
        "date": f"{item.meeting.date:%d/%m/%Y}",
        "decision": item.get_decision_display(),
    }
    if conditions:
        comment += "\n" + conditions
    try:
        case_transition(
            actor=actor, case=case, transition_id=transition_id, comment=comment, as_authority=True
        )
    except TransitionRefused as refusal:
        raise CollegeRefused(refusal.message) from refusal
    audit_event_record(
        actor=actor,
        action="college.decided",
        target=item.meeting,
        data={"case_id": case.pk, "decision": decision},
    )
    return item


@transaction.atomic
def college_meeting_close(*, actor: Actor, meeting: CollegeMeeting) -> CollegeMeeting:
    _require(actor)
    if meeting.items.filter(decision="").exists():
        raise CollegeRefused(_("Des demandes de l’ordre du jour attendent encore leur décision."))
    meeting.closed_at = timezone.now()
    meeting.save(update_fields=["closed_at"])
    audit_event_record(actor=actor, action="college.meeting_closed", target=meeting)
    return meeting


def _college_for_documents(case: Case) -> dict[str, Any]:
    """``college`` in document templates: the decision, its date and conditions."""
    item = (
        CollegeItem.objects.filter(case=case)
        .exclude(decision="")
        .select_related("meeting")
        .order_by("-decided_at")
        .first()
    )
    if item is None:
        return {"college": None}
    return {
        "college": {
            "decision": item.get_decision_display(),
            "date": item.meeting.date,
            "conditions": item.conditions,
        }
    }


register_document_context(_college_for_documents)
