"""« Demander un paiement » from the case page."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beffroi.backoffice.case_page import case_page_again
from beffroi.backoffice.decorators import agent_required
from beffroi.backoffice.forms_payment_requests import PaymentRequestForm
from beffroi.backoffice.views_cases import STALE_MESSAGE
from beffroi.cases.selectors import get_case_for_agent
from beffroi.cases.services import StaleCase
from beffroi.cases.workflow import TransitionRefused
from beffroi.catalogue.definition import euros
from beffroi.payments.services import PaymentRefused, payment_request


@agent_required
@require_POST
def case_payment_request_view(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_agent(request.user, reference)
    form = PaymentRequestForm(request.POST)
    if not form.is_valid():
        return case_page_again(request, case, 400, payment_request_form=form)
    try:
        amount_due = payment_request(
            actor=request.user,
            case=case,
            transition_id=form.cleaned_data["transition"],
            amount=form.cleaned_data["amount"],
            reason=form.cleaned_data["reason"],
            comment=form.cleaned_data["comment"],
            expected_lock_version=form.cleaned_data["lock_version"],
        )
    except StaleCase:
        messages.error(request, STALE_MESSAGE)
        return case_page_again(request, case, 409, payment_request_form=form, stale=True)
    except (PaymentRefused, TransitionRefused) as refusal:
        form.add_error(
            "amount" if isinstance(refusal, PaymentRefused) else "comment", refusal.message
        )
        return case_page_again(request, case, 400, payment_request_form=form)
    messages.success(
        request,
        _("Paiement de %(amount)s demandé ; le demandeur reçoit un e-mail avec le lien pour payer.")
        % {"amount": euros(amount_due.amount)},
    )
    return redirect("backoffice:case_detail", reference=reference)
