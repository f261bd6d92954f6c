"""Checks and normal forms for the identifiers citizens type.

Each ``clean_*`` returns the value in its stored form or raises a
ValidationError whose message tells the citizen what to fix, in plain French.
"""

from __future__ import annotations

import datetime
import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.be import nn as belgian_nn
from stdnum.be import vat as belgian_vat
from stdnum.exceptions import ValidationError as StdnumError

_DIGITS = re.compile(r"\D+")


def clean_national_number(raw: str, *, birth_date: datetime.date | None = None) -> str:
    digits = _DIGITS.sub("", raw)
    if len(digits) != 11:
        raise ValidationError(
            _(
                "Le numéro de registre national compte 11 chiffres (par exemple 85.07.30-033.28). "
                "Vous en avez saisi %(count)d."
            )
            % {"count": len(digits)},
            code="length",
        )
    try:
        belgian_nn.validate(digits)
    except StdnumError:
        raise ValidationError(
            _(
                "Ce numéro de registre national n'est pas valide : vérifiez les chiffres, "
                "il figure au dos de votre carte d'identité."
            ),
            code="checksum",
        ) from None
    if birth_date is not None:
        try:
            encoded = belgian_nn.get_birth_date(digits)
        except StdnumError:
            encoded = None
        if encoded is not None and encoded != birth_date:
            raise ValidationError(
                _(
                    "Ce numéro de registre national ne correspond pas à la date de naissance indiquée."
                ),
                code="birth_date",
            )
    return digits


def format_national_number(digits: str) -> str:
    if len(digits) != 11:
        return digits
    return f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}-{digits[6:9]}.{digits[9:11]}"


def clean_enterprise_number(raw: str) -> str:
    digits = _DIGITS.sub("", raw)
    if len(digits) == 9:
        digits = "0" + digits
    if len(digits) != 10:
        raise ValidationError(
            _("Le numéro d'entreprise compte 10 chiffres (par exemple 0207.373.429)."),
            code="length",
        )
    try:
        belgian_vat.validate(digits)
    except StdnumError:
        raise ValidationError(
            _(
                "Ce numéro d'entreprise n'est pas valide : vérifiez-le dans la Banque-Carrefour des Entreprises."
            ),
            code="checksum",
        ) from None
    return digits


def format_enterprise_number(digits: str) -> str:
    if len(digits) != 10:
        return digits
    return f"{digits[0:4]}.{digits[4:7]}.{digits[7:10]}"


def clean_iban(raw: str) -> str:
    try:
        return str(IBAN(raw).compact)
    except SchwiftyException:
        raise ValidationError(
            _("Ce numéro de compte (IBAN) n'est pas valide. Exemple : BE68 5390 0754 7034."),
            code="invalid",
        ) from None


def clean_phone(raw: str, *, region: str = "BE") -> str:
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _(
                "Ce numéro de téléphone n'est pas valide. Exemple : 069 33 22 11 ou +32 470 12 34 56."
            ),
            code="invalid",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 32:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def clean_postcode(raw: str, *, country: str) -> str:
    value = raw.strip().upper()
    if country == "BE" and not re.fullmatch(r"[1-9]\d{3}", value):
        raise ValidationError(
            _("Un code postal belge compte 4 chiffres, par exemple 7500."), code="invalid"
        )
    if country == "FR" and not re.fullmatch(r"\d{5}", value):
        raise ValidationError(
            _("Un code postal français compte 5 chiffres, par exemple 59000."), code="invalid"
        )
    return value
