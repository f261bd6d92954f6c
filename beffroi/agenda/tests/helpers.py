"""The agenda's and the directory's tests: personas, the services that review
their requests, and requests filed with realistic answers."""

from __future__ import annotations

import datetime
from typing import Any

from django.test import TestCase
from django.utils import timezone

from beffroi.accounts.models import User
from beffroi.cases.models import Case
from beffroi.cases.services import case_transition
from beffroi.catalogue.models import Procedure
from beffroi.demo.filing import file_sample_case
from beffroi.testing.personas import create_world, make_user

VENUE = {
    "street": "Boulevard des Frères Rimbaut",
    "number": "2",
    "box": "",
    "postcode": "7500",
    "city": "Tournai",
    "country": "BE",
}
SHOP = {
    "street": "Rue Royale",
    "number": "25",
    "box": "",
    "postcode": "7500",
    "city": "Tournai",
    "country": "BE",
}


def in_days(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def event_answers(**overrides: Any) -> dict[str, Any]:
    return {
        "applicant_first_name": "Marie",
        "applicant_last_name": "Dubois",
        "applicant_email": "marie@example.org",
        "organiser_name": "Harmonie royale de Kain",
        "event_title": "Concert de printemps de l'harmonie",
        "event_category": "music",
        "description": "Musiques de films et grands classiques, par 40 musiciens.",
        "start_date": in_days(10),
        "end_date": "",
        "hours": "de 20 h à 23 h",
        "venue_name": "Maison de la Culture",
        "venue_address": VENUE,
        "wheelchair_access": "yes",
        "price_type": "paid",
        "price": "10 €, gratuit pour les moins de 12 ans",
        "info_url": "www.harmonie-kain.be",
        "public_contact": "+32 69 00 00 00",
        "publication_consent": ["accepted"],
        **overrides,
    }


def business_answers(**overrides: Any) -> dict[str, Any]:
    return {
        "applicant_first_name": "Marie",
        "applicant_last_name": "Dubois",
        "applicant_email": "marie@example.org",
        "business_name": "Boulangerie Lefebvre",
        "enterprise_number": "0403170701",
        "business_category": "food",
        "business_address": SHOP,
        "business_phone": "+3269223344",
        "business_email": "contact@boulangerie-lefebvre.be",
        "business_website": "https://www.boulangerie-lefebvre.be",
        "description": "Pains au levain, viennoiseries et pâtisseries, faits maison.",
        "opening_hours": "Lundi : fermé\nMardi à samedi : 7 h – 18 h",
        "publication_consent": ["accepted"],
        **overrides,
    }


def file_case(
    slug: str,
    *,
    applicant: Any = None,
    uploads: dict[str, list[tuple[bytes, str, str]]] | None = None,
    **answers: Any,
) -> Case:
    return file_sample_case(
        procedure=Procedure.objects.get(slug=slug),
        applicant=applicant,
        overrides=answers,
        uploads=uploads,
    )


class AgendaTestCase(TestCase):
    """The personas, plus agents of Communication (agenda) and Développement
    économique (directory)."""

    citizen: User
    other_citizen: User
    agent: User
    communication_agent: User
    economy_agent: User

    @classmethod
    def setUpTestData(cls) -> None:
        for name, user in create_world().items():
            setattr(cls, name, user)
        cls.communication_agent = make_user(
            "lea@tournai.example",
            first_name="Léa",
            last_name="Martin",
            services=(("communication", "agent"),),
        )
        cls.economy_agent = make_user(
            "hugo.commerce@tournai.example",
            first_name="Hugo",
            last_name="Desmet",
            services=(("developpement-economique", "agent"),),
        )

    def file_event(self, **answers: Any) -> Case:
        return file_case("creer-evenement", **event_answers(**answers))

    def file_business(
        self,
        *,
        applicant: Any = None,
        uploads: dict[str, list[tuple[bytes, str, str]]] | None = None,
        **answers: Any,
    ) -> Case:
        return file_case(
            "page-commerce",
            applicant=applicant or self.citizen,
            uploads=uploads,
            **business_answers(**answers),
        )

    def file_change(
        self,
        *,
        applicant: Any = None,
        uploads: dict[str, list[tuple[bytes, str, str]]] | None = None,
        **answers: Any,
    ) -> Case:
        values = {
            "applicant_first_name": "Marie",
            "applicant_last_name": "Dubois",
            "applicant_email": "marie@example.org",
            "business_name": "Boulangerie Lefebvre",
            "enterprise_number": "0403170701",
            **answers,
        }
        return file_case(
            "gerer-page-commerce", applicant=applicant or self.citizen, uploads=uploads, **values
        )

    def approve(self, case: Case, agent: User | None = None) -> Case:
        agent = agent or (
            self.communication_agent
            if case.procedure.slug == "creer-evenement"
            else self.economy_agent
        )
        return case_transition(actor=agent, case=case, transition_id="approve")

    def reject(self, case: Case, agent: User | None = None) -> Case:
        agent = agent or (
            self.communication_agent
            if case.procedure.slug == "creer-evenement"
            else self.economy_agent
        )
        return case_transition(
            actor=agent, case=case, transition_id="reject", comment="Hors de Tournai."
        )
