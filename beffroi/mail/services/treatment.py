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
from beffroi.municipality.selectors import is_member


@transaction.atomic
def mail_assign(
    *, actor: Any, item: MailItem, agent: Any, expected_version: int | None
) -> MailItem:
    """Give the item to an agent of its treating service (None: nobody)."""
    locked = locked_item(item, expected_version)
    if locked.treating_service_id is None:
        raise MailError(_("Ventilez d’abord ce courrier vers un service."), field="agent")
    if agent is not None and not is_member(agent, locked.treating_service_id):
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


def learn_link(contact: Contact, field: str, value: Any) -> None:
    """The correspondent's card keeps a link it did not have."""
    if getattr(contact, f"{field}_id") is None:
        setattr(contact, field, value)
        contact.save(update_fields=[field])


def link_item(
    *, actor: Any, item: MailItem, field: str, value: Any, contact_field: str | None
) -> MailItem:
    """Attach the item to a citizen or an organisation (None: detach); with a
    ``contact_field``, its correspondent's card learns the link too, if it had none."""
    locked = locked_item(item, None)
    setattr(locked, field, value)
    save_item(locked, [field])
    contact = locked.correspondent
    if contact_field is not None and value is not None and contact is not None:
        learn_link(contact, contact_field, value)
    audit_event_record(
        actor=actor,
        action=f"mail.{field}_linked",
        target=locked,
        data={f"{field}_id": value.pk if value is not None else None},
    )
    return locked


@transaction.atomic
def mail_link_citizen(*, actor: Any, item: MailItem, citizen: Any) -> MailItem:
    """Attach the item to a citizen's account (None: detach); the sender learns it too."""
    return link_item(actor=actor, item=item, field="citizen", value=citizen, contact_field="user")


@transaction.atomic
def mail_link_organisation(*, actor: Any, item: MailItem, organisation: Any) -> MailItem:
    """Attach the item to an organisation (None: detach); an organisation sender learns it."""
    contact = item.correspondent
    is_organisation = contact is not None and contact.kind == Contact.Kind.ORGANISATION
    return link_item(
        actor=actor,
        item=item,
        field="organisation",
        value=organisation,
        contact_field="organisation" if is_organisation else None,
    )


def mail_item_viewed(*, actor: Any, item: MailItem) -> None:
    """Log that an agent opened an item about a citizen (they can read who did)."""
    if item.citizen_id is not None:
        access_record(actor=actor, subject_id=item.citizen_id, action="mail.viewed", target=item)
