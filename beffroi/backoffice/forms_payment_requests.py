"""The case page's « Demander un paiement »: an amount and its reason, for a
transition of the definition that asks for one (``payment:``)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from beffroi.cases.models import Case
from beffroi.catalogue.definition import fee_quote
from beffroi.core.forms import EurosField, SharedPageForm
from beffroi.payments.services import payment_amount_problem


class PaymentRequestForm(SharedPageForm):
    id_prefix = "payment_request"

    transition = forms.CharField(widget=forms.HiddenInput)
    amount = EurosField(
        label=_("Montant demandé (€)"),
        positive_message=_("Le montant demandé doit être supérieur à zéro."),
        help_text=_("En euros, au centime près, par exemple 12,50."),
        error_messages={"required": _("Indiquez le montant demandé.")},
    )
    reason = forms.CharField(
        label=_("Objet du paiement"),
        max_length=200,
        help_text=_("Le demandeur le lit dans l’e-mail et sur la page de paiement."),
        error_messages={"required": _("Indiquez l’objet du paiement (le demandeur le lit).")},
    )
    comment = forms.CharField(
        label=_("Message pour le demandeur"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_amount(self) -> Decimal:
        amount: Decimal = self.cleaned_data["amount"]
        problem = payment_amount_problem(amount)
        if problem:
            raise forms.ValidationError(problem)
        return amount


def _initial_amount(case: Case, payment: Mapping[str, Any]) -> str:
    """The definition's fee computed from the answers, as agents write it."""
    if payment.get("amount") != "fee":
        return ""
    quote = fee_quote(case.spec.fee, case.answers)
    return f"{quote.amount:.2f}".replace(".", ",") if quote else ""


def payment_request_forms(
    case: Case, transitions: list[dict[str, Any]], bound: PaymentRequestForm | None
) -> list[tuple[dict[str, Any], PaymentRequestForm]]:
    """One form per transition that asks for a payment; ``bound`` (posted and
    refused) is shown again, as typed, in place of its transition's form."""
    rows = []
    for transition in transitions:
        if bound is not None and bound.data.get("transition") == transition["id"]:
            rows.append((transition, bound))
            continue
        payment = transition["payment"]
        form = PaymentRequestForm(
            initial={
                "transition": transition["id"],
                "amount": _initial_amount(case, payment),
                "reason": payment.get("reason", ""),
                "lock_version": case.lock_version,
            }
        )
        rows.append((transition, form))
    return rows
