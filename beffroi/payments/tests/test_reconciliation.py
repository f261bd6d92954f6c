"""The periodic job that reads open payments again from their provider."""

from __future__ import annotations

import datetime

from django.utils import timezone

from beffroi.core.periodic import registered_jobs
from beffroi.payments.contrib.demo.models import DemoCharge
from beffroi.payments.contrib.demo.plugin import charge_settle
from beffroi.payments.models import Payment
from beffroi.payments.tasks import reconcile_open_payments
from beffroi.payments.tests.helpers import PaymentTestCase, pin_case, start_payment


class ReconciliationTests(PaymentTestCase):
    def opened_minutes_ago(self, minutes: int) -> Payment:
        payment = start_payment(pin_case(self.citizen), self.citizen)
        Payment.objects.filter(pk=payment.pk).update(
            created_at=timezone.now() - datetime.timedelta(minutes=minutes)
        )
        return payment

    def test_the_job_is_registered_with_the_worker_scheduler(self) -> None:
        jobs = {job.name: job for job in registered_jobs()}
        job = jobs["beffroi.payments.tasks.reconcile_open_payments"]
        assert job.every == datetime.timedelta(minutes=5)

    def test_a_payment_whose_notification_was_lost_is_settled(self) -> None:
        payment = self.opened_minutes_ago(20)
        # Paid at the provider, but its notification never reached Beffroi
        # (or the web process died before its commit).
        charge_settle(reference=payment.provider_reference, outcome="paid")
        reconcile_open_payments.call()
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PAID
        payment.case.refresh_from_db()
        assert payment.case.status == "submitted"

    def test_a_recent_payment_is_left_to_its_payer(self) -> None:
        payment = self.opened_minutes_ago(5)
        charge_settle(reference=payment.provider_reference, outcome="paid")
        reconcile_open_payments.call()
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PENDING

    def test_a_checkout_left_for_over_an_hour_expires(self) -> None:
        payment = self.opened_minutes_ago(90)
        DemoCharge.objects.filter(reference=payment.provider_reference).update(
            created_at=timezone.now() - datetime.timedelta(minutes=90)
        )
        reconcile_open_payments.call()
        payment.refresh_from_db()
        assert payment.status == Payment.Status.EXPIRED

    def test_running_it_twice_changes_nothing_more(self) -> None:
        payment = self.opened_minutes_ago(20)
        charge_settle(reference=payment.provider_reference, outcome="paid")
        reconcile_open_payments.call()
        reconcile_open_payments.call()
        assert payment.case.events.filter(kind="payment").count() == 1
