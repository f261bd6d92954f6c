from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from beffroi.cooperative.services import municipality_create_check


class MunicipalityCreateForm(forms.Form):
    slug = forms.CharField(
        label=_("Identifiant"), max_length=60, help_text=_("Par exemple : antoing.")
    )
    name = forms.CharField(
        label=_("Nom officiel"),
        max_length=120,
        help_text=_("Par exemple : Administration communale d'Antoing."),
    )
    hosts = forms.CharField(
        label=_("Adresses du guichet"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Une par ligne, par exemple : eguichet.antoing.be."),
    )
    admin_email = forms.EmailField(label=_("Courriel du premier administrateur"))
    admin_first_name = forms.CharField(label=_("Prénom"), max_length=150, required=False)
    admin_last_name = forms.CharField(label=_("Nom"), max_length=150, required=False)

    def clean_hosts(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["hosts"].splitlines() if line.strip()]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            try:
                municipality_create_check(
                    slug=cleaned["slug"],
                    name=cleaned["name"],
                    hosts=cleaned["hosts"],
                    admin_email=cleaned["admin_email"],
                )
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    for message in messages:
                        self.add_error(field if field in self.fields else None, message)
        return cleaned


class SuspensionForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
