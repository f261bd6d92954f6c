"""The page of an amount asked for: opened from the email's signed link with
or without an account, from the tracking code after its check, and from
« Mes paiements »; a link altered or expired says what to do in French."""

from __future__ import annotations

import datetime

import time_machine
from django.urls import reverse

from beffroi.payments.links import LINK_MAX_AGE, amount_due_url
from beffroi.payments.models import Payment
from beffroi.payments.tests.helpers import pay_at_provider
from beffroi.payments.tests.test_payment_requests import PaymentRequestTestCase


class AmountDuePageTests(PaymentRequestTestCase):
    def test_the_link_shows_what_is_due_and_why_without_an_account(self) -> None:
        amount_due = self.ask(self.case_in_progress())
        html = self.client.get(amount_due_url(amount_due)).content.decode()
        assert "Paiement demandé" in html
        assert "22,50 €" in html
        assert "Redevance d&#x27;occupation de la voie publique" in html
        assert amount_due.case.reference in html
        assert "Payer 22,50 €" in html

    def test_payer_opens_one_payment_of_that_amount_at_the_provider(self) -> None:
        amount_due = self.ask(self.case_in_progress())
        url = amount_due_url(amount_due)
        key = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
        first = self.client.post(url, {"payment_key": key})
        again = self.client.post(url, {"payment_key": key})  # a double click
        payment = Payment.objects.get()
        assert first["Location"] == again["Location"] == payment.checkout_url
        assert payment.amount == amount_due.amount
        assert payment.due_key == amount_due.due_key
        assert payment.payer is None

    def test_payer_par_virement_shows_the_structured_communication(self) -> None:
        amount_due = self.ask(self.case_in_progress())
        url = amount_due_url(amount_due)
        assert "Payer par virement" in self.client.get(url).content.decode()
        self.client.post(
            url, {"payment_key": "3b4e28ba-2fa1-11d2-883f-0016d3cca427", "method": "transfer"}
        )
        payment = Payment.objects.get()
        assert payment.provider == "transfer"
        html = self.client.get(url).content.decode()
        assert "Communication structurée" in html
        assert "BE68 5390 0754 7034" in html

    def test_once_paid_the_page_says_so_and_gives_the_receipt(self) -> None:
        amount_due = self.ask(self.case_in_progress())
        url = amount_due_url(amount_due)
        self.client.post(url, {"payment_key": "1b4e28ba-2fa1-11d2-883f-0016d3cca427"})
        pay_at_provider(Payment.objects.get())
        html = self.client.get(url).content.decode()
        assert "Paiement reçu" in html
        assert "Payer 22,50" not in html
        receipt = self.client.get(url + "recu/")
        assert receipt.status_code == 200
        assert b"".join(receipt.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]
        # Paid: asking again opens nothing new.
        response = self.client.post(url, {"payment_key": "2b4e28ba-2fa1-11d2-883f-0016d3cca427"})
        assert response.status_code == 302
        assert Payment.objects.count() == 1

    def test_an_altered_link_is_a_french_page_not_an_error(self) -> None:
        url = amount_due_url(self.ask(self.case_in_progress()))
        token = url.rstrip("/").rsplit("/", 1)[1]
        forged = "0" * 32 + token[32:]
        for altered in (url[:-3] + "xx/", url.replace(token, forged)):
            response = self.client.get(altered)
            assert response.status_code == 404
            html = response.content.decode()
            assert "Ce lien de paiement n’est pas valable" in html
            assert "Obtenir un nouveau lien" in html
        post = self.client.post(url[:-3] + "xx/", {"payment_key": "bad"})
        assert post.status_code == 404
        assert not Payment.objects.exists()

    def test_an_expired_link_says_how_to_get_a_new_one(self) -> None:
        url = amount_due_url(self.ask(self.case_in_progress()))
        later = datetime.datetime.now(tz=datetime.UTC) + LINK_MAX_AGE + datetime.timedelta(days=1)
        with time_machine.travel(later):
            response = self.client.get(url)
        assert response.status_code == 410
        html = response.content.decode()
        assert "Ce lien de paiement a expiré" in html
        assert "code de suivi" in html

    def test_the_tracking_code_offers_the_payment_after_its_check(self) -> None:
        case = self.case_in_progress()
        self.ask(case)
        details = reverse("portal:tracking_details", args=[case.tracking_code])
        status_page = self.client.get(
            reverse("portal:tracking_detail", args=[case.tracking_code])
        ).content.decode()
        assert "/paiement/demande/" not in status_page
        self.client.post(
            details,
            {
                "check": "1",
                "applicant_last_name": case.answers["applicant_last_name"],
                "applicant_email": "jean.visiteur@example.org",
            },
        )
        html = self.client.get(details).content.decode()
        assert "Voir et payer 22,50 €" in html
        assert "/paiement/demande/" in html

    def test_mes_paiements_offers_the_amount_to_its_applicant_only(self) -> None:
        case = self.case_in_progress(applicant=self.citizen)
        self.ask(case)
        self.client.force_login(self.citizen)
        html = self.client.get(reverse("portal:my_payments")).content.decode()
        assert "Voir et payer 22,50 €" in html
        page = self.client.get(case.get_absolute_url()).content.decode()
        assert "Voir et payer 22,50 €" in page
        self.client.force_login(self.other_citizen)
        html = self.client.get(reverse("portal:my_payments")).content.decode()
        assert "/paiement/demande/" not in html
