"""Treatment: the service assigns, changes the status, notes and links its items."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beffroi.audit.services import access_record, audit_event_record
from beffroi.mail.models import Contact, MailItem, MailNote, Status
from beffroi.mail.services.common import (
    SEARCH_FIELDS,
    MailError,
    locked_item,
    refresh_search,
    save_item,
    user_or_none,
)
from beffroi.municipality.models import Membership


@transaction.atomic
def mail_assign(
    *, actor: Any, item: MailItem, agent: Any, expected_version: int | None
) -> MailItem:
    """Give the item to an agent of its treating service (None: nobody)."""
    locked = locked_item(item, expected_version)
    if locked.treating_service_id is None:
        raise MailError(_("Ventilez d’abord ce courrier vers un service."), field="agent")
    if (
        agent is not None
        and not Membership.objects.filter(
            user=agent, service_id=locked.treating_service_id
        ).exists()
    ):
        raise MailError(_("Cet agent ne fait pas partie du service traitant."), field="agent")
    locked.assigned_to = agent
    refresh_search(locked)
    changed = ["assigned_to", *SEARCH_FIELDS]
    if agent is not None and locked.status == Status.ROUTED:
        locked.status = Status.IN_TREATMENT
        changed.append("status")
    save_item(locked, changed)
    audit_event_record(
        actor=actor,
        action="mail.assigned",
        target=locked,
        data={"agent_id": agent.pk if agent is not None else None},
    )
    return locked


_SETTABLE = {Status.ROUTED, Status.IN_TREATMENT, Status.ANSWERED, Status.CLOSED}


@transaction.atomic
def mail_status_set(
    *, actor: Any, item: MailItem, status: str, expected_version: int | None
) -> MailItem:
    locked = locked_item(item, expected_version)
    if not locked.is_incoming or status not in _SETTABLE:
        raise MailError(_("Ce statut ne peut pas être choisi ici."), field="status")
    if locked.treating_service_id is None:
        raise MailError(_("Ventilez d’abord ce courrier vers un service."), field="status")
    previous = locked.status
    if previous == status:
        return locked
    locked.status = status
    locked.closed_at = timezone.now() if status == Status.CLOSED else None
    save_item(locked, ["status", "closed_at"])
    audit_event_record(
        actor=actor,
        action="mail.status_changed",
        target=locked,
        data={"from": previous, "to": status},
    )
    return locked


@transaction.atomic
def mail_note_add(*, actor: Any, item: MailItem, text: str) -> MailNote:
    text = text.strip()
    if not text:
        raise MailError(_("La note est vide."), field="text")
    note = MailNote.objects.create(item=item, author=user_or_none(actor), text=text)
    audit_event_record(
        actor=actor, action="mail.note_added", target=item, data={"note_id": note.pk}
    )
    return note


@transaction.atomic
def mail_link_case(*, actor: Any, item: MailItem, case: Any) -> MailItem:
    """Attach the item to a case (None: detach)."""
    locked = locked_item(item, None)
    locked.case = case
    fields = ["case"]
    if case is not None and locked.citizen_id is None and case.applicant_id is not None:
        locked.citizen_id = case.applicant_id
        fields.append("citizen")
    save_item(locked, fields)
    audit_event_record(
        actor=actor,
        action="mail.case_linked",
        target=locked,
        data={"case_id": case.pk if case is not None else None},
    )
    return locked


@transaction.atomic
def mail_link_citizen(*, actor: Any, item: MailItem, citizen: Any) -> MailItem:
    """Attach the item to a citizen's account (None: detach); the sender learns it too."""
    locked = locked_item(item, None)
    locked.citizen = citizen
    save_item(locked, ["citizen"])
    contact = locked.correspondent
    if citizen is not None and contact is not None and contact.user_id is None:
        contact.user = citizen
        contact.save(update_fields=["user"])
    audit_event_record(
        actor=actor,
        action="mail.citizen_linked",
        target=locked,
        data={"citizen_id": citizen.pk if citizen is not None else None},
    )
    return locked


@transaction.atomic
def mail_link_organisation(*, actor: Any, item: MailItem, organisation: Any) -> MailItem:
    """Attach the item to an organisation (None: detach); an organisation sender learns it."""
    locked = locked_item(item, None)
    locked.organisation = organisation
    save_item(locked, ["organisation"])
    contact = locked.correspondent
    if (
        organisation is not None
        and contact is not None
        and contact.kind == Contact.Kind.ORGANISATION
        and contact.organisation_id is None
    ):
        contact.organisation = organisation
        contact.save(update_fields=["organisation"])
    audit_event_record(
        actor=actor,
        action="mail.organisation_linked",
        target=locked,
        data={"organisation_id": organisation.pk if organisation is not None else None},
    )
    return locked


def mail_item_viewed(*, actor: Any, item: MailItem) -> None:
    """Log that an agent opened an item about a citizen (they can read who did)."""
    if item.citizen_id is not None:
        access_record(actor=actor, subject_id=item.citizen_id, action="mail.viewed", target=item)
