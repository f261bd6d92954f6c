"""Text pasted beyond a question's limit is not cut: the page says the limit,
refuses the text saying by how much it is too long, and keeps it as typed
until the citizen shortens it."""

from __future__ import annotations

from beffroi.testing.procedures import IDENTITY, FilingTestCase

LONG_NAME = "Marie-Louise " * 20  # 260 characters, the limit is 200


class LengthLimitTests(FilingTestCase):
    def test_the_page_states_the_limit_and_cuts_nothing(self) -> None:
        self.client.force_login(self.citizen)
        draft = self.start()
        html = self.client.get(self.page_url(draft, "identite")).content.decode()
        assert "200 caractères au maximum." in html
        assert "maxlength" not in html

    def test_a_text_too_long_is_refused_and_kept_until_shortened(self) -> None:
        self.client.force_login(self.citizen)
        draft = self.start()
        url = self.page_url(draft, "identite")
        response = self.client.post(url, {**IDENTITY, "first_name": LONG_NAME})
        assert response.status_code == 200
        html = response.content.decode()
        typed = LONG_NAME.strip()
        assert f"200 caractères au maximum (vous en avez saisi {len(typed)})." in html
        assert f'value="{LONG_NAME}"' in html
        # Leaving and coming back shows it still, with its message.
        html = self.client.get(url).content.decode()
        assert f'value="{LONG_NAME}"' in html
        assert "200 caractères au maximum (vous en avez saisi" in html
        # Shortened, it is saved.
        response = self.client.post(url, {**IDENTITY, "first_name": "Marie-Louise"})
        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.answers["first_name"] == "Marie-Louise"
