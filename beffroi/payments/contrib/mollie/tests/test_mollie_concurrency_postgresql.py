"""Mollie notifies the same payment ten times at once (on PostgreSQL, as
CI's PostgreSQL pass runs it): each notification fetches the payment from
Mollie's fake, and exactly one state change is made."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client, TransactionTestCase, override_settings

from beffroi.audit.models import AuditEvent
from beffroi.cases.models import CaseEvent
from beffroi.notifications.models import OutgoingEmail
from beffroi.payments.contrib.mollie.tests.fake import FakeMollie
from beffroi.payments.models import Payment
from beffroi.payments.tests.helpers import pin_case, start_payment
from beffroi.testing.personas import create_world
from beffroi.testing.threads import run_on_threads

AT_ONCE = 10


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks")
class ConcurrentMollieNotificationTests(TransactionTestCase):
    def setUp(self) -> None:
        self.citizen = create_world()["citizen"]
        self.fake = FakeMollie().start()
        self.addCleanup(self.fake.stop)
        overridden = override_settings(
            PAYMENT_PROVIDER="mollie",
            MOLLIE_API_KEY="test_fakekey0123456789",
            MOLLIE_API_ENDPOINT=self.fake.url,
        )
        overridden.enable()
        self.addCleanup(overridden.disable)

    def test_ten_notifications_at_once_make_exactly_one_change(self) -> None:
        case = pin_case(self.citizen)
        payment = start_payment(case, self.citizen)
        self.fake.settle(payment.provider_reference, "paid")
        answers: list[int] = []

        def mollie(_index: int) -> None:
            answers.append(self.fake.notify(Client(), payment.provider_reference))

        run_on_threads(mollie, count=AT_ONCE)
        assert answers == [200] * AT_ONCE
        assert len(self.fake.calls_to("GET", f"/v2/payments/{payment.provider_reference}")) == 10
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PAID
        assert AuditEvent.objects.filter(action="payment.paid").count() == 1
        assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.PAYMENT).count() == 1
        assert OutgoingEmail.objects.filter(subject__startswith="Paiement reçu").count() == 1
