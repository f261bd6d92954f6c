from __future__ import annotations

from django.test import TestCase


class TrackingFormTests(TestCase):
    def test_a_code_of_the_wrong_length_gets_a_clear_message_and_is_kept(self) -> None:
        response = self.client.get("/suivi/", {"code": "cnph"})
        html = response.content.decode()
        assert "Un code de suivi compte 8 lettres. Vous en avez saisi 4." in html
        assert 'value="cnph"' in html

    def test_vowels_are_refused_with_an_explanation(self) -> None:
        html = self.client.get("/suivi/", {"code": "ABCDEFGH"}).content.decode()
        assert "que des consonnes" in html

    def test_a_well_formed_code_is_normalised_and_looked_up(self) -> None:
        response = self.client.get("/suivi/", {"code": "cnph ntfb"})
        assert response.status_code == 302
        assert response["Location"] == "/suivi/CNPHNTFB/"
