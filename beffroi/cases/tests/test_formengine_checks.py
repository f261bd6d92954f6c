"""A page's checks compare two answers: a return before the departure, a
last day before the first, are refused with a French message next to the
field concerned, and the check page catches what a later change broke."""

from __future__ import annotations

import datetime
import functools
from typing import Any

from django.test import SimpleTestCase
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from beffroi.cases.formengine import PageForm, missing_answers
from beffroi.catalogue.definition import ProcedureDefinition
from beffroi.catalogue.loader import read_catalogue


@functools.cache
def shipped(slug: str) -> ProcedureDefinition:
    _, procedures = read_catalogue()
    return ProcedureDefinition(next(p for p in procedures if p.slug == slug).definition)


def day(offset: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=offset)).isoformat()


def sent(slug: str, page_id: str, data: dict[str, Any], answers: dict[str, Any]) -> PageForm:
    spec = shipped(slug)
    page = spec.page(page_id)
    assert page is not None
    form = PageForm(data, MultiValueDict(), spec=spec, page=page, answers=answers)
    form.is_valid()
    return form


TRIP = {"destination": "France", "accompanied_by": "group", "group_name": "Athénée royal"}


class ParentalAuthorisationTests(SimpleTestCase):
    slug = "autorisation-parentale-quitter-territoire"

    def test_a_return_before_the_departure_is_refused_next_to_the_return_date(self) -> None:
        form = sent(
            self.slug, "voyage", {**TRIP, "departure_date": day(20), "return_date": day(10)}, {}
        )
        assert form.errors == {
            "return_date": ["La date de retour ne peut pas être avant la date de départ."]
        }

    def test_a_return_on_the_day_of_departure_is_accepted(self) -> None:
        form = sent(
            self.slug, "voyage", {**TRIP, "departure_date": day(20), "return_date": day(20)}, {}
        )
        assert form.is_valid(), form.errors

    def test_a_missing_date_gets_its_own_message_not_the_checks(self) -> None:
        form = sent(self.slug, "voyage", {**TRIP, "return_date": day(10)}, {})
        assert form.errors == {"departure_date": ["Indiquez une date."]}


class EventRequestTests(SimpleTestCase):
    slug = "demande-de-manifestation"

    def dates(self, **days: int) -> dict[str, str]:
        base = {"event_start": 60, "event_end": 61, "setup_date": 59, "teardown_date": 62}
        return {key: day(offset) for key, offset in {**base, **days}.items()}

    def evenement(self, **days: int) -> PageForm:
        data = {
            "event_name": "Fête du quartier Saint-Piat",
            "event_type": "neighbourhood_party",
            "description": "Repas de quartier et concert.",
            "opening_hours": "de 12 h à 23 h",
            "setup_time": "8 h",
            "teardown_time": "23 h",
            **self.dates(**days),
        }
        return sent(self.slug, "evenement", data, {})

    def test_consistent_dates_are_accepted(self) -> None:
        form = self.evenement()
        assert form.is_valid(), form.errors

    def test_an_event_ending_before_it_starts_is_refused(self) -> None:
        form = self.evenement(event_end=50, teardown_date=62)
        assert form.errors["event_end"] == [
            "Le dernier jour ne peut pas être avant le premier jour de l'événement."
        ]

    def test_a_setup_after_the_first_day_and_a_teardown_before_the_last_are_refused(
        self,
    ) -> None:
        form = self.evenement(setup_date=61, teardown_date=60)
        assert set(form.errors) == {"setup_date", "teardown_date"}


class ChecksAtSendingTests(SimpleTestCase):
    def test_answers_a_check_refuses_are_listed_with_the_message(self) -> None:
        spec = shipped("demande-de-stage")
        answers = {"start_date": day(40), "end_date": day(30)}
        problems = [field for _page, field in missing_answers(spec, answers) if "problem" in field]
        assert [(field["id"], field["problem"]) for field in problems] == [
            ("end_date", "Le dernier jour du stage ne peut pas être avant le premier.")
        ]


class DefaultMessageTests(SimpleTestCase):
    def test_a_check_without_a_message_names_both_questions(self) -> None:
        spec = ProcedureDefinition(
            {
                "form": {
                    "pages": [
                        {
                            "id": "p",
                            "title": "P",
                            "fields": [
                                {"id": "low", "type": "number", "label": "Minimum"},
                                {"id": "high", "type": "number", "label": "Maximum"},
                            ],
                            "checks": [{"field": "high", "gt": "low"}],
                        }
                    ]
                }
            }
        )
        form = PageForm({"low": "5", "high": "5"}, spec=spec, page=spec.pages[0], answers={})
        assert form.errors == {"high": ["« Maximum » doit être plus grand que « Minimum »."]}
