"""The public agenda, an event's page and the iCalendar feeds."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from beffroi.agenda.mapping import local_midnight, local_zone
from beffroi.agenda.models import AgendaEvent
from beffroi.agenda.services import agenda_event_publish, agenda_event_withdraw
from beffroi.agenda.tests import icalendar_check
from beffroi.agenda.tests.helpers import AgendaTestCase

SESSION = {"sessionid": "no-such-session"}  # a visitor the page cache does not serve


def published(title: str, *, days: int = 3, **values: Any) -> AgendaEvent:
    """A published event in ``days`` days, from 20 h to 22 h (local time)."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    defaults: dict[str, Any] = {
        "title": title,
        "category": AgendaEvent.Category.MUSIC,
        "place_name": "Maison de la Culture",
        "address": {
            "street": "Boulevard des Frères Rimbaut",
            "number": "2",
            "postcode": "7500",
            "city": "Tournai",
        },
        "place_search": "maison de la culture boulevard des freres rimbaut 7500 tournai",
        "starts_at": datetime.datetime.combine(day, datetime.time(20), tzinfo=local_zone()),
        "ends_at": datetime.datetime.combine(day, datetime.time(22), tzinfo=local_zone()),
        "all_day": False,
        "status": AgendaEvent.Status.PUBLISHED,
        "published_at": timezone.now(),
        **values,
    }
    return AgendaEvent.objects.create(**defaults)


class AgendaPageTests(AgendaTestCase):
    def test_nothing_is_public_before_an_agent_approved_it(self):
        case = self.file_event()
        event = AgendaEvent.objects.get()
        page = self.client.get("/agenda/")
        assert page.status_code == 200
        self.assertNotContains(page, "Concert de printemps")
        assert self.client.get(f"/agenda/{event.pk}/").status_code == 404
        assert self.client.get(f"/agenda/{event.pk}.ics").status_code == 404
        self.assertNotContains(self.client.get("/agenda.ics"), "Concert de printemps")
        self.approve(case)
        # The same visitor's cached page is renewed by the publication.
        self.assertContains(self.client.get("/agenda/"), "Concert de printemps")
        self.assertContains(self.client.get(f"/agenda/{event.pk}/"), "Concert de printemps")
        self.assertContains(self.client.get("/agenda.ics"), "Concert de printemps")

    def test_a_withdrawn_event_disappears_and_its_page_says_so(self):
        event = published("Soirée jazz")
        assert self.client.get(f"/agenda/{event.pk}/").status_code == 200
        agenda_event_withdraw(actor=self.communication_agent, event=event)
        self.assertNotContains(self.client.get("/agenda/"), "Soirée jazz")
        gone = self.client.get(f"/agenda/{event.pk}/")
        assert gone.status_code == 410
        self.assertContains(gone, "n’est plus au programme", status_code=410)
        self.assertNotContains(gone, "Soirée jazz", status_code=410)
        self.assertNotContains(self.client.get("/agenda.ics"), "Soirée jazz")

    def test_events_are_listed_by_date_from_today(self):
        published("Dans trois jours", days=3)
        published("Demain", days=1)
        published("Hier", days=-1)
        running = published(
            "Exposition en cours",
            starts_at=local_midnight(timezone.localdate() - datetime.timedelta(days=5)),
            ends_at=local_midnight(timezone.localdate() + datetime.timedelta(days=5)),
            all_day=True,
        )
        html = self.client.get("/agenda/").content.decode()
        assert "Hier" not in html
        assert (
            html.index("Exposition en cours")
            < html.index("Demain")
            < html.index("Dans trois jours")
        )
        assert "Aujourd&#x27;hui" in html or "Aujourd'hui" in html  # the running one, under today
        assert f"/agenda/{running.pk}/" in html

    def test_the_event_page_shows_what_the_public_needs(self):
        event = published(
            "Concert de l'harmonie",
            description="Musiques de films.",
            is_free=True,
            wheelchair_access="yes",
            website="https://www.harmonie-kain.be",
        )
        page = self.client.get(f"/agenda/{event.pk}/")
        self.assertContains(page, "<h1>Concert de l&#x27;harmonie</h1>", html=False)
        self.assertContains(page, "de 20 h à 22 h")
        self.assertContains(page, "Maison de la Culture")
        self.assertContains(page, "Gratuite")
        self.assertContains(page, "Accessible en chaise roulante")
        self.assertContains(page, 'href="https://www.harmonie-kain.be" rel="nofollow noopener"')
        self.assertContains(page, f'href="/agenda/{event.pk}.ics" download')

    def test_organiser_details_appear_only_with_their_consent(self):
        private = published(
            "Fête privée du comité",
            organiser_name="Jean Lemaire",
            organiser_contact="0470 12 34 56",
        )
        public = published(
            "Fête publique",
            organiser_name="Comité Saint-Piat",
            organiser_contact="comite@example.org",
            organiser_public=True,
        )
        page = self.client.get(f"/agenda/{private.pk}/")
        self.assertNotContains(page, "Jean Lemaire")
        self.assertNotContains(page, "0470 12 34 56")
        feed = self.client.get("/agenda.ics").content.decode()
        assert "Lemaire" not in feed
        assert "0470" not in feed
        page = self.client.get(f"/agenda/{public.pk}/")
        self.assertContains(page, "Comité Saint-Piat")
        self.assertContains(page, "comite@example.org")

    def test_the_list_costs_the_same_queries_whatever_its_length(self):
        for index in range(3):
            published(f"Événement {index}", days=index + 1)
        self.client.get("/agenda/?rubrique=music")  # the city's identity, read once per process
        with self.assertNumQueries(2):  # content revisions (one query), the events
            self.client.get("/agenda/")
        for index in range(3, 30):
            published(f"Événement {index}", days=index + 1, category=AgendaEvent.Category.SPORT)
        pending = published("Encore un", status=AgendaEvent.Status.PENDING)
        agenda_event_publish(actor=None, event=pending)  # bumps the revision
        with self.assertNumQueries(2):
            page = self.client.get("/agenda/")
        self.assertContains(page, "Page suivante")
        with self.assertNumQueries(1):  # a visitor without session: the cached page
            self.client.get("/agenda/")
        with self.assertNumQueries(2):  # a session (unknown here): rendered afresh
            self.client.get("/agenda/", headers={"cookie": "sessionid=x"})


class AgendaFilterTests(AgendaTestCase):
    def setUp(self):
        super().setUp()
        published(
            "Concert à Kain",
            days=2,
            place_name="Salle des fêtes",
            place_search="salle des fetes rue de la gare 7540 kain",
        )
        published("Match de basket", days=4, category=AgendaEvent.Category.SPORT)
        published("Brocante de juin", days=40, category=AgendaEvent.Category.MARKET)

    def titles(self, query: str) -> list[str]:
        html = self.client.get(f"/agenda/?{query}").content.decode()
        return [t for t in ("Concert à Kain", "Match de basket", "Brocante de juin") if t in html]

    def test_filters_by_category(self):
        assert self.titles("rubrique=sport") == ["Match de basket"]

    def test_filters_by_place_with_accents_and_case_ignored(self):
        assert self.titles("lieu=KAÏN") == ["Concert à Kain"]
        assert self.titles("lieu=fêtes") == ["Concert à Kain"]

    def test_filters_by_date_range(self):
        today = timezone.localdate()
        start = (today + datetime.timedelta(days=3)).isoformat()
        end = (today + datetime.timedelta(days=10)).strftime("%d/%m/%Y")
        assert self.titles(f"du={start}&au={end}") == ["Match de basket"]
        assert self.titles(f"du={(today + datetime.timedelta(days=30)).isoformat()}") == [
            "Brocante de juin"
        ]

    def test_bad_values_get_a_message_and_the_other_filters_still_apply(self):
        page = self.client.get("/agenda/?du=31/02/2025&rubrique=sport")
        assert page.status_code == 200
        self.assertContains(page, "Saisissez une date au format jj/mm/aaaa")
        self.assertContains(page, "Match de basket")
        self.assertNotContains(page, "Concert à Kain")
        page = self.client.get("/agenda/?rubrique=rave&du=9999-12-31")
        self.assertContains(page, "Choisissez une rubrique dans la liste.")
        self.assertContains(page, "Choisissez une date entre l")
        self.assertContains(page, "Concert à Kain")  # nothing valid: the default list
        today = timezone.localdate()
        page = self.client.get(
            f"/agenda/?du={(today + datetime.timedelta(days=5)).isoformat()}&au={today.isoformat()}"
        )
        self.assertContains(page, "Cette date doit venir après")

    def test_hostile_values_never_cause_an_error(self):
        for query in (
            "page=abc",
            "page=-3",
            "page=99999999999999999999",
            "lieu=" + "x" * 500,
            "lieu=%00",
            "du=0000-00-00",
            "au=2025-13-45",
            "rubrique[]=sport",
            "lieu=%25_%25",
        ):
            page = self.client.get(f"/agenda/?{query}")
            assert page.status_code == 200, query

    def test_a_page_that_does_not_exist_says_so(self):
        page = self.client.get("/agenda/?page=50")
        self.assertContains(page, "Cette page n’existe pas.")
        self.assertContains(self.client.get("/agenda/?page=zzz"), "Cette page n’existe pas.")


class AgendaFeedTests(AgendaTestCase):
    def test_the_feed_is_a_valid_calendar_of_published_events(self):
        published("Concert; rock, pop \\ folk", description="Ligne 1\nLigne 2 " + "é" * 90)
        published("Match", category=AgendaEvent.Category.SPORT)
        AgendaEvent.objects.create(
            title="Pas encore relu",
            starts_at=timezone.now(),
            ends_at=timezone.now() + datetime.timedelta(days=1),
        )
        response = self.client.get("/agenda.ics")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        calendar = icalendar_check.parse(response.content)
        summaries = sorted(event.text("SUMMARY") for event in calendar.children)
        assert summaries == ["Concert; rock, pop \\ folk", "Match"]
        assert calendar.text("X-WR-CALNAME") == "Agenda — Ville de Tournai"

    def test_the_feed_can_hold_one_category(self):
        published("Concert")
        published("Match", category=AgendaEvent.Category.SPORT)
        calendar = icalendar_check.parse(self.client.get("/agenda.ics?rubrique=sport").content)
        assert [event.text("SUMMARY") for event in calendar.children] == ["Match"]
        wrong = self.client.get("/agenda.ics?rubrique=rave")
        assert wrong.status_code == 400
        assert "Rubrique inconnue" in wrong.content.decode()

    def test_calendar_programs_polling_an_unchanged_feed_get_not_modified(self):
        published("Concert")
        first = self.client.get("/agenda.ics")
        etag = first["ETag"]
        again = self.client.get("/agenda.ics", headers={"if-none-match": etag})
        assert again.status_code == 304
        agenda_event_publish(
            actor=None, event=published("Nouveau", status=AgendaEvent.Status.PENDING)
        )
        changed = self.client.get("/agenda.ics", headers={"if-none-match": etag})
        assert changed.status_code == 200
        assert "Nouveau" in changed.content.decode()

    def test_one_event_can_be_added_to_a_calendar(self):
        event = published("Concert de l'harmonie")
        response = self.client.get(f"/agenda/{event.pk}.ics")
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert response["Content-Disposition"] == f'attachment; filename="evenement-{event.pk}.ics"'
        calendar = icalendar_check.parse(response.content)
        assert [e.text("SUMMARY") for e in calendar.children] == ["Concert de l'harmonie"]
