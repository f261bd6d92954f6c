"""A letter's page refreshes itself while OCR reads it, without JavaScript."""

from __future__ import annotations

from beffroi.mail.models import Channel, MailItem, OcrStatus
from beffroi.mail.services import IncomingFile, mail_register
from beffroi.mail.tests.helpers import MailTestCase, tiny_pdf

BASE = "/backoffice/courrier/"
REFRESH = '<meta http-equiv="refresh" content="5">'


class OcrRefreshTests(MailTestCase):
    def setUp(self) -> None:
        super().setUp()
        # In a test the job is queued on commit, which never comes: OCR stays pending.
        self.item = mail_register(
            actor=self.clerk,
            channel=Channel.SCAN,
            files=[IncomingFile("scan.pdf", tiny_pdf("scan"))],
        )
        assert self.item.ocr_status == OcrStatus.PENDING
        self.client.force_login(self.clerk)

    def test_while_ocr_is_pending_the_page_says_so_and_refreshes_itself(self) -> None:
        html = self.client.get(f"{BASE}{self.item.pk}/").content.decode()
        assert REFRESH in html
        assert "Lecture du document en cours…" in html
        assert f'<a href="{BASE}{self.item.pk}/">Actualiser la page</a>' in html
        # Once OCR is done, the page stops refreshing.
        MailItem.objects.filter(pk=self.item.pk).update(ocr_status=OcrStatus.DONE)
        html = self.client.get(f"{BASE}{self.item.pk}/").content.decode()
        assert REFRESH not in html
        assert "Lecture du document en cours" not in html

    def test_a_page_shown_again_after_a_refused_form_is_not_reloaded(self) -> None:
        response = self.client.post(
            f"{BASE}{self.item.pk}/ventiler/", {"route-lock_version": self.item.lock_version}
        )
        html = response.content.decode()
        assert "Choisissez le service qui traite ce courrier." in html
        assert REFRESH not in html
        assert "Lecture du document en cours…" in html
