"""Reads of payments: what a case is due and has paid, a citizen's payments,
the payments the reconciliation job reads again."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from beffroi.cases.models import Case
from beffroi.catalogue.definition import FeeQuote, fee_quote
from beffroi.core.periodic import municipalities_among
from beffroi.core.tenancy import current_municipality_id
from beffroi.payments.models import (
    SETTLED_STATUSES,
    UNPAID_STATUSES,
    AmountDue,
    Payment,
    ReceiptTemplate,
)
from beffroi.payments.registry import PROVIDERS


def case_filing_fee(case: Case) -> FeeQuote | None:
    return fee_quote(case.spec.fee, case.answers)


def filing_fee_unpaid(case: Case) -> FeeQuote | None:
    """The fee due at filing while the case still waits for it (None otherwise)."""
    fee = case_filing_fee(case)
    if fee is None or not fee.at_filing or case.status != case.spec.initial_status:
        return None
    if case.is_closed or case.condition_context()["fee_paid"]:
        return None
    return fee


@dataclass(frozen=True)
class CaseMoney:
    """What the case page says of money: due, paid, refunded, and the payments."""

    due: Decimal
    paid: Decimal
    refunded: Decimal
    payments: list[Payment]
    # Amounts agents asked for (« Demander un paiement »), paid or not.
    requested: list[AmountDue] = field(default_factory=list)

    @property
    def outstanding(self) -> Decimal:
        return max(self.due - self.paid, Decimal("0"))


def case_money(case: Case) -> CaseMoney:
    payments = list(
        Payment.objects.filter(case=case).prefetch_related("refunds__agent").order_by("created_at")
    )
    quote = case_filing_fee(case)
    settled = [p for p in payments if p.status in SETTLED_STATUSES]
    requested = list(AmountDue.objects.filter(case=case).select_related("requested_by"))
    # The definition's fee when it is due at filing, and what agents asked for.
    filing = quote.amount if quote and (quote.at_filing or not requested) else Decimal("0")
    return CaseMoney(
        due=filing + sum((a.amount for a in requested), Decimal("0")),
        paid=sum((p.amount for p in settled), Decimal("0")),
        refunded=sum((p.refunded_amount for p in settled), Decimal("0")),
        payments=payments,
        requested=requested,
    )


def payments_of_citizen(user: Any) -> QuerySet[Payment]:
    """A citizen's payments, newest first, with what the list shows."""
    return (
        Payment.objects.of_current_municipality()
        .filter(case__applicant=user)
        .select_related("case__procedure", "receipt")
        .order_by("-created_at", "-id")
    )


def get_payment_for_citizen(user: Any, key: Any) -> Payment:
    """The payment (by its public key) if it is one of the citizen's; 404 otherwise."""
    payment = (
        payments_of_citizen(user).filter(idempotency_key=key).first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if payment is None:
        raise Http404
    return payment


def get_payment_by_key(key: Any) -> Payment:
    """The payment a provider sends its payer back for (its key is unguessable)."""
    payment = (
        Payment.objects.of_current_municipality()
        .select_related("case__procedure")
        .filter(idempotency_key=key)
        .first()
    )
    if payment is None:
        raise Http404
    return payment


@dataclass(frozen=True)
class PaymentRow:
    payment: Payment
    may_pay_again: bool


def citizen_payment_rows(user: Any, *, limit: int = 200) -> list[PaymentRow]:
    """« Mes paiements »: each payment, and whether « Payer » is offered again
    (two queries, however many payments)."""
    payments = list(payments_of_citizen(user)[:limit])
    taken = set(
        Payment.objects.filter(
            case_id__in={p.case_id for p in payments},
            status__in=(*SETTLED_STATUSES, Payment.Status.PENDING),
        ).values_list("case_id", "due_key")
    )
    return [
        PaymentRow(
            payment=p,
            may_pay_again=p.status in UNPAID_STATUSES
            and not p.case.is_closed
            and (p.case_id, p.due_key) not in taken,
        )
        for p in payments
    ]


def may_pay_again(payment: Payment) -> bool:
    """A refused, expired or abandoned payment whose amount is still due."""
    if payment.status not in UNPAID_STATUSES or payment.case.is_closed:
        return False
    return not Payment.objects.filter(
        case_id=payment.case_id,
        due_key=payment.due_key,
        status__in=(*SETTLED_STATUSES, Payment.Status.PENDING),
    ).exists()


def payments_to_reconcile(*, now: datetime.datetime | None = None) -> list[int]:
    """Open payments older than ``PAYMENT_RECONCILE_AFTER_MINUTES``, oldest
    first (not those of a provider that is not ``polled``)."""
    return list(
        _to_reconcile(Payment.objects.all(), now=now or timezone.now())
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )


def _to_reconcile(payments: QuerySet[Payment], *, now: datetime.datetime) -> QuerySet[Payment]:
    before = now - datetime.timedelta(minutes=settings.PAYMENT_RECONCILE_AFTER_MINUTES)
    not_polled = [name for name, provider in PROVIDERS.items() if not provider.polled]
    return payments.filter(status=Payment.Status.PENDING, created_at__lte=before).exclude(
        provider__in=not_polled
    )


def municipalities_with_payments_to_reconcile() -> list[int | None]:
    """The reconciliation job's ``pending``, in one query (the open payments' index)."""
    return municipalities_among(_to_reconcile(Payment.all_municipalities.all(), now=timezone.now()))


def amounts_due_unpaid(case: Case) -> list[AmountDue]:
    """What agents asked the applicant to pay and is not paid yet, oldest first."""
    if case.is_closed:
        return []
    return list(AmountDue.objects.filter(case=case, paid_at__isnull=True))


def amounts_due_of_citizen(user: Any) -> list[AmountDue]:
    """« Mes paiements »: the amounts asked for on the citizen's open cases, not paid yet."""
    amounts = AmountDue.objects.filter(
        case__applicant=user, paid_at__isnull=True, case__closed_at__isnull=True
    )
    # Scoped by the applicant's own cases (one query: the list's count is pinned).
    return list(amounts.select_related("case__procedure"))


def amount_due_payments(amount_due: AmountDue) -> list[Payment]:
    """The attempts at paying ``amount_due``, newest first."""
    return list(
        Payment.objects.filter(case_id=amount_due.case_id, due_key=amount_due.due_key).order_by(
            "-created_at", "-id"
        )
    )


def amount_due_of_payment(payment: Payment) -> AmountDue | None:
    """The amount an agent asked for that ``payment`` pays (None: the filing fee)."""
    if payment.due_key == "filing":
        return None
    return AmountDue.objects.filter(case_id=payment.case_id, due_key=payment.due_key).first()


def receipt_template_current() -> ReceiptTemplate | None:
    """The city's own receipt text, if it wrote one."""
    municipality_id = current_municipality_id()
    if municipality_id is None:  # an installation without its city recorded yet
        return ReceiptTemplate.objects.filter(municipality__isnull=True).first()
    return ReceiptTemplate.objects.filter(municipality_id=municipality_id).first()
