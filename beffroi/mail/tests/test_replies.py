"""Replies from templates: outgoing items with their own numbers, sent or printed."""

from __future__ import annotations

import datetime

from django.core import mail
from django.utils import timezone

from beffroi.mail.models import Channel, Direction, MailFile, ReplyTemplate, Status
from beffroi.mail.services import (
    MailError,
    contact_find_or_create,
    mail_register,
    mail_reply_draft,
    mail_reply_send,
    mail_reply_update,
    mail_route,
)
from beffroi.mail.tests.helpers import MailTestCase


class ReplyTests(MailTestCase):
    def setUp(self) -> None:
        super().setUp()
        sender = contact_find_or_create(
            actor=self.clerk, name="Hélène Dupré", email="helene@example.org"
        )
        item = mail_register(
            actor=self.clerk,
            channel=Channel.EMAIL,
            subject="Permis pour une véranda",
            sender=sender,
            received_on=timezone.localdate() - datetime.timedelta(days=2),
        )
        self.item = mail_route(actor=self.clerk, item=item, service=self.service("urbanisme"))
        self.template = ReplyTemplate.objects.get(code="accuse-reception")

    def test_a_reply_from_a_template_is_an_outgoing_item_with_its_own_number(self) -> None:
        reply = mail_reply_draft(actor=self.urbanism_agent, item=self.item, template=self.template)
        year = timezone.localdate().year
        assert reply.number == f"S-{year}-000001"
        assert reply.direction == Direction.OUTGOING
        assert reply.status == Status.DRAFT
        assert reply.in_reply_to == self.item
        assert reply.recipient == self.item.sender
        assert reply.subject == "Accusé de réception — Permis pour une véranda"
        assert self.item.number in reply.body
        assert "Service Urbanisme" in reply.body
        assert "Léa Van Damme" in reply.body
        self.item.refresh_from_db()
        assert self.item.status == Status.IN_TREATMENT

    def test_a_draft_can_be_edited_then_sent_by_email_and_the_letter_is_kept_as_pdf(self) -> None:
        reply = mail_reply_draft(actor=self.urbanism_agent, item=self.item, template=self.template)
        reply = mail_reply_update(
            actor=self.urbanism_agent,
            reply=reply,
            subject="Votre demande de permis",
            body="Madame,\n\nVotre demande est complète.",
            expected_version=reply.lock_version,
        )
        with self.captureOnCommitCallbacks(execute=True):
            sent = mail_reply_send(actor=self.urbanism_agent, reply=reply, method="email")
        assert sent.status == Status.SENT
        assert sent.sent_at is not None
        assert sent.channel == Channel.EMAIL
        letter = sent.files.get(role=MailFile.Role.ORIGINAL)
        assert letter.filename == f"{sent.number}.pdf"
        assert letter.stored.kind == "pdf"
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == ["helene@example.org"]
        assert mail.outbox[0].subject == f"Votre demande de permis ({sent.number})"
        assert "Votre demande est complète." in mail.outbox[0].body
        self.item.refresh_from_db()
        assert self.item.status == Status.ANSWERED
        with self.assertRaisesMessage(MailError, "déjà envoyée"):
            mail_reply_send(actor=self.urbanism_agent, reply=sent, method="email")

    def test_a_reply_to_print_sends_no_email(self) -> None:
        reply = mail_reply_draft(actor=self.urbanism_agent, item=self.item, template=self.template)
        with self.captureOnCommitCallbacks(execute=True):
            sent = mail_reply_send(actor=self.urbanism_agent, reply=reply, method="print")
        assert sent.send_method == "print"
        assert sent.channel == Channel.PAPER
        assert mail.outbox == []

    def test_an_email_reply_needs_an_address(self) -> None:
        unknown = mail_register(actor=self.clerk, channel=Channel.PAPER, subject="Lettre anonyme")
        unknown = mail_route(actor=self.clerk, item=unknown, service=self.service("urbanisme"))
        reply = mail_reply_draft(actor=self.urbanism_agent, item=unknown, template=self.template)
        assert reply.channel == Channel.PAPER
        with self.assertRaisesMessage(MailError, "adresse e-mail du destinataire") as raised:
            mail_reply_send(actor=self.urbanism_agent, reply=reply, method="email")
        assert raised.exception.field == "email"

    def test_mail_still_to_route_cannot_be_answered(self) -> None:
        item = mail_register(actor=self.clerk, channel=Channel.PAPER, subject="À ventiler")
        with self.assertRaisesMessage(MailError, "Ventilez d’abord"):
            mail_reply_draft(actor=self.urbanism_agent, item=item, template=self.template)
