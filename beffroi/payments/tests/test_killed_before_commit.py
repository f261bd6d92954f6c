"""The web process dies between the provider's « paid » and Beffroi's commit:
the provider has the money, Beffroi's transaction never committed, and the
reconciliation job finds the payment paid so the case goes on — nothing lost."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import TransactionTestCase
from django.utils import timezone

from beffroi.audit.models import AuditEvent
from beffroi.notifications.models import OutgoingEmail
from beffroi.payments.contrib.demo.models import DemoCharge
from beffroi.payments.contrib.demo.plugin import charge_settle
from beffroi.payments.models import Payment
from beffroi.payments.services import payment_notification_receive
from beffroi.payments.tasks import reconcile_open_payments
from beffroi.payments.tests.helpers import PaymentTestCase, pin_case, start_payment
from beffroi.testing.personas import create_world

# A web process receiving the provider's notification, killed with SIGKILL by
# the first write that follows the provider's « paid » (inside the transaction).
WEB_PROCESS = """
import os, signal, sys
import django
django.setup()
from unittest import mock
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
from django.urls import reverse
from beffroi.payments.contrib.demo.plugin import notification_signature

def killed(**kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

reference = sys.argv[1]
with mock.patch("beffroi.payments.services.case_history_add", killed):
    Client().post(
        reverse("payments:webhook", args=["demo"]),
        {"id": reference},
        headers={"X-Demo-Signature": notification_signature(reference)},
    )
"""


class ProcessKilled(BaseException):
    """What SIGKILL looks like from inside: nothing after it runs, no handler catches it."""


class KilledBeforeCommitTests(PaymentTestCase):
    def test_a_payment_confirmed_by_the_provider_but_never_committed_is_reconciled(
        self,
    ) -> None:
        case = pin_case(self.citizen)
        payment = start_payment(case, self.citizen)
        charge_settle(reference=payment.provider_reference, outcome="paid")
        # The notification is read from the provider (« paid ») and applied;
        # the process dies inside the transaction, after the payment's row
        # was written and before the commit.
        with (
            mock.patch("beffroi.payments.services.case_history_add", side_effect=ProcessKilled),
            pytest.raises(ProcessKilled),
        ):
            payment_notification_receive(provider_name="demo", reference=payment.provider_reference)
        payment.refresh_from_db()
        assert DemoCharge.objects.get(reference=payment.provider_reference).status == "paid"
        assert payment.status == Payment.Status.PENDING  # rolled back
        assert not AuditEvent.objects.filter(action="payment.paid").exists()
        case.refresh_from_db()
        assert case.status == "awaiting_payment"

        later = timezone.now() + datetime.timedelta(minutes=16)
        with time_machine.travel(later, tick=False):
            reconcile_open_payments.call()
            reconcile_open_payments.call()  # and again: nothing more
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PAID
        case.refresh_from_db()
        assert case.status == "submitted"
        event = AuditEvent.objects.get(action="payment.paid")
        assert event.data["source"] == "reconciliation"
        assert OutgoingEmail.objects.filter(subject__startswith="Paiement reçu").count() == 1


def assert_settled_by_reconciliation(payment: Payment) -> None:
    later = timezone.now() + datetime.timedelta(minutes=16)
    with time_machine.travel(later, tick=False):
        reconcile_open_payments.call()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    payment.case.refresh_from_db()
    assert payment.case.status == "submitted"
    assert AuditEvent.objects.get(action="payment.paid").data["source"] == "reconciliation"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a second process needs a server")
class WebProcessKilledTests(TransactionTestCase):
    def setUp(self) -> None:
        self.citizen = create_world()["citizen"]

    def test_a_web_process_killed_with_sigkill_before_its_commit_loses_nothing(self) -> None:
        payment = start_payment(pin_case(self.citizen), self.citizen)
        charge_settle(reference=payment.provider_reference, outcome="paid")
        db = connection.settings_dict
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE,
        }
        done = subprocess.run(  # noqa: S603 (this interpreter, the script above)
            [sys.executable, "-c", WEB_PROCESS, payment.provider_reference],
            cwd=Path(settings.BASE_DIR),
            env=env,
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == -signal.SIGKILL, done.stderr.decode()[-2000:]
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PENDING  # its transaction never committed
        assert not AuditEvent.objects.filter(action="payment.paid").exists()
        assert_settled_by_reconciliation(payment)
