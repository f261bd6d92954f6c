"""A finance agent, transfers started by Marie, and CODA statements paying them."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from beffroi.accounts.models import User
from beffroi.cases.models import Case
from beffroi.payments.contrib.transfer.coda_sample import SampleCredit, coda_sample
from beffroi.payments.contrib.transfer.models import CodaImport
from beffroi.payments.contrib.transfer.services import coda_import
from beffroi.payments.models import Payment
from beffroi.payments.services import payment_start
from beffroi.payments.tests.helpers import PaymentTestCase
from beffroi.testing.personas import make_user


def start_transfer(case: Case, actor: Any, amount: Decimal = Decimal("2.00")) -> Payment:
    return payment_start(
        actor=actor,
        case=case,
        amount=amount,
        reason="Nouveau code PIN",
        idempotency_key=uuid.uuid4(),
        provider_name="transfer",
    )


def statement_paying(
    *payments: Payment, extra: list[SampleCredit] | None = None, sequence: int = 1
) -> bytes:
    """A CODA statement (number ``sequence``) with one credit per payment, of
    its amount and communication."""
    credits = [SampleCredit(p.amount, structured=p.provider_reference) for p in payments]
    return coda_sample([*credits, *(extra or [])], sequence=sequence)


class TransferTestCase(PaymentTestCase):
    """The personas, and Gilles, an agent of the finance service."""

    finance_agent: User

    def import_file(self, content: bytes, name: str = "extrait.cod") -> CodaImport:
        """Gilles imports ``content``; its settling jobs run (on commit, inline in tests)."""
        with self.captureOnCommitCallbacks(execute=True):
            return coda_import(actor=self.finance_agent, filename=name, content=content)

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.finance_agent = make_user(
            "gilles@tournai.example",
            first_name="Gilles",
            last_name="Masson",
            services=(("finances", "agent"),),
        )
