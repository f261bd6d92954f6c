"""Routing: the mail office sends each incoming item to its treating service."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from beffroi.audit.services import audit_event_record
from beffroi.mail import routing
from beffroi.mail.models import Confidentiality, DocumentType, MailItem, MailNote, Status
from beffroi.mail.services.common import (
    SEARCH_FIELDS,
    MailError,
    due_date,
    locked_item,
    refresh_search,
    save_item,
    user_or_none,
)
from beffroi.municipality.models import Service


def _check_service(service: Service | None, field_name: str) -> None:
    if service is None or not service.is_active or service.kind != Service.Kind.INTERNAL:
        raise MailError(_("Choisissez un service communal actif."), field=field_name)


def _checked_copies(locked: MailItem, service: Service, copies: Sequence[Service]) -> list[Service]:
    if not locked.is_incoming:
        raise MailError(_("Seul le courrier entrant est ventilé."))
    _check_service(service, "service")
    copy_list = [copy for copy in copies if copy.pk != service.pk]
    for copy in copy_list:
        _check_service(copy, "copies")
    if copy_list and locked.confidentiality != Confidentiality.NORMAL:
        raise MailError(
            _("Un courrier confidentiel ou restreint n’est envoyé en copie à aucun service."),
            field="copies",
        )
    return copy_list


def _relearn(locked: MailItem, service: Service, document_type: DocumentType | None) -> None:
    """Teach the model this routing, forgetting what an earlier routing of the item taught."""
    features = routing.item_features(locked)
    learned = locked.routing_learned or {}
    if learned:
        routing.routing_learn(
            features=features,
            service_id=learned.get("service"),
            type_id=learned.get("type"),
            weight=-1,
        )
    type_id = document_type.pk if document_type else None
    routing.routing_learn(features=features, service_id=service.pk, type_id=type_id)
    locked.routing_learned = {"service": service.pk, "type": type_id}


@transaction.atomic
def mail_route(
    *,
    actor: Any,
    item: MailItem,
    service: Service,
    copies: Sequence[Service] = (),
    document_type: DocumentType | None = None,
    expected_version: int | None = None,
) -> MailItem:
    """Send an incoming item to its treating service, with services in copy.

    The due date follows the document type, in working days from the day it
    was received. The routing model learns from it (and forgets what it
    learned from an earlier routing of the same item).
    """
    locked = locked_item(item, expected_version)
    copy_list = _checked_copies(locked, service, copies)
    document_type = document_type or locked.document_type
    previous_service = locked.treating_service_id
    changed = ["treating_service", "document_type", "due_on", "status", "routing_learned"]
    locked.treating_service = service
    locked.document_type = document_type
    if locked.received_on is not None:
        locked.due_on = due_date(received_on=locked.received_on, document_type=document_type)
    if locked.status in (Status.TO_ROUTE, Status.CLOSED) or previous_service != service.pk:
        locked.status = Status.ROUTED
        locked.closed_at = None
        changed.append("closed_at")
    if previous_service is not None and previous_service != service.pk:
        locked.assigned_to = None
        changed.append("assigned_to")
    _relearn(locked, service, document_type)
    refresh_search(locked, copy_ids=[copy.pk for copy in copy_list])
    save_item(locked, [*changed, *SEARCH_FIELDS])
    locked.copies.set(copy_list)
    audit_event_record(
        actor=actor,
        action="mail.routed",
        target=locked,
        data={
            "service": service.code,
            "copies": sorted(copy.code for copy in copy_list),
            "document_type": document_type.code if document_type else None,
        },
    )
    return locked


def mail_suggestion(item: MailItem) -> routing.Suggestion | None:
    """Where Beffroi would route this item, with its confidence (or None).

    The classifier the benchmark measures, over the subject, the sender and
    the texts (email or form text, and OCR); the document type the clerk
    chose, if any, is taken as known.
    """
    document_type = item.document_type
    return routing.routing_suggest(
        features=routing.item_features(item),
        type_id=document_type.pk if document_type else None,
        default_service_id=document_type.default_service_id if document_type else None,
    )


@transaction.atomic
def mail_route_accept(*, actor: Any, item: MailItem, expected_version: int | None) -> MailItem:
    """Route as suggested: the one click of the mail office."""
    suggestion = mail_suggestion(item)
    if suggestion is None or suggestion.service_id is None:
        raise MailError(_("Aucune suggestion n’est disponible pour ce courrier : ventilez-le."))
    service = Service.objects.get(pk=suggestion.service_id)
    document_type = item.document_type
    if document_type is None and suggestion.type_id:
        document_type = DocumentType.objects.filter(pk=suggestion.type_id).first()
    return mail_route(
        actor=actor,
        item=item,
        service=service,
        document_type=document_type,
        expected_version=expected_version,
    )


@transaction.atomic
def mail_send_back(
    *, actor: Any, item: MailItem, reason: str, expected_version: int | None
) -> MailItem:
    """The treating service hands back an item that is not for it: to route again."""
    reason = reason.strip()
    if not reason:
        raise MailError(
            _("Dites au service courrier pourquoi ce courrier n’est pas pour vous."), field="reason"
        )
    locked = locked_item(item, expected_version)
    service = locked.treating_service
    locked.status = Status.TO_ROUTE
    locked.treating_service = None
    locked.assigned_to = None
    locked.due_on = None
    refresh_search(locked)
    save_item(locked, ["status", "treating_service", "assigned_to", "due_on", *SEARCH_FIELDS])
    MailNote.objects.create(
        item=locked,
        author=user_or_none(actor),
        text=_("Renvoyé au service courrier par %(service)s : %(reason)s")
        % {"service": service.name if service else "—", "reason": reason},
    )
    audit_event_record(
        actor=actor,
        action="mail.sent_back",
        target=locked,
        data={"service": service.code if service else None},
    )
    return locked
