from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from beffroi.cooperative.services import municipality_create_check
from beffroi.municipality.models import PartnerZone
from beffroi.municipality.services import partner_zone_check


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


class PartnerZoneForm(forms.ModelForm[PartnerZone]):
    """A zone's name and identifier, checked by the service that saves them."""

    class Meta:
        model = PartnerZone
        fields = ["name", "slug", "is_active"]
        help_texts = {
            "name": _("Par exemple : Zone de police du Tournaisis."),
            "slug": _("Par exemple : zp-tournaisis."),
        }

    def validate_unique(self) -> None:
        pass  # the service's check says it in French (clean below)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            try:
                partner_zone_check(
                    name=cleaned.get("name", ""),
                    slug=cleaned.get("slug", ""),
                    zone=self.instance if self.instance.pk else None,
                )
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    for message in messages:
                        self.add_error(field if field in self.fields else None, message)
        return cleaned


class ZoneMemberAddForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail de l'agent"),
        error_messages={
            "required": _("Indiquez l'adresse e-mail de l'agent."),
            "invalid": _("Indiquez une adresse e-mail valable, par exemple agent@zone.be."),
        },
    )


class ZoneServiceLinkForm(forms.Form):
    """A commune's partner service, offered as « commune — service »."""

    service = forms.ChoiceField(
        label=_("Service partenaire de la commune"),
        error_messages={
            "required": _("Choisissez le service d'une commune."),
            "invalid_choice": _("Ce service n'est pas un service partenaire d'une commune."),
        },
    )

    def __init__(self, *args: Any, choices: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["service"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *choices]

    def commune_and_code(self) -> tuple[int, str]:
        commune_id, code = str(self.cleaned_data["service"]).split(":", 1)
        return int(commune_id), code
