"""Business pages: reviewed before they appear, and every change reviewed
again while the published version stays online."""

from __future__ import annotations

import pytest

from beffroi.agenda.models import DirectoryEntry
from beffroi.agenda.selectors import directory_entries_public
from beffroi.agenda.services import directory_entry_withdraw
from beffroi.agenda.tests.helpers import AgendaTestCase
from beffroi.audit.models import AuditEvent
from beffroi.cases.models import CaseEvent
from beffroi.cases.workflow import TransitionRefused


class NewPageTests(AgendaTestCase):
    def test_a_new_page_waits_for_review_and_is_not_public(self):
        case = self.file_business()
        entry = DirectoryEntry.objects.get()
        assert entry.status == DirectoryEntry.Status.PENDING
        assert entry.pending["name"] == "Boulangerie Lefebvre"
        assert entry.pending_case == case
        assert entry.name == ""  # nothing published yet
        assert not directory_entries_public().exists()

    def test_approval_publishes_the_page(self):
        self.approve(self.file_business())
        entry = DirectoryEntry.objects.get()
        assert entry.status == DirectoryEntry.Status.PUBLISHED
        assert entry.name == "Boulangerie Lefebvre"
        assert entry.phone == "+3269223344"
        assert entry.pending == {}
        assert entry.pending_case is None
        assert entry.enterprise_number == "0403170701"
        assert list(directory_entries_public(query="boulangerie")) == [entry]

    def test_a_refused_page_never_appears(self):
        self.reject(self.file_business())
        entry = DirectoryEntry.objects.get()
        assert entry.status == DirectoryEntry.Status.WITHDRAWN
        assert entry.pending == {}
        assert not directory_entries_public().exists()

    def test_a_second_creation_for_the_same_business_becomes_a_change(self):
        self.approve(self.file_business())
        case = self.file_business(description="Nouvelle présentation.")
        assert DirectoryEntry.objects.count() == 1
        entry = DirectoryEntry.objects.get()
        assert entry.pending_case == case
        assert entry.description.startswith("Pains au levain")

    def test_a_second_shop_of_the_same_enterprise_gets_its_own_page(self):
        self.approve(self.file_business())
        self.approve(self.file_business(business_name="Boulangerie Lefebvre — Kain"))
        assert DirectoryEntry.objects.filter(status=DirectoryEntry.Status.PUBLISHED).count() == 2
        change = self.file_change(
            business_name="boulangerie lefebvre - KAIN",
            changes=["hours"],
            opening_hours="Dimanche : 7 h – 12 h",
        )
        self.approve(change)
        kain = DirectoryEntry.objects.get(name="Boulangerie Lefebvre — Kain")
        assert kain.opening_hours == "Dimanche : 7 h – 12 h"
        other = DirectoryEntry.objects.get(name="Boulangerie Lefebvre")
        assert other.opening_hours.startswith("Lundi : fermé")


class ChangeTests(AgendaTestCase):
    def setUp(self):
        super().setUp()
        self.approve(self.file_business())
        self.entry = DirectoryEntry.objects.get()

    def test_a_change_keeps_the_published_version_until_approved(self):
        case = self.file_change(changes=["hours"], opening_hours="Tous les jours : 8 h – 19 h")
        self.entry.refresh_from_db()
        assert self.entry.opening_hours.startswith("Lundi : fermé")
        assert self.entry.pending == {"opening_hours": "Tous les jours : 8 h – 19 h"}
        assert self.entry.is_public
        self.approve(case)
        self.entry.refresh_from_db()
        assert self.entry.opening_hours == "Tous les jours : 8 h – 19 h"
        assert self.entry.pending == {}
        assert self.entry.description.startswith("Pains au levain")  # untouched

    def test_a_refused_change_leaves_the_published_page_as_it_was(self):
        case = self.file_change(changes=["description"], description="Texte refusé.")
        self.reject(case)
        self.entry.refresh_from_db()
        assert self.entry.is_public
        assert self.entry.description.startswith("Pains au levain")
        assert self.entry.pending == {}

    def test_an_optional_contact_left_empty_is_removed(self):
        case = self.file_change(
            changes=["contact"],
            business_phone="+3269556677",
            business_email="",
            business_website="",
        )
        self.approve(case)
        self.entry.refresh_from_db()
        assert self.entry.phone == "+3269556677"
        assert self.entry.email == ""
        assert self.entry.website == ""

    def test_a_closing_business_is_withdrawn_when_approved(self):
        case = self.file_change(changes=["closure"], closure_date="2030-01-31")
        self.entry.refresh_from_db()
        assert self.entry.is_public  # still online until the review
        self.approve(case)
        self.entry.refresh_from_db()
        assert self.entry.status == DirectoryEntry.Status.WITHDRAWN
        assert not directory_entries_public().exists()

    def test_an_older_change_cannot_be_published_over_a_newer_one(self):
        first = self.file_change(changes=["description"], description="Première version.")
        second = self.file_change(changes=["description"], description="Seconde version.")
        with self.assertRaisesMessage(TransitionRefused, "Rien n'attend d'être publié"):
            self.approve(first)
        assert CaseEvent.objects.filter(case=first, text__contains=second.reference).exists()
        self.reject(first)  # nothing of it is pending: the newer change stays
        self.entry.refresh_from_db()
        assert self.entry.pending_case == second
        self.approve(second)
        self.entry.refresh_from_db()
        assert self.entry.description == "Seconde version."

    def test_a_change_for_an_unknown_business_cannot_be_published(self):
        case = self.file_change(
            enterprise_number="0412345614", changes=["description"], description="?"
        )
        assert CaseEvent.objects.filter(case=case, text__startswith="Aucune page").exists()
        with self.assertRaisesMessage(TransitionRefused, "Rien n'attend"):
            self.approve(case)
        self.entry.refresh_from_db()
        assert self.entry.pending == {}

    def test_a_change_from_someone_else_is_flagged_for_the_agent(self):
        case = self.file_change(
            applicant=self.other_citizen, changes=["description"], description="Pirate."
        )
        note = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.NOTE)
        assert "ne vient pas du compte" in note.text
        assert not note.visible_to_citizen

    def test_a_withdrawn_page_leaves_the_directory_and_drops_its_pending_change(self):
        case = self.file_change(changes=["description"], description="Nouveau.")
        directory_entry_withdraw(actor=self.economy_agent, entry=self.entry)
        assert not directory_entries_public().exists()
        with pytest.raises(TransitionRefused):
            self.approve(case)

    def test_every_step_is_journaled_with_ids_only(self):
        self.approve(self.file_change(changes=["hours"], opening_hours="Fermé le lundi"))
        rows = AuditEvent.objects.filter(
            object_type="agenda.directoryentry", object_id=str(self.entry.pk)
        ).order_by("id")
        assert list(rows.values_list("action", flat=True)) == [
            "directory_entry.proposed",
            "directory_entry.approved",
            "directory_entry.change_proposed",
            "directory_entry.approved",
        ]
        for row in rows:
            assert "Lefebvre" not in str(row.data)
            assert "Fermé" not in str(row.data)
