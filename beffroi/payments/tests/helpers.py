"""A PIN code request (2 €, paid at filing) and its payment, for the payments tests."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from beffroi.cases.formengine import prefill_values
from beffroi.cases.models import Case, Draft
from beffroi.cases.services import SentPage, case_submit, draft_new, draft_start
from beffroi.catalogue.models import Procedure
from beffroi.demo.answers import sample_answers
from beffroi.payments.contrib.demo.plugin import charge_settle
from beffroi.payments.models import Payment
from beffroi.payments.services import payment_notification_receive, payment_start
from beffroi.testing.personas import PersonaTestCase

PIN = "nouveau-code-pin"


def pin_draft(applicant: Any) -> Draft:
    """A PIN code request with every answer given, not sent yet."""
    return sample_draft(PIN, applicant)


def sample_draft(slug: str, applicant: Any, **overrides: Any) -> Draft:
    """A request of ``slug`` with plausible answers (``overrides`` beside), not sent yet."""
    procedure = Procedure.objects.get(slug=slug)
    who = {"actor": applicant, "procedure": procedure, "for_citizen": applicant}
    spec = draft_new(**who).spec
    answers, _files = sample_answers(spec, overrides, prefill=prefill_values(applicant, None))
    page = SentPage(page_id=spec.pages[-1].id, raw={}, answers=answers, uploads={})
    return draft_start(**who, first_page=page)


def pin_case(applicant: Any) -> Case:
    """A PIN code request sent, waiting for its 2 €."""
    return case_submit(actor=applicant, draft=pin_draft(applicant))


def start_payment(case: Case, actor: Any, key: uuid.UUID | None = None) -> Payment:
    return payment_start(
        actor=actor,
        case=case,
        amount=Decimal("2.00"),
        reason="Nouveau code PIN",
        idempotency_key=key or uuid.uuid4(),
    )


def pay_at_provider(payment: Payment, outcome: str = "paid") -> None:
    """The payer's choice on the demo provider's page, and its notification."""
    charge_settle(reference=payment.provider_reference, outcome=outcome)
    payment_notification_receive(provider_name="demo", reference=payment.provider_reference)


class PaymentTestCase(PersonaTestCase):
    """The personas and the shipped catalogue (the PIN request costs 2 €, paid at filing)."""
