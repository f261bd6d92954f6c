"""The city's receipt text, edited by a functional administrator."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from beffroi.core.forms import SharedPageForm
from beffroi.payments.receipt_text import receipt_text_problems


class ReceiptTextForm(SharedPageForm):
    id_prefix = "receipt"

    body = forms.CharField(
        label=_("Texte du reçu"),
        required=False,
        max_length=5000,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "Une ligne vide sépare deux paragraphes. Les champs possibles sont listés "
            "ci-dessous. Videz le texte pour revenir au texte livré avec Beffroi."
        ),
    )

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        problems = receipt_text_problems(body)
        if problems:
            raise forms.ValidationError(problems)
        return body
