"""Reads of the finance service: who is a finance agent, payments received
per day, provider and procedure, and the rows of the reconciliation export."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncDate

from beffroi.municipality.selectors import seats_of
from beffroi.payments.models import SETTLED_STATUSES, Payment
from beffroi.payments.registry import provider_get


def provider_label(name: str) -> str:
    """The provider's name as the finance service reads it."""
    provider = provider_get(name)
    return provider.label if provider is not None and provider.label else name


def is_finance_agent(user: Any) -> bool:
    """A member of the finance service (``PAYMENT_FINANCE_SERVICE``): imports
    the bank's statements, matches its credits and reads the finance view."""
    if not getattr(user, "is_authenticated", False):
        return False
    return any(seat.service_code == settings.PAYMENT_FINANCE_SERVICE for seat in seats_of(user))


@dataclass(frozen=True)
class DayRow:
    day: datetime.date
    provider: str
    procedure: str
    provider_label: str
    count: int
    total: Decimal
    refunded: Decimal


@dataclass(frozen=True)
class FinanceSummary:
    rows: list[DayRow]
    count: int
    total: Decimal
    refunded: Decimal
    by_provider: dict[str, Decimal]


def payments_received(start: datetime.date, end: datetime.date) -> QuerySet[Payment]:
    """Payments received between ``start`` and ``end`` (both included, local days)."""
    return (
        Payment.objects.of_current_municipality()
        .filter(status__in=SETTLED_STATUSES, paid_at__isnull=False)
        .filter(paid_at__date__gte=start, paid_at__date__lte=end)
    )


def finance_summary(start: datetime.date, end: datetime.date) -> FinanceSummary:
    """Per day, provider and procedure, with the totals (one query)."""
    grouped = (
        payments_received(start, end)
        .annotate(day=TruncDate("paid_at"))
        .values("day", "provider", "case__procedure__title")
        .annotate(count=Count("id"), total=Sum("amount"), refunded=Sum("refunded_amount"))
        .order_by("day", "provider", "case__procedure__title")
    )
    rows = [
        DayRow(
            day=row["day"],
            provider=row["provider"],
            procedure=row["case__procedure__title"] or "",
            provider_label=provider_label(row["provider"]),
            count=row["count"],
            total=row["total"] or Decimal("0"),
            refunded=row["refunded"] or Decimal("0"),
        )
        for row in grouped
    ]
    by_provider: dict[str, Decimal] = {}
    for row in rows:
        by_provider[row.provider_label] = (
            by_provider.get(row.provider_label, Decimal("0")) + row.total
        )
    return FinanceSummary(
        rows=rows,
        count=sum(row.count for row in rows),
        total=sum((row.total for row in rows), Decimal("0")),
        refunded=sum((row.refunded for row in rows), Decimal("0")),
        by_provider=by_provider,
    )


def reconciliation_rows(start: datetime.date, end: datetime.date) -> list[list[Any]]:
    """Each payment received, as the export's lines (one query)."""
    payments = (
        payments_received(start, end).select_related("case__procedure").order_by("paid_at", "id")
    )
    return [
        [
            payment.paid_at.date() if payment.paid_at else None,
            payment.case.reference,
            payment.case.procedure.title,
            provider_label(payment.provider),
            payment.provider_reference,
            payment.amount,
            payment.refunded_amount,
            payment.get_status_display(),
        ]
        for payment in payments
    ]
