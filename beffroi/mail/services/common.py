"""What every service of the register shares: its errors, numbering, locking and search."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from beffroi.core.counters import counter_next
from beffroi.core.text import search_terms
from beffroi.core.workdays import add_working_days
from beffroi.mail.models import NUMBER_PREFIX, Direction, DocumentType, MailItem
from beffroi.mail.search_sql import visibility_keys
from beffroi.municipality.selectors import current_municipality

SEARCH_FIELDS = ("search_meta", "search_text", "search_keys")


class MailError(ValueError):
    """A change the register refuses; the message is for the agent, in French."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class StaleMailItem(MailError):
    """Someone else changed the item since the agent opened it."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Ce courrier a été modifié par quelqu’un d’autre pendant que vous le "
                "consultiez. Vérifiez ses nouvelles données : votre saisie est conservée, "
                "enregistrez-la à nouveau si elle est toujours valable."
            )
        )


@dataclass(frozen=True)
class IncomingFile:
    """A file as it arrived: its name as given and its bytes."""

    filename: str
    content: bytes


def user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def refuse_future(received_on: datetime.date | None) -> None:
    if received_on is not None and received_on > timezone.localdate():
        raise MailError(
            _("La date de réception ne peut pas être dans le futur."), field="received_on"
        )


def next_number(direction: str) -> tuple[int, int, str]:
    """The next register number of ``direction``: gapless, in the caller's transaction."""
    year = timezone.localdate().year
    prefix = NUMBER_PREFIX[Direction(direction)]
    sequence = counter_next(name=f"mail:{prefix}:{year}")
    return year, sequence, f"{prefix}-{year}-{sequence:06d}"


def due_date(
    *, received_on: datetime.date, document_type: DocumentType | None
) -> datetime.date | None:
    """The due date in working days (the city's country and region holidays)."""
    if document_type is None or not document_type.treatment_days:
        return None
    municipality = current_municipality()
    return add_working_days(
        received_on,
        document_type.treatment_days,
        country=municipality.country,
        subdivision=municipality.subdivision,
    )


def refresh_search(item: MailItem, *, copy_ids: Sequence[int] | None = None) -> None:
    """What search reads besides the texts: metadata words, and who may see the item."""
    parts = [item.number]
    for contact in (item.sender, item.recipient):
        if contact is not None:
            parts += [contact.name, contact.email]
    if item.document_type is not None:
        parts.append(item.document_type.name)
    parts.append(item.get_channel_display())
    item.search_meta = " ".join(part for part in parts if part)
    if copy_ids is None:
        copy_ids = list(item.copies.values_list("pk", flat=True)) if item.pk else []
    item.search_keys = visibility_keys(
        treating_service_id=item.treating_service_id,
        assigned_to_id=item.assigned_to_id,
        confidentiality=item.confidentiality,
        copy_service_ids=copy_ids,
    )
    if connection.vendor == "postgresql":
        # PostgreSQL searches its generated tsvector column (migration 0002).
        item.search_text = ""
        return
    words = search_terms(" ".join([item.subject, item.search_meta, item.text, item.ocr_text]))
    item.search_text = f" {' '.join(sorted(set(words)))} "


def locked_item(item: MailItem, expected_version: int | None) -> MailItem:
    """The item locked for this transaction; StaleMailItem if it changed since ``expected_version``."""
    locked = (
        MailItem.objects.select_for_update(of=("self",))
        .select_related("sender", "recipient", "document_type", "treating_service")
        .get(pk=item.pk)
    )
    if expected_version is not None and locked.lock_version != expected_version:
        raise StaleMailItem
    return locked


def save_item(item: MailItem, fields: Iterable[str]) -> None:
    item.lock_version += 1
    item.save(update_fields=sorted({*fields, "lock_version", "updated_at"}))
