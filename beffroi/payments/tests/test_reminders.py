"""A case unpaid at filing is reminded once, after two days, then cancelled by its timer."""

from __future__ import annotations

import datetime

import time_machine
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from beffroi.audit.models import AuditEvent
from beffroi.cases.models import Case, CaseEvent
from beffroi.cases.tasks import fire_due_timers
from beffroi.core.periodic import registered_jobs
from beffroi.notifications.models import OutgoingEmail
from beffroi.payments.models import PaymentReminder
from beffroi.payments.reminders import filing_fees_to_remind, payment_reminder_send
from beffroi.payments.tasks import remind_unpaid_filing_fees
from beffroi.payments.tests.helpers import PaymentTestCase, pay_at_provider, pin_case, start_payment

SUBJECT = "Rappel : votre demande"


def reminders() -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(subject__startswith=SUBJECT))


class PaymentReminderTests(PaymentTestCase):
    def setUp(self) -> None:
        self.start = timezone.now()

    def later(self, **delta: float) -> time_machine.travel:
        return time_machine.travel(self.start + datetime.timedelta(**delta), tick=False)

    def test_an_unpaid_case_is_reminded_once_after_two_days_with_what_how_and_when(self) -> None:
        case = pin_case(self.citizen)
        with self.later(days=1):
            remind_unpaid_filing_fees.call()
        assert reminders() == []
        with self.later(days=2, hours=1):
            remind_unpaid_filing_fees.call()
            remind_unpaid_filing_fees.call()  # the job runs again: nothing more
        [email] = reminders()
        assert email.to == self.citizen.email
        assert "2,00\u00a0€ restent à payer" in email.body_text
        pay_url = settings.SITE_URL + reverse("portal:case_detail", args=[case.reference])
        assert pay_url in email.body_text
        cancel_on = timezone.localtime(self.start + datetime.timedelta(days=7))
        assert f"Sans paiement d'ici le {cancel_on:%d/%m/%Y}, la demande sera annulée." in (
            email.body_text
        )
        assert PaymentReminder.objects.get().case == case
        assert AuditEvent.objects.filter(action="payment.reminded").count() == 1
        assert CaseEvent.objects.filter(
            case=case, kind=CaseEvent.Kind.PAYMENT, visible_to_citizen=True
        ).exists()

    def test_then_the_timer_cancels_it(self) -> None:
        case = pin_case(self.citizen)
        with self.later(days=3):
            remind_unpaid_filing_fees.call()
        with self.later(days=7, minutes=1):
            fire_due_timers.call()
        case.refresh_from_db()
        assert case.status == "cancelled"
        assert len(reminders()) == 1

    def test_a_paid_case_is_not_reminded(self) -> None:
        case = pin_case(self.citizen)
        pay_at_provider(start_payment(case, self.citizen))
        with self.later(days=3):
            assert filing_fees_to_remind() == []
            assert payment_reminder_send(case_id=case.pk) is False
        assert reminders() == []

    def test_an_open_payment_does_not_stop_the_reminder(self) -> None:
        case = pin_case(self.citizen)
        start_payment(case, self.citizen)  # the page was left at the provider
        with self.later(days=3):
            remind_unpaid_filing_fees.call()
        assert len(reminders()) == 1

    def test_sending_twice_sends_once(self) -> None:
        case = pin_case(self.citizen)
        with self.later(days=3):
            assert payment_reminder_send(case_id=case.pk) is True
            assert payment_reminder_send(case_id=case.pk) is False
        assert len(reminders()) == 1

    @override_settings(PAYMENT_REMINDER_AFTER_DAYS=5)
    def test_the_delay_is_configurable(self) -> None:
        pin_case(self.citizen)
        with self.later(days=3):
            assert filing_fees_to_remind() == []
        with self.later(days=5, hours=1):
            assert len(filing_fees_to_remind()) == 1

    @override_settings(PAYMENT_REMINDER_AFTER_DAYS=0)
    def test_no_reminder_when_set_to_zero(self) -> None:
        pin_case(self.citizen)
        with self.later(days=6):
            assert filing_fees_to_remind() == []

    def test_a_free_procedure_is_never_reminded(self) -> None:
        assert Case.objects.count() == 0
        with self.later(days=3):
            assert filing_fees_to_remind() == []


def test_the_reminder_job_is_registered_with_the_worker_scheduler() -> None:
    jobs = {job.name: job for job in registered_jobs()}
    assert jobs["beffroi.payments.tasks.remind_unpaid_filing_fees"].every == (
        datetime.timedelta(minutes=15)
    )
