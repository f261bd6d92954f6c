"""Paying: back from the provider, « Payer » again, « Mes paiements » and receipts."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from beffroi.cases.models import Case
from beffroi.cases.selectors import submitted_case_for
from beffroi.documents.responses import file_response
from beffroi.payments.base import ProviderError
from beffroi.payments.links import amount_due_links, amount_due_token
from beffroi.payments.models import Payment
from beffroi.payments.selectors import (
    amount_due_of_payment,
    amounts_due_of_citizen,
    case_filing_fee,
    citizen_payment_rows,
    get_payment_by_key,
    get_payment_for_citizen,
    may_pay_again,
)
from beffroi.payments.services import (
    PaymentRefused,
    payment_receipt_issue,
    payment_refresh,
    payment_start,
)
from beffroi.portal.forms import PayForm
from beffroi.portal.session import session_drafts


def pay_filing_fee(request: HttpRequest, case: Case, form: PayForm) -> HttpResponse:
    """Open (or find again) the payment of the fee due at filing and go pay it
    (online, or by bank transfer when the payer pressed that button)."""
    quote = case_filing_fee(case)
    if quote is None or not quote.at_filing:
        return redirect("portal:confirmation", code=case.tracking_code)
    try:
        payment = payment_start(
            actor=request.user,
            case=case,
            amount=quote.amount,
            reason=case.procedure.title,
            idempotency_key=form.cleaned_data["payment_key"],
            provider_name=form.cleaned_data.get("method") or "",
        )
    except (PaymentRefused, ProviderError) as error:
        messages.error(request, error.message)
        return redirect("portal:confirmation", code=case.tracking_code)
    return go_to_checkout(request, payment)


@require_POST
def case_pay(request: HttpRequest, code: str) -> HttpResponse:
    """« Payer » from the confirmation page (the provider was down, the page was left)."""
    case = submitted_case_for(request.user, code, session_drafts=session_drafts(request))
    if case is None:
        raise Http404
    form = PayForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors_text())
        return redirect("portal:confirmation", code=case.tracking_code)
    return pay_filing_fee(request, case, form)


def go_to_checkout(request: HttpRequest, payment: Payment) -> HttpResponse:
    """Send the payer to the provider's page, or back here when it is settled."""
    if payment.is_open and payment.checkout_url:
        return redirect(payment.checkout_url)
    return redirect("portal:payment_return", key=payment.idempotency_key)


def _amount_due_receipt_url(payment: Payment) -> str:
    """An amount asked for is paid with or without an account: its receipt
    is behind the signed link (« Mes paiements » needs an account)."""
    amount_due = amount_due_of_payment(payment) if payment.is_settled else None
    if amount_due is None:
        return ""
    return reverse("portal:amount_due_receipt", args=[amount_due_token(amount_due)])


@require_safe
def payment_return(request: HttpRequest, key: uuid.UUID) -> HttpResponse:
    """Where the provider sends the payer back: the status is read from the
    provider at once (the notification may come later, or never)."""
    payment = get_payment_by_key(key)
    if payment.is_open:
        payment_refresh(payment=payment, source="return")
        payment.refresh_from_db(fields=["status", "paid_at"])
    return render(
        request,
        "portal/payments/return.html",
        {
            "nav": "dashboard",
            "payment": payment,
            "case": payment.case,
            "may_pay_again": may_pay_again(payment),
            "amount_due_receipt_url": _amount_due_receipt_url(payment),
            "form": PayForm(initial={"payment_key": uuid.uuid4()}),
        },
    )


@require_POST
def payment_pay_again(request: HttpRequest, key: uuid.UUID) -> HttpResponse:
    """« Payer » again after a refusal, an expiry or an abandon."""
    previous = get_payment_by_key(key)
    form = PayForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors_text())
        return redirect("portal:payment_return", key=previous.idempotency_key)
    try:
        payment = payment_start(
            actor=request.user,
            case=previous.case,
            amount=previous.amount,
            reason=previous.reason,
            due_key=previous.due_key,
            idempotency_key=form.cleaned_data["payment_key"],
        )
    except (PaymentRefused, ProviderError) as error:
        messages.error(request, error.message)
        return redirect("portal:payment_return", key=previous.idempotency_key)
    return go_to_checkout(request, payment)


@login_required
@require_safe
def my_payments(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/account/payments.html",
        {
            "nav": "dashboard",
            "section": "payments",
            "rows": citizen_payment_rows(request.user),
            "amounts_due": amount_due_links(amounts_due_of_citizen(request.user)),
            "form": PayForm(initial={"payment_key": uuid.uuid4()}),
        },
    )


@login_required
@require_safe
def payment_receipt(request: HttpRequest, key: uuid.UUID) -> HttpResponseBase:
    payment = get_payment_for_citizen(request.user, key)
    try:
        receipt = payment_receipt_issue(payment=payment)
    except PaymentRefused as error:
        messages.error(request, error.message)
        return redirect("portal:my_payments")
    return file_response(receipt.file, receipt.filename)
