"""Emails polled from a real IMAP server (Dovecot, started by the test)."""

from __future__ import annotations

import io
import os
from email.message import EmailMessage

import pytest
from django.core.management import call_command
from django.test import override_settings
from imap_tools import MailBoxUnencrypted

from beffroi.mail.models import Channel, Contact, MailFile, MailItem, OcrStatus
from beffroi.mail.tests.dovecot import Dovecot, dovecot_binary
from beffroi.mail.tests.helpers import MailTestCase, scan_pdf

USER = "courrier"


def letter_email(*, message_id: str, subject: str, html: bool = False) -> bytes:
    message = EmailMessage()
    message["From"] = "Hélène Dupré <helene.dupre@example.org>"
    message["To"] = "courrier@tournai.be"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message["Date"] = "Mon, 16 Nov 2026 10:12:00 +0100"
    if html:
        message.set_content(
            "<p>Bonjour,</p><p>Ma <b>haie</b> déborde sur le trottoir.</p>", subtype="html"
        )
    else:
        message.set_content(
            "Bonjour,\nVeuillez trouver ci-joint ma demande de permis d'urbanisme.\n"
        )
        message.add_attachment(
            scan_pdf(), maintype="application", subtype="pdf", filename="demande permis.pdf"
        )
    return message.as_bytes()


class ImapPollTests(MailTestCase):
    server: Dovecot

    @classmethod
    def setUpClass(cls) -> None:
        if dovecot_binary() is None:
            if os.environ.get("CI") == "true":
                raise RuntimeError("dovecot is missing: scripts/system-deps.sh test installs it")
            pytest.skip("dovecot is missing (apt-get install dovecot-imapd)")
        cls.server = Dovecot()
        cls.server.start()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        cls.server.stop()

    def setUp(self) -> None:
        super().setUp()
        self.user = f"{USER}{self.id().rsplit('.', 1)[-1][-12:]}".replace("_", "")
        self.settings_override = override_settings(
            MAIL_IMAP_HOST=self.server.host,
            MAIL_IMAP_PORT=self.server.port,
            MAIL_IMAP_USER=self.user,
            MAIL_IMAP_PASSWORD=self.server.password,
            MAIL_IMAP_FOLDER="INBOX",
            MAIL_IMAP_SSL=False,
            MAIL_IMAP_PROCESSED_FOLDER="",
        )
        self.settings_override.enable()

    def tearDown(self) -> None:
        self.settings_override.disable()
        super().tearDown()

    def mailbox(self) -> MailBoxUnencrypted:
        return MailBoxUnencrypted(self.server.host, self.server.port).login(
            self.user, self.server.password, "INBOX"
        )

    def deliver(self, raw: bytes) -> None:
        with self.mailbox() as mailbox:
            mailbox.append(raw, "INBOX", flag_set=[])

    def poll(self) -> str:
        out = io.StringIO()
        call_command("mail_poll_imap", stdout=out)
        return out.getvalue()

    def test_an_email_and_its_attachment_become_one_registered_item_once(self) -> None:
        self.deliver(letter_email(message_id="<permis-1@example.org>", subject="Demande de permis"))
        output = self.poll()
        item = MailItem.objects.get()
        assert item.number in output
        assert item.channel == Channel.EMAIL
        assert item.subject == "Demande de permis"
        assert item.sender == Contact.objects.get(email="helene.dupre@example.org")
        assert item.sender.name == "Hélène Dupré"
        assert "ci-joint ma demande de permis" in item.text
        assert str(item.received_on) == "2026-11-16"
        files = {f.filename: f.stored.kind for f in item.files.filter(role=MailFile.Role.ORIGINAL)}
        assert files == {"message.eml": "eml", "demande permis.pdf": "pdf"}
        assert item.ocr_status == OcrStatus.PENDING
        assert item.source_key == "email:<permis-1@example.org>"
        with self.mailbox() as mailbox:
            assert [message.flags for message in mailbox.fetch(mark_seen=False)] == [("\\Seen",)]
        # Polling again registers nothing new.
        assert "0 registered" in self.poll()
        assert MailItem.objects.count() == 1

    def test_an_email_left_unread_after_a_crash_is_not_registered_twice(self) -> None:
        self.deliver(letter_email(message_id="<haie@example.org>", subject="Haie", html=True))
        self.poll()
        with self.mailbox() as mailbox:
            uids = [message.uid or "" for message in mailbox.fetch(mark_seen=False)]
            mailbox.flag(uids, "\\Seen", False)
        output = self.poll()
        assert "0 registered, 1 already registered" in output
        item = MailItem.objects.get()
        assert "Ma haie déborde sur le trottoir." in item.text
        assert "<b>" not in item.text

    def test_registered_emails_can_be_moved_to_a_processed_folder(self) -> None:
        self.deliver(letter_email(message_id="<a@example.org>", subject="Premier"))
        self.deliver(letter_email(message_id="<b@example.org>", subject="Second"))
        with override_settings(MAIL_IMAP_PROCESSED_FOLDER="Traites"):
            self.poll()
        assert sorted(MailItem.objects.values_list("subject", flat=True)) == ["Premier", "Second"]
        with self.mailbox() as mailbox:
            assert list(mailbox.fetch()) == []
            mailbox.folder.set("Traites")
            assert len(list(mailbox.fetch(mark_seen=False))) == 2
