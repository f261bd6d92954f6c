"""A page kept for every visitor still gives each one their own CSRF token."""

from __future__ import annotations

import re

from django.test import Client

from beffroi.cases.models import Draft
from beffroi.core.pagecache import CSRF_PLACEHOLDER
from beffroi.testing.procedures import IDENTITY, FilingTestCase

# A new request's first page: the same form for every visitor without an account.
URL = "/demarches/demande-test/commencer/"


def _token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "the first page has no CSRF token"
    return match.group(1)


def _first_page(token: str) -> dict[str, str]:
    return {"csrfmiddlewaretoken": token, "first-page": "identite", **IDENTITY}


class CachedFormPageTests(FilingTestCase):
    def test_two_visitors_get_the_cached_page_each_with_a_working_token(self) -> None:
        marie, luc = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
        first = marie.get(URL)
        with self.assertNumQueries(1):  # the content revisions; the page comes from the cache
            second = luc.get(URL)
        for response in (first, second):
            html = response.content.decode()
            assert CSRF_PLACEHOLDER not in html
            assert "csrftoken" in response.cookies  # the token's secret, for this visitor
        assert _token(first.content.decode()) != _token(second.content.decode())
        # Luc's token, from the cached page, sends his first page: his draft opens.
        response = luc.post(URL, _first_page(_token(second.content.decode())))
        assert response.status_code == 302
        draft = Draft.objects.get()
        assert draft.answers["last_name"] == IDENTITY["last_name"]

    def test_a_token_from_someone_else_is_still_refused(self) -> None:
        marie, luc = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
        marie_token = _token(marie.get(URL).content.decode())
        luc.get(URL)
        response = luc.post(URL, _first_page(marie_token))
        assert response.status_code == 403
        assert not Draft.objects.exists()
