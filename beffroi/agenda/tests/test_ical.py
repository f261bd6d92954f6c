"""The iCalendar serializer, read back by a strict parser."""

from __future__ import annotations

import datetime

import pytest
from django.test import TestCase, override_settings
from django.utils import timezone

from beffroi.agenda import ical
from beffroi.agenda.mapping import local_midnight, local_zone
from beffroi.agenda.models import AgendaEvent
from beffroi.agenda.tests import icalendar_check

TRICKY = 'Concert; "Rock, pop" & folk \\ à la Halle — été 2030 🎸'


def test_text_escapes_backslash_semicolon_comma_and_newlines():
    assert ical.escape_text("a\\b;c,d\ne\r\nf\rg") == "a\\\\b\\;c\\,d\\ne\\nf\\ng"
    assert ical.escape_text("bell\x07 tab\tok") == "bell tab\tok"


@pytest.mark.parametrize("width", range(60, 90))
def test_folding_never_exceeds_75_octets_nor_cuts_a_character(width):
    line = "DESCRIPTION:" + "é" * width + "🎸" * 5 + "x" * width
    folded = ical.fold_line(line)
    pieces = folded.encode().split(b"\r\n")
    assert all(len(piece) <= 75 for piece in pieces)
    assert all(piece.startswith(b" ") for piece in pieces[1:])
    for piece in pieces:
        piece.decode("utf-8")  # each physical line is valid UTF-8 alone
    assert "".join(p[1:] if i else p for i, p in enumerate(folded.split("\r\n"))) == line


def test_short_lines_are_left_alone():
    assert ical.fold_line("VERSION:2.0") == "VERSION:2.0"
    assert ical.fold_line("X" * 75) == "X" * 75
    assert ical.fold_line("X" * 76) == "X" * 75 + "\r\n X"


def test_the_strict_parser_refuses_what_calendar_programs_stumble_on():
    good = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nEND:VCALENDAR\r\n"
    icalendar_check.parse(good)
    for bad in (
        good.replace(b"\r\n", b"\n"),
        good.replace(b"PRODID:x", b"PRODID:" + b"x" * 80),
        good.replace(b"END:VCALENDAR\r\n", b""),
    ):
        with pytest.raises(icalendar_check.CalendarError):
            icalendar_check.parse(bad)
    with pytest.raises(icalendar_check.CalendarError):
        icalendar_check.unescape_text("a,b")


@override_settings(SITE_URL="https://www.tournai.example")
class CalendarTests(TestCase):
    def event(self, **values):
        day = timezone.localdate() + datetime.timedelta(days=3)
        defaults = {
            "title": "Concert",
            "description": "Une soirée.",
            "category": AgendaEvent.Category.SHOW,
            "place_name": "Halle aux Draps",
            "address": {
                "street": "Grand-Place",
                "number": "1",
                "postcode": "7500",
                "city": "Tournai",
            },
            "starts_at": datetime.datetime.combine(day, datetime.time(20), tzinfo=local_zone()),
            "ends_at": datetime.datetime.combine(day, datetime.time(23), tzinfo=local_zone()),
            "all_day": False,
            "status": AgendaEvent.Status.PUBLISHED,
            **values,
        }
        return AgendaEvent.objects.create(**defaults)

    def feed(self, events):
        return ical.calendar(
            events, feed=ical.Feed(name="Agenda — Tournai", site_url="https://www.tournai.example")
        )

    def test_a_calendar_reads_back_exactly(self):
        description = "Première ligne\nSeconde ligne; avec, tout \\ ça. " + "Très long texte. " * 12
        timed = self.event(title=TRICKY, description=description, organiser_name="Harmonie")
        day = datetime.date(2030, 12, 24)
        all_day = self.event(
            title="Marché de Noël",
            starts_at=local_midnight(day),
            ends_at=local_midnight(day + datetime.timedelta(days=3)),
            all_day=True,
        )
        data = self.feed([timed, all_day])
        calendar = icalendar_check.parse(data)
        assert calendar.one("METHOD").value == "PUBLISH"
        first, second = calendar.children
        assert first.text("SUMMARY") == TRICKY
        assert first.text("DESCRIPTION").startswith(description.strip())
        assert "Harmonie" not in first.text("DESCRIPTION")  # no consent given
        assert first.text("LOCATION") == "Halle aux Draps, Grand-Place 1, 7500 Tournai"
        assert first.text("CATEGORIES") == "Spectacle, théâtre, danse"
        assert first.one("UID").value == f"agenda-{timed.pk}@www.tournai.example"
        assert first.one("URL").value == f"https://www.tournai.example/agenda/{timed.pk}/"
        start = timed.starts_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
        assert first.one("DTSTART").value == start
        # All-day: local dates, the end exclusive (24, 25 and 26 December).
        assert second.one("DTSTART").params == {"VALUE": "DATE"}
        assert second.one("DTSTART").value == "20301224"
        assert second.one("DTEND").value == "20301227"

    def test_the_organiser_is_in_the_description_only_with_consent(self):
        event = self.event(
            organiser_name="Comité Saint-Piat",
            organiser_contact="0470 12 34 56",
            organiser_public=True,
        )
        described = icalendar_check.parse(self.feed([event])).children[0].text("DESCRIPTION")
        assert "Organisé par Comité Saint-Piat" in described
        assert "Contact : 0470 12 34 56" in described

    def test_an_empty_calendar_is_still_valid(self):
        calendar = icalendar_check.parse(self.feed([]))
        assert calendar.children == []
