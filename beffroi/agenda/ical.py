"""Published events as iCalendar (RFC 5545), for calendar programs.

Written here rather than with a library: the subset a public feed needs is
small. Lines end with CRLF and are folded at 75 octets without splitting a
UTF-8 character; TEXT values escape backslashes, semicolons, commas and
newlines. Timed events are given in UTC, all-day events as DATE values
(their end exclusive), so no VTIMEZONE is needed.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from beffroi.agenda.display import event_hours_text
from beffroi.agenda.mapping import local_zone
from beffroi.agenda.models import AgendaEvent

CRLF = "\r\n"
LINE_OCTETS = 75
# Control characters are not allowed in TEXT values (HTAB is).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def escape_text(value: str) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value)
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold_line(line: str) -> str:
    """Split a content line into lines of at most 75 octets (CRLF excluded);
    each continuation starts with one space. A UTF-8 character is never cut."""
    data = line.encode()
    if len(data) <= LINE_OCTETS:
        return line
    pieces: list[bytes] = []
    start, limit = 0, LINE_OCTETS
    while len(data) - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:  # inside a character: back to its first byte
            cut -= 1
        pieces.append(data[start:cut])
        start, limit = cut, LINE_OCTETS - 1  # the leading space counts
    pieces.append(data[start:])
    return b"\r\n ".join(pieces).decode()


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _date(moment: datetime.datetime) -> str:
    return moment.astimezone(local_zone()).strftime("%Y%m%d")


@dataclass(frozen=True)
class Feed:
    name: str
    site_url: str  # scheme and host, no trailing slash

    @property
    def uid_domain(self) -> str:
        return urlsplit(self.site_url).hostname or "beffroi.invalid"


@dataclass(frozen=True)
class _Words:
    """Translated once per calendar: a feed may hold thousands of events."""

    hours: str
    free: str
    price: str
    organiser: str
    contact: str
    categories: dict[str, str]

    @classmethod
    def current(cls) -> _Words:
        return cls(
            hours=_("Heures : %(hours)s"),
            free=_("Entrée gratuite"),
            price=_("Prix : %(price)s"),
            organiser=_("Organisé par %(name)s"),
            contact=_("Contact : %(contact)s"),
            categories={value: str(label) for value, label in AgendaEvent.Category.choices},
        )


def _event_lines(event: AgendaEvent, feed: Feed, url: str, words: _Words) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:agenda-{event.pk}@{feed.uid_domain}",
        f"DTSTAMP:{_utc(event.updated_at)}",
    ]
    if event.all_day:
        lines += [
            f"DTSTART;VALUE=DATE:{_date(event.starts_at)}",
            f"DTEND;VALUE=DATE:{_date(event.ends_at)}",
        ]
    else:
        lines += [f"DTSTART:{_utc(event.starts_at)}", f"DTEND:{_utc(event.ends_at)}"]
    lines.append(f"SUMMARY:{escape_text(event.title)}")
    lines.append(f"DESCRIPTION:{escape_text(_description(event, url, words))}")
    location = event.location_text
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    category = words.categories.get(event.category, event.category)
    lines += [
        f"CATEGORIES:{escape_text(category)}",
        f"URL:{url}",
        "STATUS:CONFIRMED",
        "TRANSP:TRANSPARENT",
        f"SEQUENCE:{event.sequence}",
        f"CREATED:{_utc(event.created_at)}",
        f"LAST-MODIFIED:{_utc(event.updated_at)}",
        "END:VEVENT",
    ]
    return lines


def _description(event: AgendaEvent, url: str, words: _Words) -> str:
    parts = [event.description.strip()]
    hours = event_hours_text(event)
    if hours:
        parts.append(words.hours % {"hours": hours})
    if event.is_free:
        parts.append(words.free)
    elif event.price:
        parts.append(words.price % {"price": event.price})
    if event.public_organiser_name:
        parts.append(words.organiser % {"name": event.public_organiser_name})
    if event.public_organiser_contact:
        parts.append(words.contact % {"contact": event.public_organiser_contact})
    if event.website:
        parts.append(event.website)
    parts.append(url)
    return "\n\n".join(part for part in parts if part)


def calendar(events: Iterable[AgendaEvent], *, feed: Feed) -> bytes:
    """A VCALENDAR of ``events`` (published ones: the caller chooses)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Beffroi//Agenda public//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"NAME:{escape_text(feed.name)}",
        f"X-WR-CALNAME:{escape_text(feed.name)}",
        f"X-WR-TIMEZONE:{settings.TIME_ZONE}",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ]
    # One reverse() for all events: the feed may hold thousands.
    url = f"{feed.site_url}{reverse('portal:agenda_event', kwargs={'pk': 0})}"
    prefix, _zero, suffix = url.rpartition("0")
    words = _Words.current()
    for event in events:
        lines += _event_lines(event, feed, f"{prefix}{event.pk}{suffix}", words)
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + CRLF for line in lines).encode()
