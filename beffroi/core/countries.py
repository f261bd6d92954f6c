"""Country names in the active language, from pycountry's ISO 3166 data."""

from __future__ import annotations

import gettext
from collections.abc import Callable
from functools import cache

import pycountry
from django.utils.translation import get_language

# Neighbours first: most of a Belgian city's users live in one of them.
FIRST = ("BE", "FR", "NL", "LU", "DE")


@cache
def _names(language: str) -> dict[str, str]:
    translation: Callable[[str], str]
    try:
        translation = gettext.translation(
            "iso3166-1", pycountry.LOCALES_DIR, languages=[language]
        ).gettext
    except OSError:

        def translation(name: str) -> str:
            return name

    return {country.alpha_2: translation(country.name) for country in pycountry.countries}


def country_name(code: str) -> str:
    return _names((get_language() or "fr")[:2]).get(code, code)


def country_choices() -> list[tuple[str, str]]:
    return list(_sorted_choices((get_language() or "fr")[:2]))


@cache
def _sorted_choices(language: str) -> tuple[tuple[str, str], ...]:
    names = _names(language)
    rest = sorted((c for c in names if c not in FIRST), key=lambda c: names[c])
    return tuple((code, names[code]) for code in (*FIRST, *rest))
