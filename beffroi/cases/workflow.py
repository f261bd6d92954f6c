"""The workflow engine: entering statuses, their actions and their timers.

Everything here runs inside the transaction of the service that changes the
case (cases/services.py), so a status change, its actions, its timers, its
history line, its journal event and the email it queues commit together or
not at all.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from beffroi.accounts.actors import Actor, actor_user
from beffroi.cases.issuing import case_document_issue
from beffroi.cases.models import Case, CaseEvent, CaseTimer
from beffroi.cases.notify import notify_citizen_of_status, notify_service
from beffroi.catalogue.conditions import evaluate
from beffroi.catalogue.definition import ActionCheck, ProcedureDefinition, register_action
from beffroi.core.workdays import add_working_days
from beffroi.municipality.models import Membership
from beffroi.municipality.selectors import roles_in


class TransitionRefused(Exception):
    """The transition cannot be taken now; ``message`` says why, in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def actor_roles(actor: Actor, case: Case) -> set[str]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return set()
    return roles_in(actor_user(actor), case.service_id)


def transitions_offered(
    spec: ProcedureDefinition, status: str, roles: set[str] | None
) -> list[dict[str, Any]]:
    """The transitions from ``status`` that someone with ``roles`` in the
    case's service may take (None: the system, which holds every role),
    before their conditions on the case's answers."""
    offered = []
    for transition in spec.transitions_from(status):
        if roles is not None and transition.get("authority"):
            continue  # taken only where the authority's decision is recorded (the College)
        if roles is not None and not roles & set(transition.get("roles") or _all_roles()):
            continue
        offered.append(transition)
    return offered


def transitions_available(
    case: Case, actor: Actor, roles: set[str] | None = None
) -> list[dict[str, Any]]:
    """The transitions ``actor`` may take on ``case`` now (None: the system)."""
    return [t for t, unmet in _transitions_applying(case, actor, roles) if unmet is None]


def transitions_waiting(case: Case, actor: Actor) -> list[tuple[dict[str, Any], str]]:
    """The transitions ``actor`` could take once their requirements are met,
    each with what it still waits for (the case page says so)."""
    return [(t, unmet) for t, unmet in _transitions_applying(case, actor, None) if unmet]


def requirement_unmet(case: Case, transition: Mapping[str, Any]) -> str | None:
    """Why ``transition`` cannot be taken yet (its first unmet ``requires``), or None."""
    for requirement in transition.get("requires", []):
        if not evaluate(requirement["when"], case.answers, case=case.condition_context()):
            return str(requirement["message"])
    return None


def _transitions_applying(
    case: Case, actor: Actor, roles: set[str] | None
) -> list[tuple[dict[str, Any], str | None]]:
    if case.is_closed:
        return []
    if actor is not None and roles is None:
        roles = actor_roles(actor, case)
    return [
        (transition, requirement_unmet(case, transition))
        for transition in transitions_offered(case.spec, case.status, roles)
        if evaluate(transition.get("when"), case.answers, case=case.condition_context())
    ]


def _all_roles() -> list[str]:
    return [choice for choice, _label in Membership.Role.choices]


def _working_days_later(day: datetime.date, count: int) -> datetime.date:
    return add_working_days(day, count)


def _deadline_after(action: Mapping[str, Any], start: datetime.date) -> datetime.date:
    if "working_days" in action:
        return _working_days_later(start, int(action["working_days"]))
    return start + datetime.timedelta(days=int(action["days"]))


def _timer_due(timer: Mapping[str, Any], now: datetime.datetime) -> datetime.datetime:
    if "after_hours" in timer:
        return now + datetime.timedelta(hours=int(timer["after_hours"]))
    if "after_days" in timer:
        return now + datetime.timedelta(days=int(timer["after_days"]))
    local = timezone.localtime(now)
    day = _working_days_later(local.date(), int(timer["after_working_days"]))
    return local.replace(year=day.year, month=day.month, day=day.day)


ActionHandler = Callable[[Case, Mapping[str, Any], Any], list[str]]
_HANDLERS: dict[str, ActionHandler] = {}


def workflow_action(
    name: str, *, keys: set[str] | None = None, check: ActionCheck | None = None
) -> Callable[[ActionHandler], ActionHandler]:
    """Register what a status's ``{do: name}`` does on entering it.

    The handler receives the case (row locked by the caller), the action's
    parameters and the actor; it returns the case fields it changed, and
    runs inside the status change's transaction. ``keys`` and ``check`` let
    definitions using the action be validated at import.
    """

    def register(handler: ActionHandler) -> ActionHandler:
        _HANDLERS[name] = handler
        if keys is not None:
            register_action(name, keys, check)
        return handler

    return register


def run_actions(case: Case, actions: list[Mapping[str, Any]], *, actor: Actor) -> list[str]:
    """Run a status's ``on_enter`` actions; return the updated case fields."""
    changed: list[str] = []
    for action in actions:
        handler = _HANDLERS.get(str(action["do"]))
        if handler is None:
            raise RuntimeError(f"No handler for the workflow action {action['do']!r}")
        changed += handler(case, action, actor)
    return changed


@workflow_action("set_deadline")
def _set_deadline(case: Case, action: Mapping[str, Any], actor: Actor) -> list[str]:
    case.deadline = _deadline_after(action, timezone.localdate())
    _history(
        case,
        CaseEvent.Kind.DEADLINE,
        actor,
        _("Échéance fixée au %(date)s.") % {"date": f"{case.deadline:%d/%m/%Y}"},
        citizen=False,
    )
    return ["deadline"]


@workflow_action("extend_deadline")
def _extend_deadline(case: Case, action: Mapping[str, Any], actor: Actor) -> list[str]:
    today = timezone.localdate()
    case.deadline = _deadline_after(action, max(case.deadline or today, today))
    _history(
        case,
        CaseEvent.Kind.DEADLINE,
        actor,
        _("Échéance prolongée au %(date)s.") % {"date": f"{case.deadline:%d/%m/%Y}"},
        citizen=False,
    )
    return ["deadline"]


@workflow_action("generate_document")
def _generate_document(case: Case, action: Mapping[str, Any], actor: Actor) -> list[str]:
    case_document_issue(actor=actor, case=case, document_id=action["document"])
    return []


@workflow_action("notify_service")
def _notify_service(case: Case, action: Mapping[str, Any], actor: Actor) -> list[str]:
    notify_service(case, message=str(action.get("message", "")))
    return []


def _event(
    case: Case, kind: str, actor: Actor, text: str, *, citizen: bool, **statuses: str
) -> CaseEvent:
    """A line of the case's history (not saved); the system and visitors are no actor."""
    return CaseEvent(
        case=case,
        kind=kind,
        actor=actor_user(actor) if getattr(actor, "is_authenticated", False) else None,
        text=text,
        visible_to_citizen=citizen,
        **statuses,
    )


def _history(case: Case, kind: str, actor: Actor, text: str, *, citizen: bool) -> None:
    _event(case, kind, actor, text, citizen=citizen).save()


def _set_status(case: Case, status: Mapping[str, Any], status_id: str, now: Any) -> list[str]:
    """Put ``case`` in ``status_id`` in memory; return the fields that changed."""
    case.status = status_id
    case.status_changed_at = now
    if status.get("final"):
        case.closed_at = now
        case.return_status = ""
    if not status.get("waits_for_citizen") and not status.get("final"):
        case.return_status = ""
    return ["status", "status_changed_at", "return_status", "closed_at"]


def _status_event(case: Case, previous: str, actor: Actor, comment: str) -> CaseEvent:
    return _event(
        case,
        CaseEvent.Kind.STATUS,
        actor,
        comment,
        citizen=True,
        from_status=previous,
        to_status=case.status,
    )


def _on_enter(case: Case, status: Mapping[str, Any], actor: Actor, now: Any) -> list[str]:
    """The status's actions and timers; return the case fields the actions changed."""
    changed = run_actions(case, list(status.get("on_enter", [])), actor=actor)
    CaseTimer.objects.bulk_create(
        CaseTimer(
            case=case,
            status=case.status,
            kind=CaseTimer.Kind.TRANSITION if "transition" in timer else CaseTimer.Kind.REMIND,
            transition=str(timer.get("transition", "")),
            due_at=_timer_due(timer, now),
        )
        for timer in status.get("timers", [])
    )
    return changed


def enter_status(
    case: Case, status_id: str, *, actor: Actor, comment: str = "", notify: bool = True
) -> None:
    """Move ``case`` into ``status_id``: timers, actions, history, email.

    The caller holds the case's row lock and saves nothing itself: this
    function writes the case.
    """
    status = case.spec.statuses[status_id]
    now = timezone.now()
    previous = case.status
    if previous:  # a case that left its first status may have timers running
        CaseTimer.objects.filter(
            case=case, fired_at__isnull=True, cancelled_at__isnull=True
        ).update(cancelled_at=now)
    changed = _set_status(case, status, status_id, now)
    _status_event(case, previous, actor, comment).save()
    changed += _on_enter(case, status, actor, now)
    case.lock_version += 1  # the caller holds the row lock
    case.save(update_fields=[*dict.fromkeys(changed), "lock_version", "updated_at"])
    # A status may be passed in silence; a comment written for the citizen never is.
    if notify and (status.get("notify_citizen", True) or comment):
        notify_citizen_of_status(case, comment=comment)


def insert_in_first_status(case: Case, *, actor: Actor, events: list[CaseEvent]) -> None:
    """Write a new ``case`` straight into its procedure's first status.

    The same history, actions, timers and email as :func:`enter_status`,
    without writing the case twice: it is inserted in its status, and
    ``events`` (written before the status's own) go in the same insert.
    """
    status_id = case.spec.initial_status
    status = case.spec.statuses[status_id]
    now = timezone.now()
    _set_status(case, status, status_id, now)
    case.lock_version = 1  # as if it had entered its status after being filed
    case.save(force_insert=True)
    for event in events:
        event.case = case
    CaseEvent.objects.bulk_create([*events, _status_event(case, "", actor, "")])
    changed = _on_enter(case, status, actor, now)
    if changed:
        case.save(update_fields=[*dict.fromkeys(changed), "updated_at"])
    notify_citizen_of_status(case)


def initial_deadline(case: Case) -> datetime.date:
    """The deadline a new case starts with, from the catalogue's promise.

    A legal deadline counts calendar days (as the law does); the usual
    processing time counts working days.
    """
    today = timezone.localdate()
    procedure = case.procedure
    if procedure.legal_deadline_days:
        return today + datetime.timedelta(days=procedure.legal_deadline_days)
    return _working_days_later(today, procedure.processing_days)


def route_service_code(
    spec_routing: list[dict[str, Any]], answers: Mapping[str, Any]
) -> str | None:
    for rule in spec_routing:
        if evaluate(rule["when"], answers):
            return str(rule["service"])
    return None
