"""Pilot 2 cannot skip its opinions: the College is reached only once they
are given, the permit cites those given, and each e-mail says what happened."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from beffroi.cases.issuing import document_body
from beffroi.cases.opinions import opinion_give
from beffroi.cases.services import case_transition
from beffroi.cases.workflow import TransitionRefused
from beffroi.catalogue.models import Procedure
from beffroi.college.models import CollegeItem
from beffroi.college.services import college_agenda_add, college_decide, college_meeting_create
from beffroi.college.tests.test_college import EventRequestTestCase
from beffroi.demo.filing import file_sample_case
from beffroi.municipality.selectors import current_municipality


class OpinionGuardTests(EventRequestTestCase):
    def taken(self) -> Any:
        case = file_sample_case(
            procedure=Procedure.objects.get(slug="demande-de-manifestation"),
            applicant=self.citizen,
            overrides={"attendance": 800, "road_closure": False, "place_type": "private_outdoor"},
        )
        return case_transition(actor=self.events_agent, case=case, transition_id="take")

    def test_the_college_waits_for_opinions_to_be_asked_and_says_why(self) -> None:
        case = self.taken()
        with pytest.raises(TransitionRefused, match="demandez d'abord les avis"):
            case_transition(actor=self.events_agent, case=case, transition_id="to_college")
        self.client.force_login(self.events_agent)
        html = self.client.get(reverse("backoffice:case_detail", args=[case.reference]))
        text = html.content.decode()
        assert 'value="to_college"' not in text
        assert "Proposer au Collège communal</strong> — pas encore possible" in text

    def test_the_college_waits_for_every_opinion_asked(self) -> None:
        case = case_transition(
            actor=self.events_agent, case=self.taken(), transition_id="request_opinions"
        )
        opinion_give(
            actor=self.police_agent,
            opinion=case.opinions.get(service__code="police"),
            verdict="favourable",
            comment="",
        )
        with pytest.raises(TransitionRefused, match="ne sont pas encore rendus"):
            case_transition(actor=self.events_agent, case=case, transition_id="to_college")
        opinion_give(
            actor=self.fire_agent,
            opinion=case.opinions.get(service__code="zone-de-secours"),
            verdict="favourable",
            comment="",
        )
        case = case_transition(actor=self.events_agent, case=case, transition_id="to_college")
        assert case.status == "college"

    def test_the_permit_cites_only_the_opinions_given(self) -> None:
        case = self.ready_request()
        definition = case.spec.documents["permit"]
        body = document_body(
            case=case,
            definition=definition,
            municipality=current_municipality(),
            today=timezone.localdate(),
        )
        assert "Vu les avis rendus par Zone de police" in body
        assert "Zone de secours" in body
        for not_consulted in ("Travaux", "Environnement", "services communaux consultés"):
            assert not_consulted not in body


class EventEmailTests(EventRequestTestCase):
    def test_the_organiser_gets_an_email_for_what_really_happened_only(self) -> None:
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            case = self.ready_request()
        subjects = [m.subject for m in mail.outbox if m.to == [self.citizen.email]]
        assert not any("Décision du Collège" in subject for subject in subjects), subjects
        assert any("Transmise au Collège communal" in subject for subject in subjects), subjects
        with self.captureOnCommitCallbacks(execute=True):
            meeting = college_meeting_create(actor=self.admin, date=timezone.localdate())
            college_agenda_add(actor=self.admin, meeting=meeting, cases=[case])
            college_decide(
                actor=self.admin, item=CollegeItem.objects.get(case=case), decision="authorised"
            )
            case_transition(actor=self.make_events_head(), case=case, transition_id="sign")
        subjects = [m.subject for m in mail.outbox if m.to == [self.citizen.email]]
        # Received, sent to the College, agreed by the College, authorised.
        assert len(subjects) == 4, subjects
