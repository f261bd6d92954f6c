"""The College: agendas gathered from the requests ready, decisions recorded,
the permit generated with the conditions of the opinions and the College."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from pdfminer.high_level import extract_text

from beffroi.cases.opinions import opinion_give
from beffroi.cases.services import case_transition
from beffroi.cases.workflow import transitions_available
from beffroi.catalogue.models import Procedure
from beffroi.college.models import CollegeItem
from beffroi.college.services import (
    CollegeRefused,
    cases_ready_for_college,
    college_agenda_add,
    college_decide,
    college_meeting_close,
    college_meeting_create,
)
from beffroi.demo.filing import file_sample_case
from beffroi.documents.models import IssuedDocument
from beffroi.documents.services import file_read
from beffroi.testing.personas import PersonaTestCase


class EventRequestTestCase(PersonaTestCase):
    def ready_request(self, name: str = "Fête du quartier Saint-Piat", **extra: Any) -> Any:
        case = file_sample_case(
            procedure=Procedure.objects.get(slug="demande-de-manifestation"),
            applicant=self.citizen,
            overrides={
                **extra,
                "event_name": name,
                "road_closure": False,
                "place_type": "private_outdoor",
                "music": "none",
                "parking_ban": False,
            },
        )
        case = case_transition(actor=self.events_agent, case=case, transition_id="take")
        case = case_transition(actor=self.events_agent, case=case, transition_id="request_opinions")
        opinion_give(
            actor=self.police_agent,
            opinion=case.opinions.get(service__code="police"),
            verdict="with_conditions",
            comment="",
            conditions="Deux stewards à l’entrée.",
        )
        opinion_give(
            actor=self.fire_agent,
            opinion=case.opinions.get(service__code="zone-de-secours"),
            verdict="favourable",
            comment="",
        )
        return case_transition(actor=self.events_agent, case=case, transition_id="to_college")

    def make_events_head(self) -> Any:
        from beffroi.accounts.models import User
        from beffroi.testing.personas import make_user

        email = "chef.evenements@tournai.example"
        return User.objects.filter(email=email).first() or make_user(
            email, services=(("evenements", "head"),)
        )


class CollegeTests(EventRequestTestCase):
    def test_only_the_secretariat_prepares_meetings(self) -> None:
        with pytest.raises(CollegeRefused):
            college_meeting_create(actor=self.events_agent, date=timezone.localdate())
        self.client.force_login(self.events_agent)
        assert self.client.get(reverse("backoffice:college_meetings")).status_code == 403

    def test_an_agent_cannot_record_the_colleges_decision_from_the_case(self) -> None:
        case = self.ready_request()
        ids = {t["id"] for t in transitions_available(case, self.events_agent)}
        assert "college_authorises" not in ids

    def test_requests_ready_are_gathered_then_decided_and_the_permit_carries_the_conditions(
        self,
    ) -> None:
        case = self.ready_request()
        waiting = self.ready_request("Brocante de la rue Royale")
        assert set(cases_ready_for_college()) == {case, waiting}
        meeting = college_meeting_create(actor=self.admin, date=timezone.localdate())
        assert college_agenda_add(actor=self.admin, meeting=meeting, cases=[case, waiting]) == 2
        assert college_agenda_add(actor=self.admin, meeting=meeting, cases=[case]) == 0  # once only
        assert list(cases_ready_for_college()) == []
        item = CollegeItem.objects.get(case=case)
        with pytest.raises(CollegeRefused, match="conditions"):
            college_decide(actor=self.admin, item=item, decision="authorised_with_conditions")
        college_decide(
            actor=self.admin,
            item=item,
            decision="authorised_with_conditions",
            conditions="Fin de la musique à 23 h.",
        )
        case.refresh_from_db()
        assert case.status == "signing"
        with pytest.raises(CollegeRefused):
            college_meeting_close(actor=self.admin, meeting=meeting)
        college_decide(
            actor=self.admin,
            item=CollegeItem.objects.get(case=waiting),
            decision="refused",
            conditions="Date déjà prise.",
        )
        waiting.refresh_from_db()
        assert waiting.status == "refused"
        college_meeting_close(actor=self.admin, meeting=meeting)

        head = self.make_events_head()
        case = case_transition(actor=head, case=case, transition_id="sign")
        assert case.status == "authorised"
        permit = IssuedDocument.objects.get(case=case)
        text = " ".join(extract_text(io.BytesIO(file_read(permit.file))).split())
        assert "Deux stewards" in text
        assert "Fin de la musique à 23 h." in text
        assert "autorisé sous conditions" in text

    def test_the_meeting_page_records_decisions_with_french_messages(self) -> None:
        case = self.ready_request()
        self.client.force_login(self.admin)
        response = self.client.post(reverse("backoffice:college_meetings"), {"date": "hier"})
        assert response.status_code == 400
        assert "Indiquez une date réelle" in response.content.decode()
        response = self.client.post(
            reverse("backoffice:college_meetings"), {"date": timezone.localdate().isoformat()}
        )
        meeting_url = response["Location"]
        html = self.client.get(meeting_url).content.decode()
        assert case.reference in html
        meeting_id = int(meeting_url.rstrip("/").split("/")[-1])
        self.client.post(
            reverse("backoffice:college_agenda", args=[meeting_id]), {"cases": [case.reference]}
        )
        item = CollegeItem.objects.get(case=case)
        url = reverse("backoffice:college_decide", args=[meeting_id, item.pk])
        response = self.client.post(
            url, {f"item{item.pk}-decision": "refused", f"item{item.pk}-conditions": ""}
        )
        assert response.status_code == 400
        assert "motifs du refus" in response.content.decode()
        self.client.post(
            url, {f"item{item.pk}-decision": "authorised", f"item{item.pk}-conditions": ""}
        )
        case.refresh_from_db()
        assert case.status == "signing"


class AgendaAnnouncementTests(EventRequestTestCase):
    def authorise(self, case: Any) -> Any:
        meeting = college_meeting_create(actor=self.admin, date=timezone.localdate())
        college_agenda_add(actor=self.admin, meeting=meeting, cases=[case])
        college_decide(
            actor=self.admin, item=CollegeItem.objects.get(case=case), decision="authorised"
        )
        return case_transition(actor=self.make_events_head(), case=case, transition_id="sign")

    def test_an_authorised_event_is_announced_only_if_the_organiser_agreed(self) -> None:
        from beffroi.agenda.models import AgendaEvent

        quiet = self.authorise(self.ready_request("Repas privé", publish_in_agenda=False))
        assert quiet.status == "authorised"
        assert not AgendaEvent.objects.exists()
        public = self.authorise(
            self.ready_request(
                "Fête de la Saint-Piat", publish_in_agenda=True, publish_organiser_name=False
            )
        )
        event = AgendaEvent.objects.get()
        assert event.source_case == public
        assert event.status == AgendaEvent.Status.PUBLISHED
        assert event.title == "Fête de la Saint-Piat"
        assert event.public_organiser_name == ""
