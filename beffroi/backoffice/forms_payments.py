"""The case page's refund form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from beffroi.catalogue.definition import euros
from beffroi.core.forms import EurosField, SharedPageForm
from beffroi.payments.models import Payment


class RefundForm(SharedPageForm):
    id_prefix = "refund"

    payment = forms.TypedChoiceField(
        label=_("Paiement"),
        coerce=int,
        error_messages={"invalid_choice": _("Ce paiement ne peut plus être remboursé.")},
    )
    amount = EurosField(
        label=_("Montant à rembourser (€)"),
        example="2,00",
        positive_message=_("Le montant à rembourser doit être supérieur à zéro."),
        help_text=_("Tout ou partie de ce qui reste payé, par exemple 2,00."),
        error_messages={"required": _("Indiquez le montant à rembourser.")},
    )
    reason = forms.CharField(
        label=_("Motif du remboursement"),
        max_length=300,
        help_text=_("Le demandeur le lit dans l’historique de sa demande."),
        error_messages={"required": _("Indiquez le motif du remboursement.")},
    )
    # Asked again before money leaves (views_payments.py): never shown back.
    password = forms.CharField(
        label=_("Votre mot de passe"),
        strip=False,
        help_text=_("Par sécurité, confirmez votre identité avant de rembourser."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={
            "required": _("Indiquez votre mot de passe pour confirmer le remboursement.")
        },
    )

    def __init__(
        self, *args: Any, payments: list[Payment], password_needed: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if not password_needed:  # confirmed a few minutes ago
            del self.fields["password"]
        field = self.fields["payment"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(p.pk, f"{euros(p.refundable_amount)} — {p.reason}") for p in payments]
