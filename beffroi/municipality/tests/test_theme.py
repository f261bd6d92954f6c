from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase

from beffroi.municipality.services import municipality_update
from beffroi.municipality.validators import contrast_ratio, validate_brand_colour


def test_contrast_ratio_of_black_on_white_is_21() -> None:
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0


def test_a_brand_colour_too_light_for_white_text_is_refused() -> None:
    with pytest.raises(ValidationError, match="trop claire"):
        validate_brand_colour("#ffd700")
    with pytest.raises(ValidationError, match="#RRVVBB"):
        validate_brand_colour("blue")
    validate_brand_colour("#1d4f91")


class ThemeTests(TestCase):
    def test_the_city_name_and_colours_reach_every_page(self) -> None:
        municipality_update(actor=None, values={"name": "Ville de Mons", "brand_colour": "#5a1e6e"})
        assert "Ville de Mons" in self.client.get("/").content.decode()
        css = self.client.get("/theme.css").content.decode()
        assert "--brand: #5a1e6e;" in css
