"""An amount in euros as agents type it: one field for every form that takes one."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms

from beffroi.core.forms import EurosField


class AmountForm(forms.Form):
    amount = EurosField(
        example="2,00", positive_message="Le montant à rembourser doit être positif."
    )


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("12,50", "12.50"), ("1 250,00 €", "1250.00"), ("1\u202f250", "1250"), ("0.5", "0.5")],
)
def test_amounts_are_read_as_french_agents_type_them(typed: str, amount: str) -> None:
    form = AmountForm({"amount": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == Decimal(amount)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("deux euros", "Indiquez un montant en euros, par exemple 2,00."),
        ("1,234", "Indiquez un montant en euros, au centime près."),
        ("-3", "Le montant à rembourser doit être positif."),
        ("0", "Le montant à rembourser doit être positif."),
        ("NaN", "Indiquez un montant en euros, au centime près."),
        ("9" * 500, "Indiquez un montant en euros, par exemple 2,00."),
    ],
)
def test_anything_else_gets_a_french_message(typed: str, message: str) -> None:
    form = AmountForm({"amount": typed})
    assert not form.is_valid()
    assert form.errors["amount"] == [message]
