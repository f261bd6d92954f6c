"""The finance service's screens: payments received, CODA import, credits to match."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from beffroi.backoffice.decorators import agent_required
from beffroi.backoffice.finance_export import export_csv, export_xlsx
from beffroi.backoffice.forms_finance import (
    CodaUploadForm,
    CreditDismissForm,
    CreditMatchForm,
    PeriodForm,
)
from beffroi.catalogue.definition import euros
from beffroi.payments.contrib.transfer.coda import CodaInvalid
from beffroi.payments.contrib.transfer.selectors import (
    credit_amount,
    credits_to_match,
    recent_imports,
)
from beffroi.payments.contrib.transfer.services import (
    CodaRefused,
    bank_credit_dismiss,
    bank_credit_match,
    coda_import,
)
from beffroi.payments.finance import finance_summary, is_finance_agent, reconciliation_rows


def _finance_only(request: HttpRequest) -> None:
    if not is_finance_agent(request.user):
        raise PermissionDenied("Finance screens are for the finance service.")


def _home(request: HttpRequest, upload: CodaUploadForm, status: int = 200) -> HttpResponse:
    period = PeriodForm(request.GET or None)
    start, end = period.period()
    return render(
        request,
        "backoffice/finance/home.html",
        {
            "nav": "finance",
            "period": period,
            "start": start,
            "end": end,
            "summary": finance_summary(start, end),
            "upload": upload,
            "imports": recent_imports(),
            "to_match": credits_to_match().count(),
        },
        status=status,
    )


@agent_required
@require_safe
def finance_home(request: HttpRequest) -> HttpResponse:
    _finance_only(request)
    return _home(request, CodaUploadForm())


@agent_required
@require_safe
def finance_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _finance_only(request)
    start, end = PeriodForm(request.GET or None).period()
    rows = reconciliation_rows(start, end)
    name = f"paiements-{start.isoformat()}-{end.isoformat()}"
    if fmt == "csv":
        return export_csv(rows, f"{name}.csv")
    if fmt == "xlsx":
        return export_xlsx(finance_summary(start, end), rows, f"{name}.xlsx")
    raise Http404


@agent_required
@require_POST
def coda_upload(request: HttpRequest) -> HttpResponse:
    _finance_only(request)
    form = CodaUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _home(request, form, 400)
    uploaded = form.cleaned_data["coda_file"]
    try:
        done = coda_import(
            actor=request.user, filename=uploaded.name or "coda", content=uploaded.read()
        )
    except (CodaRefused, CodaInvalid) as refusal:
        form.add_error("coda_file", refusal.message)
        return _home(request, form, 400)
    messages.success(
        request,
        _(
            "Extrait importé : %(credits)d crédit(s), %(settled)d paiement(s) réglé(s), "
            "%(to_match)d à rapprocher."
        )
        % {
            "credits": done.credits_count,
            "settled": done.settled_count,
            "to_match": done.to_match_count,
        },
    )
    return redirect("backoffice:finance_credits")


def _credits_page(
    request: HttpRequest, bound: dict[int, dict[str, Any]] | None = None, status: int = 200
) -> HttpResponse:
    bound = bound or {}
    credits = list(credits_to_match()[:200])
    rows = [
        {
            "credit": credit,
            "match": bound.get(credit.pk, {}).get("match") or CreditMatchForm(credit_id=credit.pk),
            "dismiss": bound.get(credit.pk, {}).get("dismiss")
            or CreditDismissForm(credit_id=credit.pk),
        }
        for credit in credits
    ]
    return render(
        request, "backoffice/finance/credits.html", {"nav": "finance", "rows": rows}, status=status
    )


@agent_required
@require_safe
def finance_credits(request: HttpRequest) -> HttpResponse:
    _finance_only(request)
    return _credits_page(request)


@agent_required
@require_POST
def credit_match(request: HttpRequest, pk: int) -> HttpResponse:
    _finance_only(request)
    form = CreditMatchForm(request.POST, credit_id=pk)
    if form.is_valid():
        try:
            payment = bank_credit_match(
                actor=request.user, credit_id=pk, reference=form.cleaned_data["reference"]
            )
        except CodaRefused as refusal:
            form.add_error("reference", refusal.message)
        else:
            text = _("Crédit rapproché du paiement de la demande %(reference)s.") % {
                "reference": payment.case.reference
            }
            if payment.amount != credit_amount(pk):
                text += " " + _(
                    "Le montant reçu diffère du montant dû (%(due)s) : voyez avec le demandeur."
                ) % {"due": euros(payment.amount)}
            messages.success(request, text)
            return redirect("backoffice:finance_credits")
    return _credits_page(request, {pk: {"match": form}}, 400)


@agent_required
@require_POST
def credit_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    _finance_only(request)
    form = CreditDismissForm(request.POST, credit_id=pk)
    if form.is_valid():
        try:
            bank_credit_dismiss(actor=request.user, credit_id=pk, note=form.cleaned_data["note"])
        except CodaRefused as refusal:
            form.add_error("note", refusal.message)
        else:
            messages.success(request, _("Crédit mis de côté : il ne concerne aucun paiement."))
            return redirect("backoffice:finance_credits")
    return _credits_page(request, {pk: {"dismiss": form}}, 400)
