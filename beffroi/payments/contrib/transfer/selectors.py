"""Reads of bank transfers: the credits waiting for an agent, the last imports."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet

from beffroi.core.periodic import municipalities_among
from beffroi.payments.contrib.transfer.models import MATCHED, BankCredit, CodaImport
from beffroi.payments.models import Payment


def credits_to_match() -> QuerySet[BankCredit]:
    """Credits no open transfer claimed: an agent matches them or sets them aside."""
    return (
        BankCredit.objects.of_current_municipality()
        .filter(status=BankCredit.Status.TO_MATCH)
        .order_by("value_date", "id")
    )


def recent_imports(limit: int = 10) -> list[CodaImport]:
    return list(
        CodaImport.objects.of_current_municipality()
        .select_related("imported_by")
        .order_by("-imported_at", "-id")[:limit]
    )


def _matched_open(credits: QuerySet[BankCredit]) -> QuerySet[BankCredit]:
    return credits.filter(status__in=MATCHED, payment__status=Payment.Status.PENDING)


def matched_transfers_open(limit: int = 2000) -> list[int]:
    """Payments a credit was matched to that are not settled yet (their job is to come)."""
    return list(
        _matched_open(BankCredit.objects.of_current_municipality()).values_list(
            "payment_id", flat=True
        )[:limit]
    )


def municipalities_with_matched_transfers_open() -> list[int | None]:
    """The settling job's ``pending``, in one query (from the open payments' index)."""
    return municipalities_among(_matched_open(BankCredit.all_municipalities.all()))


def credit_amount(credit_id: int) -> Decimal | None:
    return (
        BankCredit.objects.of_current_municipality()
        .filter(pk=credit_id)
        .values_list("amount", flat=True)
        .first()
    )
