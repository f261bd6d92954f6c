"""A small procedure that exercises every part of the engine, for tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.test import TestCase
from django.urls import reverse

from beffroi.accounts.models import User
from beffroi.cases.models import Case, Draft
from beffroi.cases.services import case_submit, draft_start
from beffroi.catalogue.loader import SHIPPED_DIR, load_yaml, parse_categories, parse_procedure
from beffroi.catalogue.models import Category, Procedure
from beffroi.catalogue.services import procedure_import
from beffroi.testing.personas import create_world

TEST_PROCEDURE = (
    Path(__file__).resolve().parent.parent / "cases" / "tests" / "data" / "demande-test.yaml"
)


def install_test_procedure(path: Path = TEST_PROCEDURE) -> Procedure:
    for category in parse_categories(load_yaml(SHIPPED_DIR / "categories.yaml")):
        Category.objects.get_or_create(
            slug=category.slug,
            defaults={
                "name": category.name,
                "description": category.description,
                "position": category.position,
            },
        )
    return procedure_import(actor=None, data=parse_procedure(load_yaml(path), path.name))


# The test procedure's identity page, as the citizen types it.
IDENTITY = {
    "first_name": "Marie",
    "last_name": "Dubois",
    "birth_date": "1985-07-30",
    "email": "marie@example.org",
    "national_number": "",
}

ANSWERS = {
    "first_name": "Marie",
    "last_name": "Dubois",
    "birth_date": "1985-07-30",
    "email": "marie@example.org",
    "link": "self",
    "copies": "1",
    "delivery": "pdf",
}


def file_test_case(*, applicant: Any = None, **answers: Any) -> Case:
    """A submitted case of the test procedure, filed through the services."""
    procedure = Procedure.objects.get(slug="demande-test")
    draft = draft_start(actor=applicant, procedure=procedure)
    draft.answers = {**ANSWERS, **answers}
    draft.save(update_fields=["answers"])
    return case_submit(actor=applicant, draft=draft)


class FilingTestCase(TestCase):
    """The personas, and the test procedure installed."""

    citizen: User
    other_citizen: User
    agent: User
    other_agent: User
    supervisor: User
    admin: User
    events_agent: User
    police_agent: User
    fire_agent: User
    roads_agent: User
    procedure: Procedure

    @classmethod
    def setUpTestData(cls) -> None:
        for name, user in create_world(catalogue=False).items():
            setattr(cls, name, user)
        cls.procedure = install_test_procedure()

    def start(self) -> Draft:
        """Start a draft of the test procedure on the portal, as ``self.client``."""
        response = self.client.post(reverse("portal:start", args=["demande-test"]))
        assert response.status_code == 302
        return Draft.objects.latest("created_at")

    def page_url(self, draft: Draft, page: str) -> str:
        return reverse("portal:draft_page", args=[draft.pk, page])

    def fill(self, draft: Draft, *, link: str = "self") -> None:
        """Answer the test procedure's identity and request pages, as ``self.client``."""
        self.client.post(self.page_url(draft, "identite"), IDENTITY)
        self.client.post(
            self.page_url(draft, "demande"), {"link": link, "copies": "1", "delivery": "pdf"}
        )
