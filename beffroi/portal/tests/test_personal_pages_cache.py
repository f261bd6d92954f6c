"""Personal pages are kept by no shared cache, proxy or browser disk
(``Cache-Control: private, no-store``); public pages for visitors stay cacheable."""

from __future__ import annotations

from django.http.response import HttpResponseBase
from django.test import Client

from beffroi.testing.procedures import FilingTestCase, file_test_case


def is_private(response: HttpResponseBase) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


class PersonalPagesCacheTests(FilingTestCase):
    def test_a_visitors_public_page_stays_cacheable(self) -> None:
        for path in ("/", "/demarches/demande-test/", "/agenda/"):
            with self.subTest(path=path):
                assert not is_private(Client().get(path))

    def test_every_page_of_a_logged_in_citizen_is_private(self) -> None:
        self.client.force_login(self.citizen)
        for path in ("/", "/demarches/demande-test/", "/mon-compte/", "/mon-compte/profil/"):
            with self.subTest(path=path):
                response = self.client.get(path)
                assert response.status_code == 200
                assert is_private(response)

    def test_the_back_office_is_private(self) -> None:
        self.client.force_login(self.agent)
        assert is_private(self.client.get("/backoffice/"))

    def test_a_personal_address_is_private_even_for_a_visitor(self) -> None:
        case = file_test_case(applicant=None)
        for path in (f"/suivi/{case.tracking_code}/", "/mon-compte/", "/compte/login/"):
            with self.subTest(path=path):
                assert is_private(Client().get(path))

    def test_a_draft_started_without_an_account_is_private(self) -> None:
        draft = self.start()
        assert is_private(self.client.get(self.page_url(draft, "identite")))

    def test_a_visitor_who_unlocked_a_case_gets_private_pages(self) -> None:
        case = file_test_case(applicant=None, last_name="Visiteur")
        details = f"/suivi/{case.tracking_code}/details/"
        self.client.post(
            details, {"check": "1", "last_name": "Visiteur", "birth_date": "1985-07-30"}
        )
        assert is_private(self.client.get(details))
        assert is_private(self.client.get("/"))

    def test_a_response_the_view_declares_public_stays_public(self) -> None:
        self.client.force_login(self.citizen)
        response = self.client.get("/theme.css")
        assert "public" in response["Cache-Control"]
        assert not is_private(response)
