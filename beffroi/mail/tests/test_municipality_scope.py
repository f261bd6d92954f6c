"""Two municipalities on one installation: each sees only its own mail,
agenda, college, organisations and e-mails, and numbers its register alone."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from beffroi.agenda.models import AgendaEvent, DirectoryEntry, DirectoryImage
from beffroi.college.models import CollegeMeeting
from beffroi.core.tenancy import MunicipalityScopeMissing, municipality_scope
from beffroi.documents.services import file_store
from beffroi.mail.models import (
    Channel,
    Contact,
    DocumentType,
    MailFile,
    MailItem,
    MailNote,
    ReplyTemplate,
    RoutingClass,
    RoutingFeature,
)
from beffroi.mail.services import mail_register
from beffroi.mail.tests.helpers import MailTestCase, tiny_pdf
from beffroi.municipality.models import Membership, Municipality, MunicipalityHost, Service
from beffroi.notifications.models import DemoEmail, OutgoingEmail
from beffroi.organisations.models import Organisation, OrganisationMember

TOURNAI_HOST = "tournai.localhost"
ANTOING_HOST = "antoing.localhost"

# Any: each model declares its own managers, which type[Model] does not know.
MODELS: list[Any] = [
    Contact,
    DocumentType,
    ReplyTemplate,
    MailItem,
    MailFile,
    MailNote,
    RoutingClass,
    RoutingFeature,
    AgendaEvent,
    DirectoryEntry,
    DirectoryImage,
    CollegeMeeting,
    Organisation,
    OrganisationMember,
    DemoEmail,
    OutgoingEmail,
]


def _rows_of_a_municipality(label: str) -> dict[str, Any]:
    """One row of every model, in the municipality of the current scope."""
    item = mail_register(actor=None, channel=Channel.PAPER, subject=f"Courrier de {label}")
    stored = file_store(content=tiny_pdf(label))
    organisation = Organisation.objects.create(
        kind=Organisation.Kind.ASSOCIATION, name=f"Club de {label}", validated_at=timezone.now()
    )
    MailItem.objects.filter(pk=item.pk).update(organisation=organisation)
    entry = DirectoryEntry.objects.create(name=f"Boulangerie de {label}")
    starts = timezone.now() + datetime.timedelta(days=3)
    event = AgendaEvent.objects.create(
        title=f"Fête de {label}",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        status=AgendaEvent.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    Contact.objects.create(name=f"Contact de {label}")
    DocumentType.objects.create(code="type-commun", name="Type")
    ReplyTemplate.objects.create(code="modele-commun", name="Modèle", subject="Objet", body="…")
    MailFile.objects.create(item=item, stored=stored, filename="scan.pdf", role="original")
    MailNote.objects.create(item=item, text="Note")
    RoutingClass.objects.create(kind=RoutingClass.Kind.SERVICE, target_id=1)
    RoutingFeature.objects.create(kind=RoutingClass.Kind.SERVICE, target_id=1, feature="mot")
    DirectoryImage.objects.create(entry=entry, kind=DirectoryImage.Kind.LOGO, file=stored)
    CollegeMeeting.objects.create(date=timezone.localdate())
    OrganisationMember.objects.create(organisation=organisation, email=f"membre@{label}.example")
    DemoEmail.objects.create(
        from_email="a@example.org", to="b@example.org", subject="s", body_text="t"
    )
    OutgoingEmail.objects.create(
        to="b@example.org", subject="s", body_text="t", next_attempt_at=timezone.now()
    )
    return {"item": item, "organisation": organisation, "event": event}


@override_settings(ALLOWED_HOSTS=[TOURNAI_HOST, ANTOING_HOST, "testserver"])
class MunicipalityScopeTests(MailTestCase):
    tournai: Municipality
    antoing: Municipality
    of_tournai: dict[str, Any]
    of_antoing: dict[str, Any]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.tournai = Municipality.objects.get()
        with municipality_scope(cls.tournai.pk):
            cls.of_tournai = _rows_of_a_municipality("tournai")
        cls.antoing = Municipality.objects.create(name="Antoing", slug="antoing")
        MunicipalityHost.objects.create(municipality=cls.tournai, host=TOURNAI_HOST)
        MunicipalityHost.objects.create(municipality=cls.antoing, host=ANTOING_HOST)
        with municipality_scope(cls.antoing.pk):
            cls.of_antoing = _rows_of_a_municipality("antoing")

    def test_every_default_manager_returns_only_the_current_municipalitys_rows(self) -> None:
        for municipality in (self.tournai, self.antoing):
            with municipality_scope(municipality.pk):
                for model in MODELS:
                    seen = set(model.objects.values_list("municipality_id", flat=True))
                    assert seen == {municipality.pk}, (model.__name__, seen)
                    everyone = model.all_municipalities.values_list("municipality_id", flat=True)
                    assert {self.tournai.pk, self.antoing.pk} <= set(everyone), model.__name__

    def test_municipal_data_asked_outside_any_scope_fails_loudly(self) -> None:
        for model in MODELS:
            with pytest.raises(MunicipalityScopeMissing):
                list(model.objects.all())

    def test_each_municipality_numbers_its_register_from_one(self) -> None:
        tournai_item, antoing_item = self.of_tournai["item"], self.of_antoing["item"]
        assert tournai_item.number == antoing_item.number
        assert tournai_item.number.endswith("-000001")
        assert tournai_item.municipality_id == self.tournai.pk
        assert antoing_item.municipality_id == self.antoing.pk

    def test_codes_are_unique_per_municipality_only(self) -> None:
        codes = DocumentType.all_municipalities.filter(code="type-commun")
        assert sorted(codes.values_list("municipality_id", flat=True)) == sorted(
            [self.tournai.pk, self.antoing.pk]
        )

    def _log_clerk_in(self) -> None:
        """The clerk works at both communes' mail offices (a secretary shared by
        two small communes): each back-office shows only its own commune's."""
        with municipality_scope(self.antoing.pk):
            office = Service.objects.create(code="courrier", name="Courrier d'Antoing")
            Membership.objects.create(
                user=self.clerk, service=office, role=Membership.Role.MAIL_CLERK
            )
        # Logging in journals the login, which is a municipality's work.
        with municipality_scope(self.tournai.pk):
            self.client.force_login(self.clerk)

    def test_an_agent_of_one_municipality_only_is_refused_the_others_back_office(
        self,
    ) -> None:
        with municipality_scope(self.tournai.pk):
            self.client.force_login(self.clerk)
        assert self._get(ANTOING_HOST, "/backoffice/courrier/") == 403

    def _get(self, host: str, url: str) -> int:
        return self.client.get(url, HTTP_HOST=host).status_code

    def test_a_mail_item_of_one_municipality_is_not_found_on_the_others_back_office(self) -> None:
        self._log_clerk_in()
        url = self.of_tournai["item"].get_absolute_url()
        assert self._get(TOURNAI_HOST, url) == 200
        assert self._get(ANTOING_HOST, url) == 404

    def test_an_organisation_of_one_municipality_is_not_found_on_the_others_back_office(
        self,
    ) -> None:
        self._log_clerk_in()
        url = f"/backoffice/organisations/{self.of_tournai['organisation'].pk}/"
        assert self._get(TOURNAI_HOST, url) == 200
        assert self._get(ANTOING_HOST, url) == 404

    def test_an_agenda_event_of_one_municipality_is_not_found_on_the_others_site(self) -> None:
        url = self.of_tournai["event"].get_absolute_url()
        assert self._get(TOURNAI_HOST, url) == 200
        assert self._get(ANTOING_HOST, url) == 404
