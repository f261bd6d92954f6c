from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from beffroi.core.jobs import municipal
from beffroi.core.periodic import periodic
from beffroi.payments.contrib.transfer.plugin import NAME
from beffroi.payments.contrib.transfer.selectors import (
    matched_transfers_open,
    municipalities_with_matched_transfers_open,
)
from beffroi.payments.models import Payment
from beffroi.payments.services import payment_notification_receive


# Queued by a CODA import for the payments its credits matched: each is
# settled by the service a provider's notification goes through, in its own
# transaction (a case that cannot go on does not hold back the others).
# Running it twice changes nothing: a paid payment stays paid.
@task()
@municipal
def transfers_settle(payment_ids: list[int]) -> None:
    payments = Payment.objects.open().filter(provider=NAME, pk__in=payment_ids)
    for reference in payments.values_list("provider_reference", flat=True):
        payment_notification_receive(provider_name=NAME, reference=reference)


# Every 5 minutes: a matched credit whose settling job was lost settles its payment.
@periodic(every=timedelta(minutes=5), pending=municipalities_with_matched_transfers_open)
@task()
@municipal
def settle_matched_transfers() -> None:
    transfers_settle.call(matched_transfers_open())
