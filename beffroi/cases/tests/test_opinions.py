"""Opinions of other services on an event request: asked in parallel,
given, reminded, seen side by side; each advisor sees only its own."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from beffroi.cases.models import Opinion
from beffroi.cases.opinions import opinion_give, opinions_overdue_remind
from beffroi.cases.services import case_transition
from beffroi.cases.workflow import TransitionRefused, transitions_available
from beffroi.catalogue.models import Procedure
from beffroi.demo.filing import file_sample_case
from beffroi.testing.personas import PersonaTestCase


class OpinionTests(PersonaTestCase):
    def event_request(self, **overrides: object) -> Any:
        case = file_sample_case(
            procedure=Procedure.objects.get(slug="demande-de-manifestation"),
            applicant=self.citizen,
            overrides={
                "road_closure": True,
                "music": "none",
                "parking_ban": False,
                "place_type": "private_outdoor",
                **overrides,
            },
        )
        case = case_transition(actor=self.events_agent, case=case, transition_id="take")
        return case_transition(actor=self.events_agent, case=case, transition_id="request_opinions")

    def test_opinions_are_asked_in_parallel_of_the_services_the_answers_call_for(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            case = self.event_request()
        asked = set(case.opinions.values_list("service__code", flat=True))
        assert asked == {"police", "zone-de-secours", "travaux"}  # roads: a street is closed
        assert all(o.due_date > timezone.localdate() for o in case.opinions.all())
        assert any("Demande d’avis" in m.subject for m in mail.outbox)

    def test_the_college_cannot_be_asked_before_every_opinion_is_given(self) -> None:
        case = self.event_request()
        ids = {t["id"] for t in transitions_available(case, self.events_agent)}
        assert "to_college" not in ids
        for agent in (self.police_agent, self.fire_agent, self.roads_agent):
            opinion = case.opinions.get(service__memberships__user=agent)
            opinion_give(
                actor=agent, opinion=opinion, verdict="favourable", comment="Rien à signaler."
            )
        ids = {t["id"] for t in transitions_available(case, self.events_agent)}
        assert "to_college" in ids

    def test_an_advisor_gives_a_conditional_opinion_with_its_conditions(self) -> None:
        case = self.event_request()
        opinion = case.opinions.get(service__code="police")
        with pytest.raises(TransitionRefused):
            opinion_give(
                actor=self.police_agent, opinion=opinion, verdict="with_conditions", comment=""
            )
        with pytest.raises(TransitionRefused):
            opinion_give(actor=self.fire_agent, opinion=opinion, verdict="favourable", comment="")
        given = opinion_give(
            actor=self.police_agent,
            opinion=opinion,
            verdict="with_conditions",
            comment="Prévoir des barrières.",
            conditions="Barrières Nadar aux deux accès de la rue.",
        )
        assert given.is_given
        assert given.conditions == "Barrières Nadar aux deux accès de la rue."

    def test_each_advisor_sees_only_the_requests_it_was_asked_about(self) -> None:
        case = self.event_request(road_closure=False)
        other = file_sample_case(
            procedure=Procedure.objects.get(slug="demande-de-manifestation"), applicant=self.citizen
        )
        opinion = case.opinions.get(service__code="police")
        self.client.force_login(self.police_agent)
        html = self.client.get(reverse("backoffice:opinion_inbox")).content.decode()
        assert case.reference in html
        assert other.reference not in html
        page = self.client.get(reverse("backoffice:opinion_detail", args=[opinion.pk]))
        assert page.status_code == 200
        assert (
            self.client.get(reverse("backoffice:case_detail", args=[case.reference])).status_code
            == 404
        )
        self.client.force_login(self.roads_agent)  # not asked this time
        assert (
            self.client.get(reverse("backoffice:opinion_detail", args=[opinion.pk])).status_code
            == 404
        )

    def test_the_advisor_does_not_see_notes_messages_or_other_opinions(self) -> None:
        case = self.event_request()
        self.client.force_login(self.events_agent)
        self.client.post(
            reverse("backoffice:case_note", args=[case.reference]),
            {"body": "Organisateur connu, fiable."},
        )
        fire = case.opinions.get(service__code="zone-de-secours")
        opinion_give(
            actor=self.fire_agent,
            opinion=fire,
            verdict="unfavourable",
            comment="Accès pompiers impossible.",
        )
        self.client.force_login(self.police_agent)
        html = self.client.get(
            reverse(
                "backoffice:opinion_detail", args=[case.opinions.get(service__code="police").pk]
            )
        ).content.decode()
        assert "Organisateur connu" not in html
        assert "Accès pompiers impossible" not in html

    def test_the_service_in_charge_sees_the_opinions_side_by_side(self) -> None:
        case = self.event_request()
        opinion_give(
            actor=self.police_agent,
            opinion=case.opinions.get(service__code="police"),
            verdict="with_conditions",
            comment="",
            conditions="Stewards aux carrefours.",
        )
        self.client.force_login(self.events_agent)
        html = self.client.get(
            reverse("backoffice:case_detail", args=[case.reference])
        ).content.decode()
        assert "Avis des services" in html
        assert "Stewards aux carrefours." in html
        assert "Zone de secours Wallonie picarde" in html
        assert "en attente" in html

    def test_the_form_gives_a_french_message_and_keeps_what_was_typed(self) -> None:
        case = self.event_request()
        opinion = case.opinions.get(service__code="police")
        self.client.force_login(self.police_agent)
        response = self.client.post(
            reverse("backoffice:opinion_detail", args=[opinion.pk]),
            {"verdict": "with_conditions", "comment": "Mon commentaire détaillé"},
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert "Indiquez les conditions" in html
        assert "Mon commentaire détaillé" in html

    def test_late_opinions_are_reminded_once_a_day(self) -> None:
        case = self.event_request()
        due = case.opinions.first().due_date
        later = timezone.make_aware(
            datetime.datetime.combine(due + datetime.timedelta(days=2), datetime.time(9))
        )
        with time_machine.travel(later, tick=False), self.captureOnCommitCallbacks(execute=True):
            assert opinions_overdue_remind() == 3
            assert opinions_overdue_remind() == 0
        assert any("Rappel : votre avis est attendu" in m.subject for m in mail.outbox)
        assert Opinion.objects.filter(reminded_at__isnull=False).count() == 3

    def test_more_services_can_be_asked_from_the_case_page(self) -> None:
        case = self.event_request(road_closure=False)
        self.client.force_login(self.events_agent)
        response = self.client.post(
            reverse("backoffice:opinion_request", args=[case.reference]),
            {"services": ["environnement"], "due_date": "2001-01-01"},
        )
        assert response.status_code == 400
        assert "ne peut pas être passée" in response.content.decode()
        due = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
        self.client.post(
            reverse("backoffice:opinion_request", args=[case.reference]),
            {"services": ["environnement"], "due_date": due, "question": "Nuisances sonores ?"},
        )
        assert case.opinions.filter(
            service__code="environnement", question="Nuisances sonores ?"
        ).exists()
