"""Changes to the agenda and the business directory, journaled.

Whatever the public sees changes only here: publishing, withdrawing and
approving bump a content revision (``AGENDA_REVISION``,
``DIRECTORY_REVISION``) that cached public pages and the iCalendar feed's
ETag depend on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beffroi.accounts.actors import Actor
from beffroi.agenda.images import images_proposed, images_publish
from beffroi.agenda.mapping import ENTRY_VALUES, entry_values, event_values, visible_field_ids
from beffroi.agenda.models import AgendaEvent, DirectoryEntry
from beffroi.audit.services import audit_event_record
from beffroi.cases.history import case_history_add
from beffroi.cases.models import Case, CaseEvent
from beffroi.catalogue.conditions import evaluate
from beffroi.core.revisions import revision_bump
from beffroi.core.text import fold

AGENDA_REVISION = "agenda"
DIRECTORY_REVISION = "directory"


class PublicationRefused(Exception):
    """The change cannot be published; ``message`` says why, in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _place_search(event: AgendaEvent) -> str:
    address = event.address or {}
    parts = [event.place_name, *(str(address.get(k, "")) for k in ("street", "postcode", "city"))]
    return fold(" ".join(parts))[:400]


def _entry_search(entry: DirectoryEntry) -> str:
    address = entry.address or {}
    parts = [
        entry.name,
        str(entry.get_category_display()),
        entry.description,
        *(str(address.get(k, "")) for k in ("street", "postcode", "city")),
    ]
    return fold(" ".join(parts))


# --- Agenda --------------------------------------------------------------------------


@transaction.atomic
def agenda_event_submit_from_case(
    *, actor: Actor, case: Case, mapping: Mapping[str, Any]
) -> AgendaEvent | None:
    """The case's event, pending review (created, or refreshed from the
    answers). None when the mapping's ``when`` does not hold or the answers
    give no date."""
    if not _holds(mapping, case):
        return None
    values = event_values(case.answers, mapping, case=case.condition_context())
    if values is None:
        return None
    event = AgendaEvent.objects.select_for_update().filter(source_case=case).first()
    if event is None:
        event = AgendaEvent(source_case=case, organisation_id=case.organisation_id, **values)
        event.place_search = _place_search(event)
        event.save(force_insert=True)
        action = "agenda_event.submitted"
    else:
        for field, value in values.items():
            setattr(event, field, value)
        event.place_search = _place_search(event)
        if event.status == AgendaEvent.Status.PUBLISHED:
            event.sequence += 1
        event.save()
        action = "agenda_event.updated"
        if event.is_public:
            revision_bump(key=AGENDA_REVISION)
    audit_event_record(actor=actor, action=action, target=event, data={"case": case.pk})
    return event


def _holds(mapping: Mapping[str, Any], case: Case) -> bool:
    return "when" not in mapping or evaluate(
        mapping["when"], case.answers, case=case.condition_context()
    )


@transaction.atomic
def agenda_event_publish(*, actor: Actor, event: AgendaEvent) -> AgendaEvent:
    """Show the event on the public agenda and in the iCalendar feed."""
    event = AgendaEvent.objects.select_for_update().get(pk=event.pk)
    if event.status == AgendaEvent.Status.PUBLISHED:
        return event
    if event.published_at is not None:  # published before, then withdrawn
        event.sequence += 1
    event.status = AgendaEvent.Status.PUBLISHED
    event.published_at = timezone.now()
    event.withdrawn_at = None
    event.save(update_fields=["status", "published_at", "withdrawn_at", "sequence", "updated_at"])
    audit_event_record(
        actor=actor,
        action="agenda_event.published",
        target=event,
        data={"case": event.source_case_id},
    )
    revision_bump(key=AGENDA_REVISION)
    return event


@transaction.atomic
def agenda_event_withdraw(*, actor: Actor, event: AgendaEvent) -> AgendaEvent:
    """Take the event off the agenda (or refuse it before it was published)."""
    event = AgendaEvent.objects.select_for_update().get(pk=event.pk)
    if event.status == AgendaEvent.Status.WITHDRAWN:
        return event
    was_public = event.status == AgendaEvent.Status.PUBLISHED
    event.status = AgendaEvent.Status.WITHDRAWN
    event.withdrawn_at = timezone.now()
    if was_public:
        event.sequence += 1
    event.save(update_fields=["status", "withdrawn_at", "sequence", "updated_at"])
    audit_event_record(
        actor=actor,
        action="agenda_event.withdrawn",
        target=event,
        data={"case": event.source_case_id, "was_public": was_public},
    )
    if was_public:
        revision_bump(key=AGENDA_REVISION)
    return event


# --- Directory ---------------------------------------------------------------------------


def _entry_of_business(
    *, case: Case, enterprise_number: str, name: str = "", same_name: bool = False
) -> DirectoryEntry | None:
    """The page (not withdrawn) of the business a request is about: among the
    pages of the organisation it was made for, else of its enterprise
    number, the one with that name (the latest when the name does not
    decide, unless ``same_name`` is required: one enterprise may have
    several shops)."""
    pages = DirectoryEntry.objects.select_for_update().exclude(
        status=DirectoryEntry.Status.WITHDRAWN
    )
    candidates: list[DirectoryEntry] = []
    if case.organisation_id is not None:
        candidates = list(pages.filter(organisation_id=case.organisation_id).order_by("-id"))
    if not candidates and enterprise_number:
        candidates = list(pages.filter(enterprise_number=enterprise_number).order_by("-id"))
    wanted = fold(name)
    for candidate in candidates:
        if wanted and wanted in {
            fold(candidate.name),
            fold(str(candidate.pending.get("name", ""))),
        }:
            return candidate
    if same_name or not candidates:
        return None
    return candidates[0]


def _propose(
    *, actor: Actor, entry: DirectoryEntry, case: Case, values: dict[str, Any], action: str
) -> DirectoryEntry:
    previous_case_id = entry.pending_case_id
    superseded = previous_case_id is not None and previous_case_id != case.pk
    if previous_case_id is not None and superseded:
        case_history_add(
            case_id=previous_case_id,
            kind=CaseEvent.Kind.NOTE,
            text=_(
                "Une demande plus récente (%(reference)s) remplace la modification de cette "
                "page de l'annuaire : celle-ci ne peut plus être publiée."
            )
            % {"reference": case.reference},
        )
    entry.pending = values
    entry.pending_case = case
    entry.save(update_fields=["pending", "pending_case", "updated_at"])
    audit_event_record(
        actor=actor,
        action=action,
        target=entry,
        data={
            "case": case.pk,
            "fields": sorted(values),
            "superseded_case": previous_case_id if superseded else None,
        },
    )
    return entry


@transaction.atomic
def directory_entry_create_from_case(
    *, actor: Actor, case: Case, mapping: Mapping[str, Any]
) -> DirectoryEntry:
    """A new page, pending review. A business that already has a page gets
    this request as a change to it, reviewed the same way."""
    values = entry_values(case.answers, mapping, case=case.condition_context())
    images = images_proposed(case, mapping)
    if images:
        values["images"] = images
    number = str(case.answers.get(str(mapping.get("enterprise_number", "")), "") or "")
    own = DirectoryEntry.objects.select_for_update().filter(source_case=case).first()
    if own is None:
        existing = _entry_of_business(
            case=case, enterprise_number=number, name=str(values.get("name", "")), same_name=True
        )
        if existing is not None:
            return _propose(
                actor=actor,
                entry=existing,
                case=case,
                values=values,
                action="directory_entry.change_proposed",
            )
    if own is None:
        own = DirectoryEntry.objects.create(
            status=DirectoryEntry.Status.PENDING,
            category=values.get("category", DirectoryEntry.Category.OTHER),
            enterprise_number=number,
            source_case=case,
            organisation_id=case.organisation_id,
        )
    return _propose(
        actor=actor, entry=own, case=case, values=values, action="directory_entry.proposed"
    )


@transaction.atomic
def directory_entry_propose_change_from_case(
    *, actor: Actor, case: Case, mapping: Mapping[str, Any]
) -> DirectoryEntry | None:
    """The change a request asks for, kept apart from the published page
    until approved. None when no page of that business is found."""
    answers = case.answers
    number = str(answers.get(str(mapping.get("enterprise_number", "")), "") or "")
    name = str(answers.get(str(mapping.get("match_name", "")), "") or "")
    entry = _entry_of_business(case=case, enterprise_number=number, name=name)
    if entry is None:
        return None
    shown = visible_field_ids(case.spec, answers)
    values = entry_values(answers, mapping, shown=shown, case=case.condition_context())
    images = images_proposed(case, mapping, shown=shown)
    if images:
        values["images"] = images
    return _propose(
        actor=actor,
        entry=entry,
        case=case,
        values=values,
        action="directory_entry.change_proposed",
    )


@transaction.atomic
def directory_entry_approve(
    *, actor: Actor, entry: DirectoryEntry, case: Case | None = None
) -> DirectoryEntry:
    """Publish the pending proposal (the one of ``case`` when given)."""
    entry = DirectoryEntry.objects.select_for_update().get(pk=entry.pk)
    if case is not None and entry.pending_case_id != case.pk:
        raise PublicationRefused(
            _(
                "Cette modification n'est plus celle qui attend d'être publiée : une demande "
                "plus récente la remplace, ou la page a été retirée. Refusez cette demande-ci."
            )
        )
    if not entry.pending:
        raise PublicationRefused(_("Aucune modification n'attend d'être publiée sur cette page."))
    pending = dict(entry.pending)
    withdraw = bool(pending.pop("withdraw", False))
    images = pending.pop("images", {})
    changed = [field for field in pending if field in ENTRY_VALUES]
    for field in changed:
        setattr(entry, field, pending[field])
    now = timezone.now()
    if withdraw:
        entry.status = DirectoryEntry.Status.WITHDRAWN
        entry.withdrawn_at = now
    else:
        entry.status = DirectoryEntry.Status.PUBLISHED
        entry.published_at = now
    entry.search_text = _entry_search(entry)
    entry.sort_name = fold(entry.name)[:150]
    case_id = entry.pending_case_id
    entry.pending = {}
    entry.pending_case = None
    entry.save()
    if case_id is not None and isinstance(images, dict):
        images_publish(entry, images, case_id=case_id)
        changed += sorted(images)
    audit_event_record(
        actor=actor,
        action="directory_entry.approved",
        target=entry,
        data={"case": case_id, "fields": sorted(changed), "withdraw": withdraw},
    )
    revision_bump(key=DIRECTORY_REVISION)
    return entry


@transaction.atomic
def directory_entry_reject(
    *, actor: Actor, entry: DirectoryEntry, case: Case | None = None
) -> DirectoryEntry:
    """Drop the pending proposal; the published page (if any) stays as it is."""
    entry = DirectoryEntry.objects.select_for_update().get(pk=entry.pk)
    if case is not None and entry.pending_case_id != case.pk:
        return entry  # superseded: nothing of this case is pending any more
    case_id = entry.pending_case_id
    entry.pending = {}
    entry.pending_case = None
    fields = ["pending", "pending_case", "updated_at"]
    if entry.status == DirectoryEntry.Status.PENDING:  # never published
        entry.status = DirectoryEntry.Status.WITHDRAWN
        entry.withdrawn_at = timezone.now()
        fields += ["status", "withdrawn_at"]
    entry.save(update_fields=fields)
    audit_event_record(
        actor=actor, action="directory_entry.rejected", target=entry, data={"case": case_id}
    )
    return entry


@transaction.atomic
def directory_entry_withdraw(*, actor: Actor, entry: DirectoryEntry) -> DirectoryEntry:
    """Take the page out of the directory (a closed business, a complaint)."""
    entry = DirectoryEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status == DirectoryEntry.Status.WITHDRAWN:
        return entry
    was_public = entry.is_public
    entry.status = DirectoryEntry.Status.WITHDRAWN
    entry.withdrawn_at = timezone.now()
    entry.pending = {}
    entry.pending_case = None
    entry.save(update_fields=["status", "withdrawn_at", "pending", "pending_case", "updated_at"])
    audit_event_record(
        actor=actor,
        action="directory_entry.withdrawn",
        target=entry,
        data={"was_public": was_public},
    )
    if was_public:
        revision_bump(key=DIRECTORY_REVISION)
    return entry
