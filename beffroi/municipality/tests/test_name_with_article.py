"""A sentence names the municipality with its article: « La Ville de Tournai a bien délivré »."""

from __future__ import annotations

from beffroi.municipality.models import Municipality


def test_a_common_noun_takes_its_article() -> None:
    assert Municipality(name="Ville de Tournai").name_with_article == "la Ville de Tournai"
    assert Municipality(name="Commune de Flobecq").name_with_article == "la Commune de Flobecq"
    assert (
        Municipality(name="Administration communale de Ath").name_with_article
        == "l’Administration communale de Ath"
    )


def test_a_place_name_takes_none() -> None:
    assert Municipality(name="Tournai").name_with_article == "Tournai"
