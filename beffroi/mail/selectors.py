"""Reading the mail register: who may see what, inboxes and search.

Who sees an item:

- the mail office (``mail_clerk`` members, and superusers) sees the whole
  register; it does not read the content (files, text, notes) of items
  *restricted to the treating service*, and its text searches skip them;
- a service's members see the items it treats, and those it is in copy of
  unless they are confidential or restricted;
- the assigned agent sees the item.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Collection
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import BooleanField, Exists, F, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404

from beffroi.core.text import search_terms
from beffroi.mail.models import (
    OPEN_STATUSES,
    Confidentiality,
    Contact,
    DocumentType,
    MailItem,
    ReplyTemplate,
    Status,
)
from beffroi.mail.search_sql import blocks_query, visibility_query
from beffroi.municipality.models import Membership
from beffroi.municipality.selectors import seats_of

NUMBER_PATTERN = re.compile(r"^\s*([ES])\s*-?\s*(\d{4})\s*-?\s*(\d{1,9})\s*$", re.IGNORECASE)
_LIST_RELATED = ("sender", "recipient", "document_type", "treating_service", "assigned_to")
# Lists never show the texts, which can be long (OCR of a 50-page report).
_LIST_DEFERRED = ("text", "ocr_text", "body", "search_text", "search_meta", "routing_learned")


def _memberships(user: Any) -> list[tuple[int, str]]:
    """The user's (service id, role) pairs."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [(seat.service_id, seat.role) for seat in seats_of(user)]


def user_service_ids(user: Any) -> list[int]:
    """The services the user belongs to, whatever their role."""
    return sorted({service_id for service_id, _ in _memberships(user)})


def is_mail_clerk(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser) or any(
        role == Membership.Role.MAIL_CLERK for _, role in _memberships(user)
    )


def _copy_of(service_ids: Collection[int]) -> Exists:
    through = MailItem.copies.through
    return Exists(through.objects.filter(mailitem_id=OuterRef("pk"), service_id__in=service_ids))


def _service_q(user: Any) -> Q:
    """Items the user's services treat or are assigned to the user: content readable."""
    return Q(treating_service_id__in=user_service_ids(user)) | Q(assigned_to=user.pk)


def mail_items_visible(user: Any) -> QuerySet[MailItem]:
    items = MailItem.objects.all()
    if is_mail_clerk(user):
        return items
    if not getattr(user, "is_authenticated", False):
        return items.none()
    return items.filter(
        _service_q(user)
        | (Q(confidentiality=Confidentiality.NORMAL) & _copy_of(user_service_ids(user)))
    )


def _content_q(user: Any) -> Q:
    """Items whose content (text, files, notes) the user may read, among the visible."""
    return ~Q(confidentiality=Confidentiality.RESTRICTED) | _service_q(user)


def can_see(user: Any, item: MailItem) -> bool:
    if is_mail_clerk(user):
        return True
    services = user_service_ids(user)
    if item.treating_service_id in services or (
        item.assigned_to_id is not None and item.assigned_to_id == user.pk
    ):
        return True
    return (
        item.confidentiality == Confidentiality.NORMAL
        and item.copies.filter(pk__in=services).exists()
    )


def can_read_content(user: Any, item: MailItem) -> bool:
    if not can_see(user, item):
        return False
    if item.confidentiality != Confidentiality.RESTRICTED:
        return True
    return item.treating_service_id in user_service_ids(user) or (
        item.assigned_to_id is not None and item.assigned_to_id == user.pk
    )


def can_treat(user: Any, item: MailItem) -> bool:
    """Assign, change the status, answer, link: the treating service or the assigned agent."""
    return (
        item.treating_service_id is not None and item.treating_service_id in user_service_ids(user)
    ) or (item.assigned_to_id is not None and item.assigned_to_id == user.pk)


def can_route(user: Any, item: MailItem) -> bool:
    """Route or correct the register line: the mail office, or the treating service
    (which sends back what is not for it)."""
    if not item.is_incoming:
        return False
    return is_mail_clerk(user) or can_treat(user, item)


def get_mail_item_for_agent(user: Any, pk: int, *, write: bool = False) -> MailItem:
    """The item if the agent may see it (404 if it does not exist, 403 if not theirs).

    ``write=True`` also requires that they may act on it (route or treat).
    """
    item = (
        MailItem.objects.select_related(
            *_LIST_RELATED, "in_reply_to", "case", "citizen", "organisation", "sender__user"
        )
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404("No such mail item.")
    if not can_see(user, item):
        raise PermissionDenied("This mail item is not for you.")
    if write and not (can_route(user, item) or can_treat(user, item)):
        raise PermissionDenied("You may only read this mail item.")
    return item


_MATCH = (
    "numnode(websearch_to_tsquery('public.beffroi_fr', %s)) > 0 AND mail_mailitem.search_vector "
    "@@ (websearch_to_tsquery('public.beffroi_fr', %s)"
)


def _text_filter(
    items: QuerySet[MailItem],
    query: str,
    *,
    user: Any,
    newer_than: int | None = None,
    newest: int = 0,
) -> QuerySet[MailItem]:
    """Items matching ``query``; with ``newer_than``, only those with a larger id."""
    if newer_than is not None:
        items = items.filter(id__gt=newer_than)
    if connection.vendor == "postgresql":
        # The generated, GIN-indexed tsvector of migration 0002: French
        # stemming with accents folded, on the number, subject, metadata and
        # texts. A query of stop words only ("le la") matches nothing. The
        # index is also asked for what the agent may see and, with
        # ``newer_than``, for the newest blocks of ids only (see search_sql.py):
        # it then hands over matching rows only, however many others match.
        narrowing = []
        if not is_mail_clerk(user):
            narrowing.append(visibility_query(service_ids=user_service_ids(user), user_id=user.pk))
        if newer_than is not None:
            narrowing.append(blocks_query(newer_than=newer_than, newest=newest))
        sql = _MATCH + " && %s::tsquery" * len(narrowing) + ")"
        # Constant SQL; what the agent typed only travels as a parameter.
        return items.filter(
            RawSQL(sql, [query, query, *narrowing], output_field=BooleanField())  # noqa: S611
        )
    terms = search_terms(query)
    if not terms:
        return items.none()
    for term in terms:
        items = items.filter(search_text__contains=f" {term}")
    return items


def mail_search(
    *,
    user: Any,
    query: str = "",
    direction: str | None = None,
    year: int | None = None,
    service_id: int | None = None,
    status: str | None = None,
    document_type_id: int | None = None,
    channel: str | None = None,
    received_from: datetime.date | None = None,
    received_to: datetime.date | None = None,
    newer_than: int | None = None,
    newest: int = 0,
) -> QuerySet[MailItem]:
    """The register, filtered, as the user may see it, newest number first.

    ``query`` is full text over the number, subject, sender, document type,
    email or form text and OCR text, with accents and French word forms
    folded; a register number (``E-2026-123``) finds that item.
    """
    items = mail_items_visible(user)
    if direction:
        items = items.filter(direction=direction)
    if year:
        items = items.filter(year=year)
    if service_id:
        items = items.filter(Q(treating_service_id=service_id) | _copy_of([service_id]))
    if status:
        items = items.filter(status=status)
    if document_type_id:
        items = items.filter(document_type_id=document_type_id)
    if channel:
        items = items.filter(channel=channel)
    if received_from:
        items = items.filter(received_on__gte=received_from)
    if received_to:
        items = items.filter(received_on__lte=received_to)
    query = query.strip()
    if query:
        number = NUMBER_PATTERN.match(query)
        if number:
            prefix, number_year, sequence = number.groups()
            items = items.filter(number=f"{prefix.upper()}-{number_year}-{int(sequence):06d}")
        else:
            if is_mail_clerk(user):
                items = items.filter(_content_q(user))
            items = _text_filter(items, query, user=user, newer_than=newer_than, newest=newest)
    return items.select_related(*_LIST_RELATED).defer(*_LIST_DEFERRED).order_by("-id")


# Windows of the newest items a text search looks at first (PostgreSQL).
SEARCH_WINDOWS = (25_000, 250_000)


def mail_search_page(
    *, user: Any, page: int = 1, per_page: int = 50, **filters: Any
) -> tuple[list[MailItem], bool]:
    """One page of ``mail_search`` (newest first) and whether another follows.

    A common pair of words can match tens of thousands of items; reading them
    all to keep the newest fifty would take PostgreSQL a quarter of a second.
    The search looks at the newest items first and widens only when they
    hold too few matches: the newest matches are always in the newest items,
    so the page is the same, found by reading a few hundred rows.
    """
    start = (max(page, 1) - 1) * per_page
    wanted = start + per_page + 1
    query = str(filters.get("query") or "").strip()
    if connection.vendor == "postgresql" and query and not NUMBER_PATTERN.match(query):
        newest = MailItem.objects.order_by("-id").values_list("id", flat=True).first() or 0
        for window in SEARCH_WINDOWS:
            if newest <= window:
                break
            rows = list(
                mail_search(user=user, newer_than=newest - window, newest=newest, **filters)[
                    :wanted
                ]
            )
            if len(rows) == wanted:
                return rows[start : start + per_page], True
    rows = list(mail_search(user=user, **filters)[start:wanted])
    return rows[:per_page], len(rows) > per_page


def mail_items_for_inbox(
    user: Any,
    *,
    service_ids: Collection[int] | None = None,
    assigned_to_me: bool = False,
    include_to_route: bool = True,
) -> QuerySet[MailItem]:
    """Open incoming items the user has to act on, due date first (none last).

    Open means routed or in treatment, for a service of the user (restricted
    to ``service_ids`` when given) or assigned to the user; with
    ``assigned_to_me`` only those assigned to them. A mail clerk also gets
    the items still to route, when ``include_to_route`` and no
    ``service_ids`` are given. Items carry ``deadline`` (= ``due_on``),
    ``reference`` (= ``number``), ``title``, ``is_overdue`` and
    ``get_absolute_url()`` like cases do, to merge both in one inbox.
    """
    open_items = Q(status__in=OPEN_STATUSES)
    if assigned_to_me:
        condition = open_items & Q(assigned_to=user.pk)
    else:
        services = user_service_ids(user)
        if service_ids is not None:
            wanted = set(service_ids)
            services = [service for service in services if service in wanted]
            condition = open_items & Q(treating_service_id__in=services)
        else:
            condition = open_items & (Q(treating_service_id__in=services) | Q(assigned_to=user.pk))
        if include_to_route and service_ids is None and is_mail_clerk(user):
            condition |= Q(status=Status.TO_ROUTE)
    return (
        MailItem.objects.filter(condition)
        .select_related(*_LIST_RELATED)
        .defer(*_LIST_DEFERRED)
        .order_by(F("due_on").asc(nulls_last=True), "received_on", "id")
    )


def mail_items_linked_to(
    user: Any, *, citizen: Any = None, organisation: Any = None
) -> QuerySet[MailItem]:
    """Items about a citizen or an organisation that the user may see, newest first.

    An item is about them when it is linked to them, or when its
    correspondent (sender or recipient) is a contact linked to them.
    """
    if citizen is None and organisation is None:
        return MailItem.objects.none()
    about = Q()
    if citizen is not None:
        about |= Q(citizen=citizen) | Q(sender__user=citizen) | Q(recipient__user=citizen)
    if organisation is not None:
        about |= (
            Q(organisation=organisation)
            | Q(sender__organisation=organisation)
            | Q(recipient__organisation=organisation)
        )
    return (
        mail_items_visible(user)
        .filter(about)
        .select_related(*_LIST_RELATED)
        .defer(*_LIST_DEFERRED)
        .order_by("-id")
    )


def mail_items_in_copy(user: Any, *, limit: int = 50) -> list[MailItem]:
    """Recent items the user's services receive in copy, for information."""
    services = user_service_ids(user)
    return list(
        MailItem.objects.filter(_copy_of(services), confidentiality=Confidentiality.NORMAL)
        .exclude(treating_service_id__in=services)
        .select_related(*_LIST_RELATED)
        .defer(*_LIST_DEFERRED)
        .order_by("-id")[:limit]
    )


def replies_visible(user: Any, item: MailItem) -> list[MailItem]:
    """The replies to ``item`` that the user may open: a list never names the others."""
    return list(
        mail_items_visible(user)
        .filter(in_reply_to=item)
        .select_related(*_LIST_RELATED)
        .defer(*_LIST_DEFERRED)
        .order_by("id")
    )


def mail_items_to_route_count() -> int:
    return MailItem.objects.filter(status=Status.TO_ROUTE).count()


def mail_items_to_route(*, limit: int = 100) -> list[MailItem]:
    return list(
        MailItem.objects.filter(status=Status.TO_ROUTE)
        .select_related(*_LIST_RELATED)
        .defer(*_LIST_DEFERRED)
        .order_by("registered_at", "id")[:limit]
    )


def contacts_recent(*, limit: int = 300) -> list[Contact]:
    """Contacts offered as the clerk types a sender (most recent first)."""
    return list(Contact.objects.order_by("-id")[:limit])


def document_types_active() -> list[DocumentType]:
    return list(DocumentType.objects.filter(is_active=True).select_related("default_service"))


def reply_templates_active() -> list[ReplyTemplate]:
    return list(ReplyTemplate.objects.filter(is_active=True))


def register_years(*, direction: str) -> list[int]:
    return list(
        MailItem.objects.filter(direction=direction)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
