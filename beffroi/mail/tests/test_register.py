"""Registering items: numbers without gaps or duplicates, immutable originals."""

from __future__ import annotations

import datetime
import hashlib

import time_machine
from django.db import transaction
from django.utils import timezone

from beffroi.audit.models import AuditEvent
from beffroi.mail.models import Channel, Contact, Direction, MailFile, MailItem, OcrStatus, Status
from beffroi.mail.services import (
    IncomingFile,
    MailError,
    contact_find_or_create,
    mail_register,
    mail_register_batch,
)
from beffroi.mail.tests.helpers import MailTestCase, tiny_pdf


class RegisterNumberTests(MailTestCase):
    def test_incoming_and_outgoing_registers_are_numbered_separately_per_year(self) -> None:
        year = timezone.localdate().year
        first = mail_register(actor=self.clerk, channel=Channel.PAPER, subject="Lettre A")
        second = mail_register(actor=self.clerk, channel=Channel.PHONE, subject="Appel B")
        outgoing = mail_register(
            actor=self.clerk, channel=Channel.PAPER, subject="Envoi", direction=Direction.OUTGOING
        )
        assert first.number == f"E-{year}-000001"
        assert second.number == f"E-{year}-000002"
        assert outgoing.number == f"S-{year}-000001"
        assert outgoing.status == Status.DRAFT

    def test_a_new_year_starts_again_at_one(self) -> None:
        with time_machine.travel("2031-12-31 15:00 +01:00", tick=False):
            last = mail_register(actor=self.clerk, channel=Channel.PAPER, subject="Fin d'année")
        with time_machine.travel("2032-01-02 09:00 +01:00", tick=False):
            first = mail_register(actor=self.clerk, channel=Channel.PAPER, subject="Nouvel an")
        assert last.number == "E-2031-000001"
        assert first.number == "E-2032-000001"
        assert first.year == 2032

    def test_a_registration_rolled_back_gives_its_number_back(self) -> None:
        mail_register(actor=self.clerk, channel=Channel.PAPER, subject="Premier")
        try:
            with transaction.atomic():
                mail_register(actor=self.clerk, channel=Channel.PAPER, subject="Annulé")
                raise RuntimeError("the clerk's transaction fails")
        except RuntimeError:
            pass
        third = mail_register(actor=self.clerk, channel=Channel.PAPER, subject="Deuxième")
        sequences = list(MailItem.objects.order_by("sequence").values_list("sequence", flat=True))
        assert sequences == [1, 2]
        assert third.sequence == 2

    def test_each_registration_is_journaled_with_the_files_hashes(self) -> None:
        content = tiny_pdf("journal")
        item = mail_register(
            actor=self.clerk,
            channel=Channel.SCAN,
            subject="Journal",
            files=[IncomingFile("scan.pdf", content)],
        )
        event = AuditEvent.objects.for_object("mail.mailitem", item.pk).get(
            action="mail.registered"
        )
        assert event.actor_id == self.clerk.pk
        assert event.data["files"] == [hashlib.sha256(content).hexdigest()]

    def test_a_date_received_in_the_future_is_refused(self) -> None:
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        with self.assertRaisesMessage(MailError, "ne peut pas être dans le futur"):
            mail_register(actor=self.clerk, channel=Channel.PAPER, received_on=tomorrow)


class OriginalFilesTests(MailTestCase):
    def test_originals_keep_their_name_and_sha256_and_scans_wait_for_ocr(self) -> None:
        content = tiny_pdf("original")
        item = mail_register(
            actor=self.clerk,
            channel=Channel.SCAN,
            files=[IncomingFile("../../etc/Lettre de Mme Dupré.pdf", content)],
        )
        original = item.files.get()
        assert original.role == MailFile.Role.ORIGINAL
        assert original.filename == "Lettre de Mme Dupré.pdf"
        assert original.sha256 == hashlib.sha256(content).hexdigest()
        assert item.pages == 1
        assert item.ocr_status == OcrStatus.PENDING

    def test_an_item_without_a_readable_file_needs_no_ocr(self) -> None:
        item = mail_register(
            actor=self.clerk,
            channel=Channel.EMAIL,
            files=[IncomingFile("notes.txt", b"Bonjour")],
            text="Bonjour",
        )
        assert item.ocr_status == OcrStatus.NOT_NEEDED
        assert item.files.get().stored.kind == "txt"

    def test_the_sender_comes_from_the_contacts_directory(self) -> None:
        first = contact_find_or_create(
            actor=self.clerk, name="Hélène Dupré", email="Helene@Example.org"
        )
        again = contact_find_or_create(
            actor=self.clerk, name="H. Dupré", email="helene@example.org"
        )
        by_name = contact_find_or_create(actor=self.clerk, name="helene  DUPRE")
        same_name = contact_find_or_create(actor=self.clerk, name="Hélène Dupré")
        assert first == again
        assert by_name == same_name
        assert by_name != first
        assert Contact.objects.count() == 2

    def test_a_contact_who_is_a_citizen_links_the_item_to_them(self) -> None:
        contact = contact_find_or_create(
            actor=self.clerk, name="Marie Dubois", email=self.citizen.email, user=self.citizen
        )
        item = mail_register(actor=self.clerk, channel=Channel.COUNTER, sender=contact)
        assert item.citizen == self.citizen


class BatchTests(MailTestCase):
    def test_a_batch_of_scans_gets_consecutive_numbers_and_duplicates_are_reported(self) -> None:
        scans = [IncomingFile(f"scan-{n}.pdf", tiny_pdf(f"lettre {n}")) for n in range(5)]
        result = mail_register_batch(actor=self.clerk, files=scans)
        assert [item.sequence for item in result.registered] == [1, 2, 3, 4, 5]
        assert all(item.channel == Channel.SCAN for item in result.registered)
        again = mail_register_batch(
            actor=self.clerk, files=[scans[1], IncomingFile("nouveau.pdf", tiny_pdf("autre"))]
        )
        assert [item.sequence for item in again.registered] == [6]
        assert again.duplicates == [("scan-1.pdf", result.registered[1].number)]

    def test_the_same_scan_twice_in_one_batch_is_registered_once(self) -> None:
        scan = IncomingFile("a.pdf", tiny_pdf("même"))
        result = mail_register_batch(
            actor=self.clerk, files=[scan, IncomingFile("b.pdf", scan.content)]
        )
        assert len(result.registered) == 1
        assert result.duplicates == [("b.pdf", result.registered[0].number)]
