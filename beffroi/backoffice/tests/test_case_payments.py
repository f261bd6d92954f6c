"""The case page's money: what is due, paid and refunded, and refunds by the
head of the service (clear French errors, never a server error)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from beffroi.payments.models import Payment, Refund
from beffroi.payments.tests.helpers import PaymentTestCase, pay_at_provider, pin_case, start_payment
from beffroi.testing.personas import PASSWORD


class CasePaymentsTests(PaymentTestCase):
    def setUp(self) -> None:
        self.case = pin_case(self.citizen)
        self.payment = start_payment(self.case, self.citizen)
        pay_at_provider(self.payment)
        self.url = reverse("backoffice:case_detail", args=[self.case.reference])

    def refund(self, **data: Any) -> Any:
        return self.client.post(
            reverse("backoffice:case_refund", args=[self.case.reference]),
            {"payment": self.payment.pk, "reason": "Carte expirée", "password": PASSWORD, **data},
        )

    def test_the_page_says_what_is_due_paid_and_refunded(self) -> None:
        self.client.force_login(self.agent)
        response = self.client.get(self.url)
        self.assertContains(response, "Paiements")
        self.assertContains(response, "2,00 €", count=3)  # due, paid, the payment
        self.assertNotContains(response, "Rembourser</button>")  # the head's only

    def test_the_codes_can_be_ordered_once_paid(self) -> None:
        self.client.force_login(self.agent)
        self.assertContains(self.client.get(self.url), "Codes commandés au SPF Intérieur")

    def test_the_head_of_service_refunds_part_of_it(self) -> None:
        self.client.force_login(self.supervisor)
        response = self.refund(amount="0,50")
        assert response.status_code == 302
        refund = Refund.objects.get()
        assert refund.amount == refund.payment.amount - refund.payment.refundable_amount
        assert Payment.objects.get().status == Payment.Status.REFUNDED_PARTIALLY
        page = self.client.get(self.url)
        self.assertContains(page, "Remboursement de 0,50\u00a0€ enregistré.")

    def test_a_refund_above_what_was_paid_is_a_form_error(self) -> None:
        self.client.force_login(self.supervisor)
        response = self.refund(amount="5")
        self.assertContains(
            response,
            "Le remboursement ne peut pas dépasser ce qui reste payé (2,00\u00a0€).",
            status_code=400,
        )
        self.assertContains(response, "Carte expirée", status_code=400)  # what was typed stays
        assert not Refund.objects.exists()

    def test_a_negative_or_unreadable_amount_is_a_form_error(self) -> None:
        self.client.force_login(self.supervisor)
        for typed, message in (
            ("-2", "Le montant à rembourser doit être supérieur à zéro."),
            ("deux euros", "Indiquez un montant en euros, par exemple 2,00."),
            ("1,234", "Indiquez un montant en euros, au centime près."),
            ("", "Indiquez le montant à rembourser."),
        ):
            response = self.refund(amount=typed)
            self.assertContains(response, message, status_code=400)
        assert not Refund.objects.exists()

    def test_a_payment_that_is_not_this_cases_is_refused(self) -> None:
        self.client.force_login(self.supervisor)
        response = self.refund(amount="1", payment="999999")
        self.assertContains(response, "Ce paiement ne peut plus être remboursé.", status_code=400)

    def test_an_agent_who_is_not_head_cannot_refund(self) -> None:
        self.client.force_login(self.agent)
        response = self.refund(amount="1")
        self.assertContains(
            response, "Seul le chef du service de cette demande peut rembourser.", status_code=400
        )
        assert not Refund.objects.exists()

    def test_an_agent_of_another_service_does_not_see_the_case(self) -> None:
        self.client.force_login(self.other_agent)
        assert self.refund(amount="1").status_code == 404
