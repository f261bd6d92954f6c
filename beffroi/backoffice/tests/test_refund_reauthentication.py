"""A refund asks the head of service for their password again; a confirmation
holds a few minutes; a wrong password is a French error that keeps what was typed."""

from __future__ import annotations

from typing import Any

import time_machine
from django.urls import reverse
from django.utils import timezone

from beffroi.audit.models import AuditEvent
from beffroi.payments.models import Refund
from beffroi.payments.tests.helpers import PaymentTestCase, pay_at_provider, pin_case, start_payment
from beffroi.testing.personas import PASSWORD


class RefundReauthenticationTests(PaymentTestCase):
    def setUp(self) -> None:
        self.case = pin_case(self.citizen)
        self.payment = start_payment(self.case, self.citizen)
        pay_at_provider(self.payment)
        self.client.force_login(self.supervisor)

    def refund(self, **data: Any) -> Any:
        return self.client.post(
            reverse("backoffice:case_refund", args=[self.case.reference]),
            {"payment": self.payment.pk, "amount": "0,50", "reason": "Geste commercial", **data},
        )

    def test_the_case_page_asks_for_the_password(self) -> None:
        page = self.client.get(reverse("backoffice:case_detail", args=[self.case.reference]))
        self.assertContains(page, "Votre mot de passe")

    def test_a_wrong_password_refunds_nothing_and_keeps_what_was_typed(self) -> None:
        response = self.refund(password="not-the-password")
        assert response.status_code == 400
        self.assertContains(
            response,
            "Mot de passe incorrect : le remboursement n&#x27;est pas fait.",
            count=2,
            status_code=400,
        )
        self.assertContains(response, 'value="0,50"', status_code=400)
        self.assertContains(response, 'value="Geste commercial"', status_code=400)
        self.assertNotContains(response, "not-the-password", status_code=400)
        assert not Refund.objects.exists()
        assert AuditEvent.objects.filter(action="payment.refund_reauthentication_failed").exists()

    def test_no_password_is_a_french_error(self) -> None:
        response = self.refund()
        self.assertContains(
            response,
            "Indiquez votre mot de passe pour confirmer le remboursement.",
            status_code=400,
        )
        assert not Refund.objects.exists()

    def test_the_right_password_refunds_and_is_journaled(self) -> None:
        response = self.refund(password=PASSWORD)
        assert response.status_code == 302
        assert Refund.objects.count() == 1
        assert AuditEvent.objects.filter(action="payment.refund_reauthenticated").count() == 1

    def test_a_confirmation_holds_five_minutes_then_is_asked_again(self) -> None:
        with time_machine.travel(timezone.now(), tick=False) as traveller:
            assert self.refund(password=PASSWORD).status_code == 302
            traveller.shift(240)
            assert self.refund().status_code == 302  # within 5 minutes: not asked
            traveller.shift(120)
            response = self.refund()
            self.assertContains(
                response,
                "Indiquez votre mot de passe pour confirmer le remboursement.",
                status_code=400,
            )
        assert Refund.objects.count() == 2
