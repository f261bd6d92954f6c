"""A payer who chose the transfer may still pay by card; a card checkout
already open stays the one open."""

from __future__ import annotations

import uuid
from decimal import Decimal

from beffroi.accounts.models import User
from beffroi.audit.models import AuditEvent
from beffroi.cases.models import Case
from beffroi.payments.contrib.transfer.models import BankCredit
from beffroi.payments.contrib.transfer.tests.helpers import (
    TransferTestCase,
    start_transfer,
    statement_paying,
)
from beffroi.payments.models import Payment
from beffroi.payments.services import payment_start
from beffroi.payments.tests.helpers import pin_case


def start_card(case: Case, actor: User, provider_name: str = "") -> Payment:
    return payment_start(
        actor=actor,
        case=case,
        amount=Decimal("2.00"),
        reason="Nouveau code PIN",
        idempotency_key=uuid.uuid4(),
        provider_name=provider_name,
    )


class ChangingMethodTests(TransferTestCase):
    def test_a_transfer_not_made_gives_way_to_a_card(self) -> None:
        case = pin_case(self.citizen)
        transfer = start_transfer(case, self.citizen)
        card = start_card(case, self.citizen)
        transfer.refresh_from_db()
        assert transfer.status == Payment.Status.CANCELLED
        assert card.provider == "demo"
        assert card.status == Payment.Status.PENDING
        assert AuditEvent.objects.filter(
            action="payment.replaced", object_id=str(transfer.pk)
        ).exists()
        # The transfer made anyway is not taken for the card's payment: it
        # waits in the credits to match, where the finance service gives it back.
        self.import_file(statement_paying(transfer))
        assert BankCredit.objects.get().status == BankCredit.Status.TO_MATCH
        card.refresh_from_db()
        assert card.status == Payment.Status.PENDING

    def test_an_open_card_checkout_stays_the_one_open(self) -> None:
        case = pin_case(self.citizen)
        card = start_card(case, self.citizen)
        again = start_transfer(case, self.citizen)
        assert again.pk == card.pk
        assert Payment.objects.filter(case=case).count() == 1
