"""What every real provider's plugin must do, tested against its local fake.

Each provider's test file subclasses ``ProviderContract`` with its fake
server and the way its provider notifies (``contrib/<vendor>/tests``).
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.core.checks import run_checks
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from beffroi.audit.models import AuditEvent
from beffroi.cases.models import Case
from beffroi.payments import base
from beffroi.payments.models import Payment, Refund
from beffroi.payments.services import RefundRefused, payment_refund
from beffroi.payments.tasks import reconcile_open_payments
from beffroi.payments.tests.fake_server import FakeProviderServer
from beffroi.payments.tests.helpers import PaymentTestCase, pin_case, pin_draft, start_payment

UNREACHABLE = "Le prestataire de paiement ne répond pas. Réessayez dans quelques minutes."
FAILED = "Le prestataire de paiement a rencontré un problème. Réessayez dans quelques minutes."


class ProviderContract(PaymentTestCase):
    provider_name = ""
    deploy_check_id = ""
    # The settings the deploy check asks for when they are missing.
    required_settings: tuple[str, ...] = ()

    # --- What each provider's test file says ---

    def make_fake(self) -> FakeProviderServer:
        raise NotImplementedError

    def provider_settings(self, fake: Any) -> dict[str, Any]:
        raise NotImplementedError

    def settle(self, fake: Any, payment: Payment, outcome: str) -> None:
        """The payer's outcome on the provider's page: paid, failed, expired, cancelled."""
        raise NotImplementedError

    def notify(self, fake: Any, payment: Payment) -> int:
        """The provider's notification, delivered to Beffroi's webhook view."""
        raise NotImplementedError

    def forge(self, fake: Any, payment: Payment) -> tuple[int, str]:
        """A notification the provider never sent: Beffroi's answer and what it journals."""
        raise NotImplementedError

    def refund_calls(self, fake: Any) -> list[Any]:
        raise NotImplementedError

    # --- Set up ---

    def setUp(self) -> None:
        super().setUp()
        self.fake: Any = self.make_fake().start()
        self.addCleanup(self.fake.stop)
        overridden = override_settings(
            PAYMENT_PROVIDER=self.provider_name,
            PAYMENT_PROVIDER_TIMEOUT=1,
            **self.provider_settings(self.fake),
        )
        overridden.enable()
        self.addCleanup(overridden.disable)

    def started(self) -> Payment:
        payment = start_payment(pin_case(self.citizen), self.citizen)
        assert payment.provider == self.provider_name
        assert payment.provider_reference
        return payment

    def paid(self) -> Payment:
        payment = self.started()
        self.settle(self.fake, payment, "paid")
        assert self.notify(self.fake, payment) == 200
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PAID
        return payment

    # --- The contract ---

    def test_a_payment_paid_and_notified_twice_changes_once(self) -> None:
        payment = self.started()
        self.settle(self.fake, payment, "paid")
        assert self.notify(self.fake, payment) == 200
        assert self.notify(self.fake, payment) == 200
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PAID
        assert AuditEvent.objects.filter(action="payment.paid", object_id=payment.pk).count() == 1
        assert payment.case.events.filter(kind="payment").count() == 1
        assert Case.objects.get(pk=payment.case_id).status == "submitted"

    def test_the_same_click_twice_opens_one_payment_at_the_provider(self) -> None:
        case = pin_case(self.citizen)
        key = uuid.uuid4()
        first = start_payment(case, self.citizen, key)
        second = start_payment(case, self.citizen, key)
        assert first.pk == second.pk
        assert Payment.objects.count() == 1

    def test_a_notification_before_paying_changes_nothing(self) -> None:
        payment = self.started()
        assert self.notify(self.fake, payment) == 200
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PENDING

    def test_a_refused_payment_is_failed_and_a_late_paid_is_accepted(self) -> None:
        payment = self.started()
        self.settle(self.fake, payment, "failed")
        assert self.notify(self.fake, payment) == 200
        payment.refresh_from_db()
        assert payment.status == Payment.Status.FAILED
        self.settle(self.fake, payment, "paid")
        assert self.notify(self.fake, payment) == 200
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PAID

    def test_an_abandoned_payment_is_cancelled(self) -> None:
        payment = self.started()
        self.settle(self.fake, payment, "cancelled")
        assert self.notify(self.fake, payment) == 200
        payment.refresh_from_db()
        assert payment.status == Payment.Status.CANCELLED

    def test_a_forged_notification_changes_nothing_and_is_journaled(self) -> None:
        payment = self.started()
        self.settle(self.fake, payment, "paid")
        status, action = self.forge(self.fake, payment)
        assert status in {400, 404}
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PENDING
        assert AuditEvent.objects.filter(action=action).count() == 1

    def check_the_payer_is_told(self, message: str) -> None:
        self.client.force_login(self.citizen)
        draft = pin_draft(self.citizen)
        response = self.client.post(
            reverse("portal:draft_check", args=[draft.pk]), {"payment_key": str(uuid.uuid4())}
        )
        case = Case.objects.get()
        assert response["Location"] == reverse("portal:confirmation", args=[case.tracking_code])
        page = self.client.get(response["Location"])
        self.assertContains(page, message)
        assert not Payment.objects.exists()  # nothing half opened
        assert case.status == "awaiting_payment"

    def test_a_provider_answering_500_is_a_french_message(self) -> None:
        self.fake.fail_with = 500
        self.check_the_payer_is_told(FAILED)

    def test_a_provider_that_times_out_is_a_french_message(self) -> None:
        self.fake.delay = 1.5
        self.check_the_payer_is_told(UNREACHABLE)

    def test_a_notification_the_provider_cannot_confirm_is_answered_502(self) -> None:
        payment = self.started()
        self.settle(self.fake, payment, "paid")
        self.fake.fail_with = 500
        assert self.notify(self.fake, payment) == 502
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PENDING

    def test_a_refund_in_part_reaches_the_provider(self) -> None:
        payment = self.paid()
        payment_refund(
            actor=self.supervisor, payment=payment, amount=Decimal("0.50"), reason="Geste"
        )
        payment.refresh_from_db()
        assert payment.status == Payment.Status.REFUNDED_PARTIALLY
        assert len(self.refund_calls(self.fake)) == 1
        assert Refund.objects.get().provider_reference

    def test_a_refund_above_what_was_paid_is_refused_before_the_provider(self) -> None:
        payment = self.paid()
        with pytest.raises(RefundRefused) as refused:
            payment_refund(
                actor=self.supervisor, payment=payment, amount=Decimal("2.01"), reason="Trop"
            )
        assert "ne peut pas dépasser" in refused.value.message
        assert self.refund_calls(self.fake) == []
        assert not Refund.objects.exists()

    def test_a_refund_the_provider_fails_is_a_french_message(self) -> None:
        payment = self.paid()
        self.fake.fail_with = 500
        with pytest.raises(RefundRefused) as refused:
            payment_refund(
                actor=self.supervisor, payment=payment, amount=Decimal("2.00"), reason="Erreur"
            )
        assert refused.value.message == FAILED
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PAID

    def test_a_lost_notification_is_read_by_the_reconciliation_job(self) -> None:
        payment = self.started()
        Payment.objects.filter(pk=payment.pk).update(
            created_at=timezone.now() - datetime.timedelta(minutes=20)
        )
        self.settle(self.fake, payment, "paid")  # and its notification never arrives
        reconcile_open_payments.call()
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PAID
        assert Case.objects.get(pk=payment.case_id).status == "submitted"

    def test_a_provider_without_its_keys_is_a_french_message(self) -> None:
        with (
            override_settings(**dict.fromkeys(self.required_settings, "")),
            pytest.raises(base.ProviderError) as error,
        ):
            self.started()
        assert error.value.message in {FAILED, UNREACHABLE}
        assert not Payment.objects.exists()

    def test_the_deploy_check_says_when_the_keys_are_missing(self) -> None:
        assert self.deploy_check_id not in {
            e.id for e in run_checks(include_deployment_checks=True)
        }
        with override_settings(**dict.fromkeys(self.required_settings, "")):
            errors = run_checks(include_deployment_checks=True)
        assert self.deploy_check_id in {e.id for e in errors}
