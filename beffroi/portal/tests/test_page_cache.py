"""Public pages kept whole by Django's cache framework: shared by visitors
without a session, never a form's CSRF token, never a logged-in page."""

from __future__ import annotations

import re

from django.test import Client

from beffroi.cases.models import Draft
from beffroi.testing.personas import PASSWORD
from beffroi.testing.procedures import IDENTITY, FilingTestCase

# A new request's first page: a form, with each visitor's own CSRF token.
URL = "/demarches/demande-test/commencer/"


def _token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "the first page has no CSRF token"
    return match.group(1)


def _first_page(token: str) -> dict[str, str]:
    return {"csrfmiddlewaretoken": token, "first-page": "identite", **IDENTITY}


class PageCacheTests(FilingTestCase):
    def test_a_second_visitor_gets_the_kept_page_for_the_revisions_query_alone(self) -> None:
        Client().get("/demarches/demande-test/")
        with self.assertNumQueries(1):  # the content revisions
            response = Client().get("/demarches/demande-test/")
        assert response.status_code == 200
        assert "Demande de test" in response.content.decode()

    def test_a_logged_in_citizen_never_gets_a_visitors_page(self) -> None:
        Client().get("/demarches/demande-test/")
        citizen = Client()
        citizen.post("/compte/login/", {"login": self.citizen.email, "password": PASSWORD})
        html = citizen.get("/demarches/demande-test/").content.decode()
        assert "Mon tableau de bord" in html
        # And the visitors' page did not become hers.
        assert (
            "Mon tableau de bord" not in Client().get("/demarches/demande-test/").content.decode()
        )

    def test_a_form_page_gives_each_visitor_a_working_token_of_their_own(self) -> None:
        marie, luc = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
        first, second = marie.get(URL), luc.get(URL)
        for response in (first, second):
            assert "csrftoken" in response.cookies  # the token's secret, for this visitor
        assert _token(first.content.decode()) != _token(second.content.decode())
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
