"""Ten identical notifications at once, ten clicks at once, on PostgreSQL
(CI's PostgreSQL pass runs it): one state change, one charge."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test import Client, TransactionTestCase
from django.urls import reverse

from beffroi.audit.models import AuditEvent
from beffroi.cases.models import CaseEvent
from beffroi.notifications.models import OutgoingEmail
from beffroi.payments.contrib.demo.models import DemoCharge
from beffroi.payments.contrib.demo.plugin import charge_settle, notification_signature
from beffroi.payments.models import Payment
from beffroi.payments.tests.helpers import pin_case, start_payment
from beffroi.testing.personas import create_world
from beffroi.testing.threads import run_on_threads

AT_ONCE = 10


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks")
class ConcurrentPaymentTests(TransactionTestCase):
    def setUp(self) -> None:
        self.citizen = create_world()["citizen"]

    def test_ten_identical_notifications_at_once_make_exactly_one_change(self) -> None:
        case = pin_case(self.citizen)
        payment = start_payment(case, self.citizen)
        reference = payment.provider_reference
        charge_settle(reference=reference, outcome="paid")
        answers: list[int] = []

        def provider(_index: int) -> None:
            response = Client().post(
                reverse("payments:webhook", args=["demo"]),
                {"id": reference},
                headers={"X-Demo-Signature": notification_signature(reference)},
            )
            answers.append(response.status_code)

        run_on_threads(provider, count=AT_ONCE)
        assert answers == [200] * AT_ONCE
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PAID
        assert AuditEvent.objects.filter(action="payment.paid").count() == 1
        assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.PAYMENT).count() == 1
        assert CaseEvent.objects.filter(case=case, to_status="submitted").count() == 1
        assert OutgoingEmail.objects.filter(subject__startswith="Paiement reçu").count() == 1

    def test_ten_clicks_from_ten_tabs_at_once_open_one_payment(self) -> None:
        case = pin_case(self.citizen)
        opened: list[int] = []

        def tab(_index: int) -> None:
            opened.append(start_payment(case, self.citizen, uuid.uuid4()).pk)

        run_on_threads(tab, count=AT_ONCE)
        assert len(set(opened)) == 1
        assert Payment.objects.count() == 1
        assert DemoCharge.objects.count() == 1
