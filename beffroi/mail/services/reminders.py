"""Reminders: each agent (or service) hears of its open items due soon or late."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from beffroi.audit.services import audit_event_record
from beffroi.core.workdays import add_working_days
from beffroi.mail.models import OPEN_STATUSES, MailItem
from beffroi.municipality.selectors import current_municipality, municipalities_having
from beffroi.notifications.services import email_queue

# Reminders go out when an open item is due within this many working days.
REMINDER_WORKING_DAYS = 2


def _reminder_line(item: MailItem, today: datetime.date) -> str:
    due = item.due_on or today
    state = (
        _("en retard depuis le %(date)s") if due < today else _("à traiter pour le %(date)s")
    ) % {"date": formats.date_format(due, "j F Y")}
    return (
        f"- {item.number} — {item.title} — {state}\n  {settings.SITE_URL}{item.get_absolute_url()}"
    )


def _not_reminded_today(today: datetime.date) -> Q:
    return Q(reminded_on__isnull=True) | Q(reminded_on__lt=today)


def _to_remind(
    items: QuerySet[MailItem], *, horizon: datetime.date, today: datetime.date
) -> QuerySet[MailItem]:
    return items.filter(status__in=OPEN_STATUSES, due_on__lte=horizon).filter(
        _not_reminded_today(today)
    )


def municipalities_with_mail_to_remind() -> list[int]:
    """The reminders job's ``pending``, in one query: a horizon that holds
    every municipality's (``REMINDER_WORKING_DAYS`` working days are never
    more than a week and a half, whatever its public holidays), so it may name
    one whose job then finds nothing, never miss one."""
    today = timezone.localdate()
    horizon = today + datetime.timedelta(days=7 * REMINDER_WORKING_DAYS)
    return municipalities_having(
        _to_remind(MailItem.all_municipalities.all(), horizon=horizon, today=today)
    )


def _due_by_recipient(today: datetime.date) -> dict[str, list[MailItem]]:
    """Open items due within the horizon, by the address their reminder goes to."""
    municipality = current_municipality()
    horizon = add_working_days(
        today,
        REMINDER_WORKING_DAYS,
        country=municipality.country,
        subdivision=municipality.subdivision,
    )
    candidates = (
        _to_remind(MailItem.objects.all(), horizon=horizon, today=today)
        .select_related("assigned_to", "treating_service")
        .order_by("due_on", "id")[:2000]
    )
    by_recipient: dict[str, list[MailItem]] = {}
    for item in candidates:
        to = (item.assigned_to.email if item.assigned_to else "") or (
            item.treating_service.email if item.treating_service else ""
        )
        if to:
            by_recipient.setdefault(to, []).append(item)
    return by_recipient


@transaction.atomic
def _remind(to: str, items: list[MailItem], today: datetime.date) -> int:
    """Claim the items not reminded today (a conditional UPDATE) and email their list."""
    mine = [
        item
        for item in items
        if MailItem.objects.filter(pk=item.pk)
        .filter(_not_reminded_today(today))
        .update(reminded_on=today)
    ]
    if not mine:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        lines = [_reminder_line(item, today) for item in mine]
        body = (
            _("Bonjour,\n\nCes courriers arrivent à échéance ou sont en retard :\n\n")
            + "\n".join(lines)
            + _("\n\nBeffroi — registre du courrier")
        )
        subject = _("Courrier à traiter : %(count)s échéance(s)") % {"count": len(mine)}
    email_queue(to=to, subject=subject, body_text=body)
    for item in mine:
        audit_event_record(
            actor=None, action="mail.reminded", target=item, data={"due_on": str(item.due_on)}
        )
    return len(mine)


def mail_reminders_send(*, today: datetime.date | None = None) -> int:
    """Email each agent (or service) a list of their open items due soon or late.

    Each item is reminded at most once a day (claimed by a conditional
    UPDATE, so two workers never send the same reminder). Returns how many
    items were reminded.
    """
    today = today or timezone.localdate()
    return sum(_remind(to, items, today) for to, items in _due_by_recipient(today).items())
