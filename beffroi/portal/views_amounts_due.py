"""An amount asked for by an agent, paid from the email's signed link (with
or without an account), the case page or « Mes paiements »."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from beffroi.documents.responses import file_response
from beffroi.payments.base import ProviderError
from beffroi.payments.links import LinkRefused, amount_due_from_token
from beffroi.payments.models import AmountDue, Payment
from beffroi.payments.selectors import amount_due_payments
from beffroi.payments.services import PaymentRefused, payment_receipt_issue, payment_start
from beffroi.portal.forms import PayForm
from beffroi.portal.views_payments import go_to_checkout


def link_refused(request: HttpRequest, refusal: LinkRefused) -> HttpResponse:
    return render(
        request,
        "portal/payments/link_refused.html",
        {"nav": "tracking", "expired": refusal.expired},
        status=410 if refusal.expired else 404,
    )


def _pay(request: HttpRequest, amount_due: AmountDue) -> HttpResponse:
    form = PayForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors_text())
        return redirect(request.path)
    if amount_due.is_paid:
        messages.error(request, _("Ce montant est déjà payé."))
        return redirect(request.path)
    try:
        payment = payment_start(
            actor=request.user,
            case=amount_due.case,
            amount=amount_due.amount,
            reason=amount_due.reason,
            due_key=amount_due.due_key,
            idempotency_key=form.cleaned_data["payment_key"],
            provider_name=form.cleaned_data.get("method") or "",
        )
    except (PaymentRefused, ProviderError) as error:
        messages.error(request, error.message)
        return redirect(request.path)
    return go_to_checkout(request, payment)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def amount_due_page(request: HttpRequest, token: str) -> HttpResponse:
    """What is due and why, « Payer » (and « Payer par virement »)."""
    try:
        amount_due = amount_due_from_token(token)
    except LinkRefused as refusal:
        return link_refused(request, refusal)
    if request.method == "POST":
        return _pay(request, amount_due)
    payments = amount_due_payments(amount_due)
    return render(
        request,
        "portal/payments/amount_due.html",
        {
            "nav": "tracking",
            "amount_due": amount_due,
            "case": amount_due.case,
            "token": token,
            "settled": next((p for p in payments if p.is_settled), None),
            "open": next((p for p in payments if p.is_open), None),
            "form": PayForm(initial={"payment_key": uuid.uuid4()}),
        },
    )


@require_safe
def amount_due_receipt(request: HttpRequest, token: str) -> HttpResponseBase:
    """The receipt of the amount paid, from the same signed link."""
    try:
        amount_due = amount_due_from_token(token)
    except LinkRefused as refusal:
        return link_refused(request, refusal)
    settled: Payment | None = next(
        (p for p in amount_due_payments(amount_due) if p.is_settled), None
    )
    try:
        if settled is None:
            raise PaymentRefused(_("Ce paiement n'a pas été reçu : il n'a pas de reçu."))
        receipt = payment_receipt_issue(payment=settled)
    except PaymentRefused as error:
        messages.error(request, error.message)
        return redirect("portal:amount_due", token=token)
    return file_response(receipt.file, receipt.filename)
