"""Treatment by the services: assignment, statuses, notes, links, reminders, inboxes."""

from __future__ import annotations

import datetime

import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from beffroi.audit.models import AccessLog
from beffroi.cases.models import Case
from beffroi.catalogue.models import Procedure
from beffroi.mail.models import Channel, Status
from beffroi.mail.selectors import mail_items_for_inbox
from beffroi.mail.services import (
    MailError,
    StaleMailItem,
    mail_assign,
    mail_item_viewed,
    mail_link_case,
    mail_link_citizen,
    mail_note_add,
    mail_register,
    mail_reminders_send,
    mail_route,
    mail_status_set,
)
from beffroi.mail.tests.helpers import MailTestCase
from beffroi.municipality.selectors import forget_seats


class TreatmentTests(MailTestCase):
    def routed(self, subject: str = "Composition de ménage", **values):
        item = mail_register(actor=self.clerk, channel=Channel.PAPER, subject=subject, **values)
        return mail_route(actor=self.clerk, item=item, service=self.service("population"))

    def test_an_agent_of_the_service_is_assigned_and_treatment_starts(self) -> None:
        item = mail_assign(
            actor=self.supervisor, item=self.routed(), agent=self.agent, expected_version=None
        )
        assert item.assigned_to == self.agent
        assert item.status == Status.IN_TREATMENT

    def test_only_an_agent_of_the_treating_service_can_be_assigned(self) -> None:
        with self.assertRaisesMessage(MailError, "ne fait pas partie du service traitant"):
            mail_assign(
                actor=self.supervisor,
                item=self.routed(),
                agent=self.other_agent,
                expected_version=None,
            )

    def test_statuses_follow_the_treatment_and_closing_is_dated(self) -> None:
        item = self.routed()
        item = mail_status_set(
            actor=self.agent, item=item, status=Status.CLOSED, expected_version=item.lock_version
        )
        assert item.closed_at is not None
        item = mail_status_set(
            actor=self.agent,
            item=item,
            status=Status.IN_TREATMENT,
            expected_version=item.lock_version,
        )
        assert item.closed_at is None
        with self.assertRaisesMessage(MailError, "ne peut pas être choisi"):
            mail_status_set(actor=self.agent, item=item, status=Status.DRAFT, expected_version=None)

    def test_an_outdated_form_is_refused_with_an_explanation(self) -> None:
        item = self.routed()
        old = item.lock_version
        mail_assign(actor=self.supervisor, item=item, agent=self.agent, expected_version=old)
        with self.assertRaisesMessage(StaleMailItem, "modifié par quelqu’un d’autre"):
            mail_status_set(actor=self.agent, item=item, status=Status.CLOSED, expected_version=old)

    def test_notes_are_kept_in_order_and_an_empty_note_is_refused(self) -> None:
        item = self.routed()
        mail_note_add(actor=self.agent, item=item, text="Appeler Mme Dubois")
        mail_note_add(actor=self.supervisor, item=item, text="Fait le 3/3")
        assert [note.text for note in item.notes.all()] == ["Appeler Mme Dubois", "Fait le 3/3"]
        with self.assertRaisesMessage(MailError, "La note est vide."):
            mail_note_add(actor=self.agent, item=item, text="   ")

    def test_an_item_links_to_a_case_and_its_citizen_and_views_are_logged(self) -> None:
        procedure = Procedure.objects.filter(service__code="population").first()
        assert procedure is not None
        version = procedure.versions.first()
        assert version is not None
        now = timezone.now()
        case = Case.objects.create(
            reference="2026-000123",
            tracking_code="CNPHNTFB",
            procedure=procedure,
            version=version,
            service=procedure.service,
            status="submitted",
            applicant=self.citizen,
            submitted_at=now,
            status_changed_at=now,
        )
        item = mail_link_case(actor=self.agent, item=self.routed(), case=case)
        assert item.case == case
        assert item.citizen == self.citizen
        mail_item_viewed(actor=self.agent, item=item)
        log = AccessLog.objects.get()
        assert (log.actor_id, log.subject_id, log.action) == (
            self.agent.pk,
            self.citizen.pk,
            "mail.viewed",
        )
        item = mail_link_citizen(actor=self.agent, item=item, citizen=None)
        assert item.citizen is None

    def test_linking_a_citizen_teaches_the_contacts_directory(self) -> None:
        from beffroi.mail.services import contact_find_or_create

        contact = contact_find_or_create(
            actor=self.clerk, name="Omar Haddad", email="omar@example.org"
        )
        item = mail_link_citizen(
            actor=self.agent, item=self.routed(sender=contact), citizen=self.other_citizen
        )
        contact.refresh_from_db()
        assert contact.user == self.other_citizen
        assert item.citizen == self.other_citizen


class InboxTests(MailTestCase):
    def test_the_inbox_holds_open_items_of_my_services_due_first(self) -> None:
        received = timezone.localdate() - datetime.timedelta(days=3)
        late = mail_register(
            actor=self.clerk, channel=Channel.PAPER, subject="Tardif", received_on=received
        )
        late = mail_route(
            actor=self.clerk,
            item=late,
            service=self.service("population"),
            document_type=self.document_type("invitation"),
        )
        later = mail_register(actor=self.clerk, channel=Channel.PAPER, subject="Plus tard")
        later = mail_route(
            actor=self.clerk,
            item=later,
            service=self.service("population"),
            document_type=self.document_type("facture"),
        )
        undated = mail_register(actor=self.clerk, channel=Channel.PAPER, subject="Sans type")
        undated = mail_route(actor=self.clerk, item=undated, service=self.service("population"))
        closed = mail_register(actor=self.clerk, channel=Channel.PAPER, subject="Clos")
        closed = mail_route(actor=self.clerk, item=closed, service=self.service("population"))
        mail_status_set(actor=self.agent, item=closed, status=Status.CLOSED, expected_version=None)
        elsewhere = mail_register(actor=self.clerk, channel=Channel.PAPER, subject="Ailleurs")
        elsewhere = mail_route(actor=self.clerk, item=elsewhere, service=self.service("etat-civil"))
        mail_register(actor=self.clerk, channel=Channel.PAPER, subject="À ventiler")

        population = self.service("population")
        forget_seats(self.agent)  # as at the start of a request
        with self.assertNumQueries(2):  # the user's services, then the items
            items = list(mail_items_for_inbox(self.agent))
            assert [item.title for item in items] == ["Tardif", "Plus tard", "Sans type"]
            assert [item.treating_service for item in items] == [population] * 3
        assert items[0].deadline == late.due_on
        assert items[0].reference == late.number
        assert items[0].get_absolute_url() == f"/backoffice/courrier/{late.pk}/"
        assert [item.title for item in mail_items_for_inbox(self.other_agent)] == ["Ailleurs"]
        assert [item.title for item in mail_items_for_inbox(self.clerk)] == ["À ventiler"]
        assert list(mail_items_for_inbox(self.agent, assigned_to_me=True)) == []
        mail_assign(actor=self.supervisor, item=undated, agent=self.agent, expected_version=None)
        assert [item.title for item in mail_items_for_inbox(self.agent, assigned_to_me=True)] == [
            "Sans type"
        ]
        service_ids = [self.service("etat-civil").pk]
        assert list(mail_items_for_inbox(self.agent, service_ids=service_ids)) == []

    def routed_to_population(self, subject: str, days_ago: int) -> None:
        received = timezone.localdate() - datetime.timedelta(days=days_ago)
        item = mail_register(
            actor=self.clerk, channel=Channel.PAPER, subject=subject, received_on=received
        )
        mail_route(
            actor=self.clerk,
            item=item,
            service=self.service("population"),
            document_type=self.document_type("invitation"),
        )

    def test_the_service_inbox_page_lists_and_counts_its_mail(self) -> None:
        url = reverse("backoffice:service_inbox", args=["population"])
        self.client.force_login(self.agent)
        self.client.get(url)  # warm the per-request caches
        with self.assertNumQueries(10):  # no mail: one query tells
            html = self.client.get(url).content.decode()
        assert "courrier à traiter" not in html
        self.routed_to_population("Tardif", 20)
        self.routed_to_population("Récent", 0)
        with self.assertNumQueries(11):  # their ids and total, then the items
            html = self.client.get(url).content.decode()
        assert "2 courriers à traiter" in html
        assert html.index("Tardif") < html.index("Récent")
        for number in range(3):
            self.routed_to_population(f"Encore {number}", 1)
        with self.assertNumQueries(11):
            html = self.client.get(url).content.decode()
        assert "5 courriers à traiter" in html
        assert html.index("Tardif") < html.index("Encore 0") < html.index("Récent")


class ReminderTests(MailTestCase):
    def test_agents_are_reminded_once_a_day_of_items_due_soon_or_late(self) -> None:
        with time_machine.travel("2026-03-02 09:00 +01:00", tick=False):
            item = mail_register(
                actor=self.clerk, channel=Channel.PAPER, subject="Réclamation voirie"
            )
            item = mail_route(
                actor=self.clerk,
                item=item,
                service=self.service("population"),
                document_type=self.document_type("invitation"),
            )
            mail_assign(actor=self.supervisor, item=item, agent=self.agent, expected_version=None)
            assert item.due_on == datetime.date(2026, 3, 9)
            assert mail_reminders_send() == 0
        with (
            time_machine.travel("2026-03-05 09:00 +01:00", tick=False),
            self.captureOnCommitCallbacks(execute=True),
        ):
            assert mail_reminders_send() == 1
            assert mail_reminders_send() == 0  # once a day
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == [self.agent.email]
        assert item.number in mail.outbox[0].body
        assert "9 mars 2026" in mail.outbox[0].body
        with (
            time_machine.travel("2026-03-10 09:00 +01:00", tick=False),
            self.captureOnCommitCallbacks(execute=True),
        ):
            assert mail_reminders_send() == 1
        assert "en retard depuis le 9 mars 2026" in mail.outbox[-1].body


class LinkedMailTests(MailTestCase):
    def test_mail_about_a_citizen_or_an_organisation_is_found_within_what_the_agent_may_see(
        self,
    ) -> None:
        from beffroi.mail.selectors import mail_items_linked_to
        from beffroi.mail.services import contact_find_or_create, mail_link_organisation
        from beffroi.organisations.services import organisation_register

        club = organisation_register(
            actor=None,
            kind="association",
            values={"name": "Royal Cyclo Club", "enterprise_number": "0207373429"},
            members=[],
        )
        marie = contact_find_or_create(
            actor=self.clerk, name="Marie Dubois", email=self.citizen.email, user=self.citizen
        )
        from_marie = mail_route(
            actor=self.clerk,
            item=mail_register(
                actor=self.clerk, channel=Channel.EMAIL, subject="Ma rue", sender=marie
            ),
            service=self.service("population"),
        )
        about_club = mail_route(
            actor=self.clerk,
            item=mail_register(actor=self.clerk, channel=Channel.PAPER, subject="Course cycliste"),
            service=self.service("evenements"),
        )
        about_club = mail_link_organisation(actor=self.clerk, item=about_club, organisation=club)
        assert list(mail_items_linked_to(self.agent, citizen=self.citizen)) == [from_marie]
        assert list(mail_items_linked_to(self.other_agent, citizen=self.citizen)) == []
        assert list(mail_items_linked_to(self.clerk, organisation=club)) == [about_club]
        assert list(mail_items_linked_to(self.agent, organisation=club)) == []
        assert list(mail_items_linked_to(self.agent)) == []

    def test_an_agent_links_an_item_to_an_organisation_by_its_enterprise_number(self) -> None:
        from beffroi.organisations.services import organisation_register

        club = organisation_register(
            actor=None,
            kind="association",
            values={"name": "Royal Cyclo Club", "enterprise_number": "0207373429"},
            members=[],
        )
        item = mail_route(
            actor=self.clerk,
            item=mail_register(actor=self.clerk, channel=Channel.PAPER, subject="Course"),
            service=self.service("population"),
        )
        self.client.force_login(self.agent)
        url = f"/backoffice/courrier/{item.pk}/lier-organisation/"
        html = self.client.post(
            url, {"organisation-enterprise_number": "0123.456.789"}
        ).content.decode()
        assert "n&#x27;est pas valide" in html or "n'est pas valide" in html
        assert 'value="0123.456.789"' in html
        response = self.client.post(url, {"organisation-enterprise_number": "0207.373.429"})
        assert response.status_code == 302
        item.refresh_from_db()
        assert item.organisation == club
