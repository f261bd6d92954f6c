from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from beffroi.core.identifiers import (
    clean_enterprise_number,
    clean_iban,
    clean_national_number,
    clean_phone,
    clean_postcode,
    format_national_number,
)


def test_a_valid_national_number_is_kept_as_digits() -> None:
    assert clean_national_number("85.07.30-033.28") == "85073003328"
    assert format_national_number("85073003328") == "85.07.30-033.28"


def test_a_national_number_with_a_wrong_checksum_is_refused_in_french() -> None:
    with pytest.raises(ValidationError, match="pas valide"):
        clean_national_number("85.07.30-033.29")


def test_a_short_national_number_says_how_many_digits_were_typed() -> None:
    with pytest.raises(ValidationError, match="Vous en avez saisi 6"):
        clean_national_number("850730")


def test_a_national_number_must_match_the_birth_date() -> None:
    with pytest.raises(ValidationError, match="date de naissance"):
        clean_national_number("85073003328", birth_date=datetime.date(1985, 7, 31))


def test_enterprise_number_iban_phone_and_postcode() -> None:
    assert clean_enterprise_number("0207.373.429") == "0207373429"
    with pytest.raises(ValidationError):
        clean_enterprise_number("0207.373.428")
    assert clean_iban("be68 5390 0754 7034") == "BE68539007547034"
    with pytest.raises(ValidationError):
        clean_iban("BE68 5390 0754 7035")
    assert clean_phone("069 33 22 11") == "+3269332211"
    with pytest.raises(ValidationError):
        clean_phone("12")
    assert clean_postcode("7500", country="BE") == "7500"
    with pytest.raises(ValidationError, match="4 chiffres"):
        clean_postcode("75000", country="BE")
