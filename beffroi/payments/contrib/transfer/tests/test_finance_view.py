"""The finance view: payments received per day, provider and procedure, and its exports."""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from beffroi.payments.contrib.transfer.tests.helpers import (
    TransferTestCase,
    start_transfer,
    statement_paying,
)
from beffroi.payments.finance import finance_summary
from beffroi.payments.tests.helpers import pay_at_provider, pin_case, start_payment


class FinanceViewTests(TransferTestCase):
    def pay_two_ways(self, times: int = 1) -> None:
        for _ in range(times):
            pay_at_provider(start_payment(pin_case(self.citizen), self.citizen))
            transfer = start_transfer(pin_case(self.other_citizen), self.other_citizen)
            self.import_file(statement_paying(transfer, sequence=transfer.pk), f"{transfer.pk}.cod")

    def test_the_summary_groups_by_day_provider_and_procedure_with_totals(self) -> None:
        self.pay_two_ways(2)
        today = timezone.localdate()
        summary = finance_summary(today, today)
        assert [(r.provider, r.count, r.total) for r in summary.rows] == [
            ("demo", 2, Decimal("4.00")),
            ("transfer", 2, Decimal("4.00")),
        ]
        assert (summary.count, summary.total) == (4, Decimal("8.00"))
        assert summary.by_provider == {
            "Paiement de démonstration": Decimal("4.00"),
            "Virement bancaire": Decimal("4.00"),
        }
        yesterday = today - datetime.timedelta(days=1)
        assert finance_summary(yesterday, yesterday).rows == []

    def test_the_page_costs_the_same_queries_however_many_payments(self) -> None:
        self.pay_two_ways()
        self.client.force_login(self.finance_agent)
        url = reverse("backoffice:finance_home")
        self.client.get(url)
        with self.assertNumQueries(7):
            page = self.client.get(url)
        assert "4,00 €" in page.content.decode() or "2,00 €" in page.content.decode()
        self.pay_two_ways(2)
        with self.assertNumQueries(7):
            self.client.get(url)

    def test_a_wrong_period_is_a_french_message(self) -> None:
        self.client.force_login(self.finance_agent)
        url = reverse("backoffice:finance_home")
        page = self.client.get(url, {"start": "2026-12-31", "end": "2026-12-01"})
        assert "La date de début doit précéder" in page.content.decode()
        page = self.client.get(url, {"start": "hier"})
        assert "Indiquez une date" in page.content.decode()

    def test_the_exports_list_each_payment_in_csv_and_xlsx(self) -> None:
        self.pay_two_ways()
        self.client.force_login(self.finance_agent)
        csv_response = self.client.get(reverse("backoffice:finance_export", args=["csv"]))
        text = csv_response.content.decode("utf-8-sig")
        assert csv_response["Content-Type"].startswith("text/csv")
        lines = text.strip().splitlines()
        assert len(lines) == 3
        assert lines[0].startswith("Payé le;Demande")
        assert "Virement bancaire" in text
        assert "2,00" in text
        xlsx = self.client.get(reverse("backoffice:finance_export", args=["xlsx"]))
        with zipfile.ZipFile(io.BytesIO(xlsx.content)) as book:
            assert "xl/worksheets/sheet2.xml" in book.namelist()
            strings = book.read("xl/sharedStrings.xml").decode()
        assert "Virement bancaire" in strings
        assert (
            self.client.get(reverse("backoffice:finance_export", args=["pdf"])).status_code == 404
        )

    def test_a_plain_agent_cannot_export(self) -> None:
        self.client.force_login(self.agent)
        assert (
            self.client.get(reverse("backoffice:finance_export", args=["csv"])).status_code == 403
        )
