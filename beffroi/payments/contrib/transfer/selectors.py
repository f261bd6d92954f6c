"""Reads of bank transfers: the credits waiting for an agent, the last imports."""

from __future__ import annotations

from django.db.models import QuerySet

from beffroi.payments.contrib.transfer.models import BankCredit, CodaImport


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
