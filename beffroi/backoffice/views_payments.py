"""What the case page does with money: refunds, by the head of the service."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beffroi.backoffice.case_page import case_page_again, refundable_payments
from beffroi.backoffice.decorators import agent_required
from beffroi.backoffice.forms_payments import RefundForm
from beffroi.backoffice.reauth import refund_confirm, refund_confirmation_needed
from beffroi.cases.selectors import get_case_for_agent
from beffroi.catalogue.definition import euros
from beffroi.payments.services import (
    RefundRefused,
    payment_refund,
    payment_refund_reauthentication_record,
)


@agent_required
@require_POST
def case_refund_view(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_agent(request.user, reference)
    payments = refundable_payments(case)
    needed = refund_confirmation_needed(request)
    form = RefundForm(request.POST, payments=payments, password_needed=needed)
    if not form.is_valid():
        return case_page_again(request, case, 400, refund_form=form)
    if needed:
        refused = refund_confirm(request, form.cleaned_data["password"])
        payment_refund_reauthentication_record(
            actor=request.user, case=case, succeeded=refused is None
        )
        if refused is not None:
            form.add_error("password", refused)
            return case_page_again(request, case, 400, refund_form=form)
    payment = next(p for p in payments if p.pk == form.cleaned_data["payment"])
    try:
        refund = payment_refund(
            actor=request.user,
            payment=payment,
            amount=form.cleaned_data["amount"],
            reason=form.cleaned_data["reason"],
        )
    except RefundRefused as refusal:
        form.add_error("amount", refusal.message)
        return case_page_again(request, case, 400, refund_form=form)
    messages.success(
        request, _("Remboursement de %(amount)s enregistré.") % {"amount": euros(refund.amount)}
    )
    return redirect(reverse("backoffice:case_detail", args=[reference]) + "#payments")
