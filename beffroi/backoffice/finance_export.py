"""The reconciliation export: the payments received over a period, as CSV
(for any spreadsheet) and XLSX (a summary sheet and a detail sheet)."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.http import HttpResponse
from django.utils.translation import gettext as _

from beffroi.payments.finance import FinanceSummary

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A spreadsheet runs a cell starting with these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def detail_headers() -> list[str]:
    return [
        _("Payé le"),
        _("Demande"),
        _("Démarche"),
        _("Moyen de paiement"),
        _("Référence du paiement"),
        _("Montant (€)"),
        _("Remboursé (€)"),
        _("Statut"),
    ]


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def export_csv(rows: list[list[Any]], filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so that spreadsheets read the accents
    writer = csv.writer(response, delimiter=";")
    writer.writerow(detail_headers())
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return response


def _summary_sheet(book: Any, summary: FinanceSummary, money: Any, day: Any) -> None:
    sheet = book.add_worksheet(_("Par jour"))
    headers = [_("Jour"), _("Moyen de paiement"), _("Démarche"), _("Nombre"), _("Total (€)")]
    sheet.write_row(0, 0, headers)
    for number, row in enumerate(summary.rows, start=1):
        sheet.write_datetime(number, 0, datetime.datetime.combine(row.day, datetime.time()), day)
        sheet.write_string(number, 1, row.provider_label)
        sheet.write_string(number, 2, row.procedure)
        sheet.write_number(number, 3, row.count)
        sheet.write_number(number, 4, float(row.total), money)
    last = len(summary.rows) + 1
    sheet.write_string(last, 0, _("Total"))
    sheet.write_number(last, 3, summary.count)
    sheet.write_number(last, 4, float(summary.total), money)
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 2, 30)


def _detail_sheet(book: Any, rows: list[list[Any]], money: Any, day: Any) -> None:
    sheet = book.add_worksheet(_("Paiements"))
    sheet.write_row(0, 0, detail_headers())
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if isinstance(value, Decimal):
                sheet.write_number(number, column, float(value), money)
            elif isinstance(value, datetime.date):
                moment = datetime.datetime.combine(value, datetime.time())
                sheet.write_datetime(number, column, moment, day)
            else:
                sheet.write_string(number, column, str(value or ""))
    sheet.set_column(0, 7, 18)


def export_xlsx(summary: FinanceSummary, rows: list[list[Any]], filename: str) -> HttpResponse:
    output = io.BytesIO()
    # Strings are written as strings: nothing a citizen typed becomes a formula.
    book = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False})
    money = book.add_format({"num_format": "#,##0.00"})
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    _summary_sheet(book, summary, money, day)
    _detail_sheet(book, rows, money, day)
    book.close()
    response = HttpResponse(output.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
