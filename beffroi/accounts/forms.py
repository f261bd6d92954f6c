from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from beffroi.accounts.models import User
from beffroi.core.countries import country_choices
from beffroi.core.identifiers import (
    clean_national_number,
    clean_phone,
    clean_postcode,
    format_national_number,
    format_phone,
)


class SignupExtraForm(forms.Form):
    """The fields allauth's sign-up form gets in addition to email and password."""

    first_name = forms.CharField(label=_("Prénom"), max_length=100)
    last_name = forms.CharField(label=_("Nom"), max_length=100)

    def signup(self, request: HttpRequest, user: User) -> None:
        # allauth saves the user right after; the adapter journals it.
        user.first_name = self.cleaned_data["first_name"].strip()
        user.last_name = self.cleaned_data["last_name"].strip()


class ProfileForm(forms.Form):
    """The citizen's profile; a plain Form so the user is changed only by the service."""

    first_name = forms.CharField(
        label=_("Prénom"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Nom"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    birth_date = forms.DateField(
        label=_("Date de naissance"),
        required=False,
        help_text=_("Par exemple 30/07/1985."),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
    )
    national_number = forms.CharField(
        label=_("Numéro de registre national"),
        required=False,
        max_length=20,
        help_text=_(
            "11 chiffres, au dos de votre carte d'identité. Il permet de préremplir vos demandes."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Téléphone"),
        required=False,
        max_length=30,
        help_text=_("Par exemple 069 33 22 11."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    street = forms.CharField(
        label=_("Rue"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    house_number = forms.CharField(label=_("Numéro"), required=False, max_length=20)
    box = forms.CharField(label=_("Boîte"), required=False, max_length=20)
    postcode = forms.CharField(
        label=_("Code postal"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    city = forms.CharField(
        label=_("Localité"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    country = forms.ChoiceField(label=_("Pays"), choices=country_choices, initial="BE")

    @classmethod
    def initial_for(cls, user: User) -> dict[str, Any]:
        initial = {name: getattr(user, name) for name in cls.base_fields}
        initial["national_number"] = format_national_number(user.national_number)
        initial["phone"] = format_phone(user.phone) if user.phone else ""
        initial["country"] = user.country or "BE"
        return initial

    def clean_phone(self) -> str:
        raw: str = self.cleaned_data.get("phone", "").strip()
        return clean_phone(raw) if raw else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        raw_nn = (data.get("national_number") or "").strip()
        if raw_nn:
            try:
                data["national_number"] = clean_national_number(
                    raw_nn, birth_date=data.get("birth_date")
                )
            except ValidationError as error:
                self.add_error("national_number", error)
        postcode = (data.get("postcode") or "").strip()
        if postcode:
            try:
                data["postcode"] = clean_postcode(postcode, country=data.get("country", "BE"))
            except ValidationError as error:
                self.add_error("postcode", error)
        return data
