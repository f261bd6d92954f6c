from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from beffroi.core.jobs import municipal
from beffroi.core.periodic import periodic
from beffroi.payments.models import Payment
from beffroi.payments.reminders import (
    filing_fees_to_remind,
    municipalities_with_fees_to_remind,
    payment_reminder_send,
)
from beffroi.payments.selectors import (
    municipalities_with_payments_to_reconcile,
    payments_to_reconcile,
)
from beffroi.payments.services import payment_refresh


# Every 5 minutes: a payment whose notification was lost (or whose web
# process died between the provider's answer and its commit) is settled
# within 20 minutes of being opened. Running it twice changes nothing.
@periodic(every=timedelta(minutes=5), pending=municipalities_with_payments_to_reconcile)
@task()
@municipal
def reconcile_open_payments() -> None:
    for payment in Payment.objects.filter(pk__in=payments_to_reconcile()):
        payment_refresh(payment=payment, source="reconciliation")


# Every 15 minutes: a case waiting for its fee at filing gets its one
# reminder soon after PAYMENT_REMINDER_AFTER_DAYS. Running it twice sends nothing more.
@periodic(every=timedelta(minutes=15), pending=municipalities_with_fees_to_remind)
@task()
@municipal
def remind_unpaid_filing_fees() -> None:
    for case_id in filing_fees_to_remind():
        payment_reminder_send(case_id=case_id)
