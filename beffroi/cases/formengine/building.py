"""The Django form field(s) of one definition field, built from its type.

Every field is optional for Django: whether it is required depends on the
other answers, and the page form decides it (see ``pageform``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beffroi.cases.formengine.fields import (
    CheckedTextField,
    DateField,
    EmailField,
    NumberField,
    TextField,
    UploadField,
)
from beffroi.core.countries import country_choices
from beffroi.core.identifiers import (
    clean_enterprise_number,
    clean_iban,
    clean_national_number,
    clean_phone,
)

ADDRESS_PARTS = ("street", "number", "box", "postcode", "city", "country")
_ADDRESS_LABELS = {
    "street": gettext_lazy("Rue"),
    "number": gettext_lazy("Numéro"),
    "box": gettext_lazy("Boîte"),
    "postcode": gettext_lazy("Code postal"),
    "city": gettext_lazy("Localité"),
    "country": gettext_lazy("Pays"),
}
_ADDRESS_AUTOCOMPLETE = {
    "street": "address-line1",
    "postcode": "postal-code",
    "city": "address-level2",
    "country": "country",
}

Builder = Callable[[Mapping[str, Any], dict[str, Any]], forms.Field]


def _choices(definition: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [(str(c["value"]), str(c["label"])) for c in definition.get("choices", [])]


def _text(definition: Mapping[str, Any], common: dict[str, Any]) -> forms.Field:
    return TextField(max_length=int(definition.get("max_length", 200)), **common)


def _textarea(definition: Mapping[str, Any], common: dict[str, Any]) -> forms.Field:
    return TextField(
        max_length=int(definition.get("max_length", 4000)),
        widget=forms.Textarea(attrs={"rows": 5}),
        **common,
    )


def _choice(definition: Mapping[str, Any], common: dict[str, Any]) -> forms.Field:
    widget = forms.Select if definition.get("widget") == "select" else forms.RadioSelect
    choices = _choices(definition)
    if widget is forms.Select:
        choices = [("", _("— Choisissez —")), *choices]
    return forms.ChoiceField(choices=choices, widget=widget, **common)


def _multichoice(definition: Mapping[str, Any], common: dict[str, Any]) -> forms.Field:
    return forms.MultipleChoiceField(
        choices=_choices(definition), widget=forms.CheckboxSelectMultiple, **common
    )


def _yesno(definition: Mapping[str, Any], common: dict[str, Any]) -> forms.Field:
    return forms.ChoiceField(
        choices=[("yes", _("Oui")), ("no", _("Non"))], widget=forms.RadioSelect, **common
    )


def _email(definition: Mapping[str, Any], common: dict[str, Any]) -> forms.Field:
    return EmailField(
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "invalid": _("Indiquez une adresse e-mail valide, par exemple nom@exemple.be.")
        },
        **common,
    )


def _phone(definition: Mapping[str, Any], common: dict[str, Any]) -> forms.Field:
    return CheckedTextField(
        checker=clean_phone,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        **common,
    )


def _national_number(definition: Mapping[str, Any], common: dict[str, Any]) -> forms.Field:
    return CheckedTextField(
        checker=clean_national_number,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        **common,
    )


def _enterprise_number(definition: Mapping[str, Any], common: dict[str, Any]) -> forms.Field:
    return CheckedTextField(
        checker=clean_enterprise_number,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        **common,
    )


BUILDERS: dict[str, Builder] = {
    "text": _text,
    "textarea": _textarea,
    "number": lambda definition, common: NumberField(definition=definition, **common),
    "date": lambda definition, common: DateField(definition=definition, **common),
    "choice": _choice,
    "multichoice": _multichoice,
    "yesno": _yesno,
    "email": _email,
    "phone": _phone,
    "national_number": _national_number,
    "enterprise_number": _enterprise_number,
    "iban": lambda definition, common: CheckedTextField(checker=clean_iban, **common),
    "file": lambda definition, common: UploadField(definition=definition, **common),
}


def django_fields(definition: Mapping[str, Any]) -> dict[str, forms.Field]:
    """The Django form field(s) of one definition field, by form field name."""
    field_id = definition["id"]
    field_type = definition["type"]
    common: dict[str, Any] = {
        "label": definition.get("label", ""),
        "help_text": definition.get("help", ""),
        "required": False,
    }
    if field_type == "address":
        return address_fields(definition, common)
    builder = BUILDERS.get(field_type)
    return {field_id: builder(definition, common)} if builder is not None else {}


def _countries(allowed: Iterable[str] | None) -> list[tuple[str, str]]:
    return [c for c in country_choices() if not allowed or c[0] in allowed]


def address_fields(definition: Mapping[str, Any], common: dict[str, Any]) -> dict[str, forms.Field]:
    """One form field per part of an address, named ``<id>__<part>``."""
    field_id = definition["id"]
    countries = definition.get("countries")
    fields: dict[str, forms.Field] = {}
    for part in ADDRESS_PARTS:
        attrs = (
            {"autocomplete": _ADDRESS_AUTOCOMPLETE[part]} if part in _ADDRESS_AUTOCOMPLETE else {}
        )
        label = _ADDRESS_LABELS[part]
        if part == "country":
            # A callable: the 250 countries are only listed when the field is
            # shown or checked, not each time a page's form is built.
            fields[f"{field_id}__{part}"] = forms.ChoiceField(
                label=label, choices=partial(_countries, countries), required=False, initial="BE"
            )
        else:
            short = part in {"number", "box", "postcode"}
            if short:
                attrs["class"] = "input--short"
            fields[f"{field_id}__{part}"] = TextField(
                label=label,
                max_length=20 if short else 200,
                required=False,
                widget=forms.TextInput(attrs=attrs),
            )
    return fields
