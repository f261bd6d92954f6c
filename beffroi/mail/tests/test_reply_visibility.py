"""A letter's page names only the replies the viewer may open."""

from __future__ import annotations

from beffroi.accounts.models import User
from beffroi.mail.models import Channel, ReplyTemplate
from beffroi.mail.services import mail_register, mail_reply_draft, mail_route
from beffroi.mail.tests.helpers import MailTestCase

BASE = "/backoffice/courrier/"


class ReplyVisibilityTests(MailTestCase):
    def setUp(self) -> None:
        super().setUp()
        item = mail_register(actor=self.clerk, channel=Channel.PAPER, subject="Permis véranda")
        self.item = mail_route(
            actor=self.clerk,
            item=item,
            service=self.service("urbanisme"),
            copies=[self.service("population")],
        )
        self.reply = mail_reply_draft(
            actor=self.urbanism_agent,
            item=self.item,
            template=ReplyTemplate.objects.get(code="accuse-reception"),
        )

    def page(self, user: User) -> str:
        self.client.force_login(user)
        response = self.client.get(f"{BASE}{self.item.pk}/")
        assert response.status_code == 200
        return response.content.decode()

    def test_a_service_in_copy_does_not_see_the_number_or_status_of_a_reply_it_cannot_open(
        self,
    ) -> None:
        html = self.page(self.agent)  # Population, in copy
        assert self.reply.number not in html
        assert "brouillon" not in html.lower()
        assert self.client.get(f"{BASE}{self.reply.pk}/").status_code == 403
        # The treating service, which may open it, sees it listed.
        html = self.page(self.urbanism_agent)
        assert f'href="{BASE}{self.reply.pk}/">{self.reply.number}</a>' in html
