"""How an event's dates and hours read, in French: « samedi 14 juin 2025,
de 20 h à 23 h », « du vendredi 4 au dimanche 6 juillet 2025 »."""

from __future__ import annotations

import datetime

from django.utils import dateformat
from django.utils.translation import gettext as _

from beffroi.agenda.mapping import local_zone
from beffroi.agenda.models import AgendaEvent


def clock(moment: datetime.time) -> str:
    return f"{moment.hour} h {moment.minute:02d}" if moment.minute else f"{moment.hour} h"


def _day(day: datetime.date, *, year: bool = True) -> str:
    return dateformat.format(day, "l j F Y" if year else "l j F")


def first_day(event: AgendaEvent) -> datetime.date:
    return event.starts_at.astimezone(local_zone()).date()


def last_day(event: AgendaEvent) -> datetime.date:
    """The last day the event runs (an all-day end is exclusive)."""
    end = event.ends_at.astimezone(local_zone())
    if event.all_day:
        return max(first_day(event), end.date() - datetime.timedelta(days=1))
    return end.date()


def event_when(event: AgendaEvent) -> str:
    zone = local_zone()
    start, end = first_day(event), last_day(event)
    if not event.all_day:
        begins = event.starts_at.astimezone(zone).time()
        ends = event.ends_at.astimezone(zone).time()
        return _("%(day)s, de %(start)s à %(end)s") % {
            "day": _day(start),
            "start": clock(begins),
            "end": clock(ends),
        }
    if start == end:
        return _day(start)
    return _("du %(start)s au %(end)s") % {
        "start": _day(start, year=start.year != end.year),
        "end": _day(end),
    }


def event_hours_text(event: AgendaEvent) -> str:
    """The hours as written by the organiser, when the dates do not say them."""
    return event.hours if event.all_day else ""
