"""Following a request with its tracking code, without an account."""

from __future__ import annotations

from django.urls import reverse

from beffroi.cases.codes import TRACKING_ALPHABET, new_tracking_code
from beffroi.cases.services import case_transition
from beffroi.testing.procedures import FilingTestCase, file_test_case


class TrackingCodeTests(FilingTestCase):
    def test_codes_are_eight_consonants(self) -> None:
        codes = {new_tracking_code() for _ in range(2000)}
        assert len(codes) == 2000
        assert all(len(code) == 8 and set(code) <= set(TRACKING_ALPHABET) for code in codes)

    def test_the_code_shows_progress_and_nothing_personal(self) -> None:
        case = file_test_case(
            applicant=None, first_name="Jean", last_name="Visiteur", email="jean@example.org"
        )
        case = case_transition(actor=self.agent, case=case, transition_id="take")
        html = self.client.get(
            reverse("portal:tracking_detail", args=[case.tracking_code])
        ).content.decode()
        assert "Demande de test" in html
        assert "En cours de traitement" in html
        assert "Le service prépare votre document." in html
        for personal in ("Jean", "Visiteur", "jean@example.org", case.reference, "1985"):
            assert personal not in html

    def test_the_status_page_costs_three_queries(self) -> None:
        case = file_test_case(applicant=None, email="jean@example.org")
        case = case_transition(actor=self.agent, case=case, transition_id="take")
        url = reverse("portal:tracking_detail", args=[case.tracking_code])
        self.client.get(url)  # parse the procedure's version once
        # The case with its procedure's and service's names, its steps, the revisions.
        with self.assertNumQueries(3):
            html = self.client.get(url).content.decode()
        assert case.service.name in html
        assert "Demande de test" in html
        assert html.count("<time ") == 2  # filed, then taken in hand

    def test_a_code_typed_loosely_is_understood(self) -> None:
        case = file_test_case(applicant=self.citizen)
        loose = f" {case.tracking_code[:4].lower()}-{case.tracking_code[4:]} "
        response = self.client.get(reverse("portal:tracking"), {"code": loose})
        assert response["Location"] == reverse("portal:tracking_detail", args=[case.tracking_code])

    def test_an_unknown_code_says_so_in_french(self) -> None:
        response = self.client.get(reverse("portal:tracking_detail", args=["BCDFGHJK"]))
        assert response.status_code == 404
        assert "Aucune demande ne correspond" in response.content.decode()

    def test_lookups_are_rate_limited_per_address(self) -> None:
        for _ in range(30):
            self.client.get(reverse("portal:tracking_detail", args=["BCDFGHJK"]))
        response = self.client.get(reverse("portal:tracking_detail", args=["BCDFGHJK"]))
        assert response.status_code == 429
        assert "Patientez quelques minutes" in response.content.decode()
        other = self.client_class(REMOTE_ADDR="192.0.2.7")
        assert other.get(reverse("portal:tracking_detail", args=["BCDFGHJK"])).status_code == 404

    def test_the_details_open_with_the_check_answers(self) -> None:
        case = file_test_case(applicant=None, last_name="Visiteur", email="jean@example.org")
        details = reverse("portal:tracking_details", args=[case.tracking_code])
        assert self.client.get(details)["Location"] == reverse(
            "portal:tracking_detail", args=[case.tracking_code]
        )
        response = self.client.post(
            details, {"check": "1", "last_name": "Autre", "birth_date": "1985-07-30"}
        )
        assert response.status_code == 400
        assert "ne correspondent pas" in response.content.decode()
        response = self.client.post(
            details, {"check": "1", "last_name": "visiteur ", "birth_date": "30/07/1985"}
        )
        assert response["Location"] == details
        html = self.client.get(details).content.decode()
        assert "Visiteur" in html
        assert case.reference in html

    def test_wrong_check_answers_are_rate_limited(self) -> None:
        case = file_test_case(applicant=None, last_name="Visiteur", email="jean@example.org")
        details = reverse("portal:tracking_details", args=[case.tracking_code])
        for _ in range(5):
            self.client.post(details, {"check": "1", "last_name": "X", "birth_date": "1985-07-30"})
        response = self.client.post(
            details, {"check": "1", "last_name": "Visiteur", "birth_date": "1985-07-30"}
        )
        assert response.status_code == 429
        assert "Trop d’essais" in response.content.decode()

    def test_a_code_holder_answers_a_question_from_the_service(self) -> None:
        case = file_test_case(applicant=None, last_name="Visiteur", email="jean@example.org")
        case_transition(
            actor=self.agent, case=case, transition_id="ask", comment="Quelle commune ?"
        )
        details = reverse("portal:tracking_details", args=[case.tracking_code])
        self.client.post(
            details, {"check": "1", "last_name": "Visiteur", "birth_date": "1985-07-30"}
        )
        html = self.client.get(details).content.decode()
        assert "Quelle commune ?" in html
        response = self.client.post(details, {"body": "Tournai."})
        assert response.status_code == 302
        case.refresh_from_db()
        assert case.status == "submitted"
        assert case.messages.filter(body="Tournai.").exists()

    def test_the_owner_goes_to_their_case_page(self) -> None:
        case = file_test_case(applicant=self.citizen)
        self.client.force_login(self.citizen)
        response = self.client.get(reverse("portal:tracking_details", args=[case.tracking_code]))
        assert response["Location"] == case.get_absolute_url()
