"""What a citizen's mail client receives: readable HTML, a sender's name, robot headers."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parseaddr

from django.core import mail
from django.test import TestCase, override_settings

from beffroi.municipality.models import Municipality
from beffroi.notifications.services import email_queue


@override_settings(
    SITE_URL="https://eguichet.tournai.be", DEFAULT_FROM_EMAIL="e-guichet@tournai.be"
)
class EmailFormatTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        Municipality.objects.create(name="Ville de Tournai", short_name="Tournai")

    def received(self) -> EmailMessage:
        with self.captureOnCommitCallbacks(execute=True):
            email_queue(
                to="marie.dubois@example.org",
                subject="Votre demande",
                body_text="Bonjour Marie,\n\nVotre demande <b>2026-000001</b> est reçue.",
            )
        assert len(mail.outbox) == 1
        parsed = message_from_bytes(mail.outbox[0].message().as_bytes(), policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    def test_the_html_part_shows_paragraphs_not_escaped_tags(self) -> None:
        html_part = self.received().get_body(preferencelist=("html",))
        assert html_part is not None
        html = html_part.get_content()
        assert "<p>Bonjour Marie,</p>" in html
        assert "&lt;p&gt;" not in html
        # What the citizen typed is still escaped: no tag of theirs is rendered.
        assert "&lt;b&gt;2026-000001&lt;/b&gt;" in html

    def test_the_sender_has_the_citys_name(self) -> None:
        name, address = parseaddr(str(self.received()["From"]))
        assert name == "Ville de Tournai — e-guichet"
        assert address == "e-guichet@tournai.be"

    def test_a_message_id_on_the_sites_domain_and_the_robot_header(self) -> None:
        message = self.received()
        assert str(message["Message-ID"]).endswith("@eguichet.tournai.be>")
        assert message["Auto-Submitted"] == "auto-generated"

    def test_the_plain_text_part_is_the_text_itself(self) -> None:
        text_part = self.received().get_body(preferencelist=("plain",))
        assert text_part is not None
        assert "Votre demande <b>2026-000001</b> est reçue." in text_part.get_content()
