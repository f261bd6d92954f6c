"""Monitoring and link checkers ask public pages with HEAD: they answer as GET does."""

from __future__ import annotations

from django.test import Client

from beffroi.testing.procedures import FilingTestCase, file_test_case

PUBLIC_PAGES = [
    "/",
    "/recherche/?q=certificat",
    "/categories/actes-et-certificats/",
    "/demarches/demande-test/",
    "/demarches/demande-test/commencer/",
    "/agenda/",
    "/agenda.ics",
    "/annuaire/",
    "/suivi/",
    "/verifier/",
    "/contact/",
    "/pages/accessibilite/",
    "/theme.css",
    "/_health",
    "/compte/login/",
    "/compte/signup/",
]


class HeadRequestTests(FilingTestCase):
    def test_every_public_page_answers_head_with_the_status_of_get(self) -> None:
        for path in PUBLIC_PAGES:
            with self.subTest(path=path):
                expected = Client().get(path).status_code
                assert expected == 200, path
                response = Client().head(path)
                assert response.status_code == 200
                assert response.content == b""

    def test_a_kept_public_page_answers_head_too(self) -> None:
        Client().get("/demarches/demande-test/")
        assert Client().head("/demarches/demande-test/").status_code == 200

    def test_a_tracking_page_answers_head(self) -> None:
        case = file_test_case(applicant=None)
        path = f"/suivi/{case.tracking_code}/"
        assert Client().head(path).status_code == Client().get(path).status_code == 200
