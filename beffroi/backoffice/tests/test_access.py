from __future__ import annotations

from beffroi.testing.personas import PASSWORD, PersonaTestCase


class BackofficeAccessTests(PersonaTestCase):
    def test_anonymous_visitors_are_sent_to_the_agents_login(self) -> None:
        response = self.client.get("/backoffice/")
        assert response.status_code == 302
        assert response["Location"].startswith("/backoffice/connexion/")

    def test_a_citizen_can_never_reach_the_backoffice(self) -> None:
        self.client.force_login(self.citizen)
        response = self.client.get("/backoffice/")
        assert response.status_code == 403
        assert "Accès refusé" in response.content.decode()

    def test_a_citizen_cannot_log_in_through_the_agents_form(self) -> None:
        response = self.client.post(
            "/backoffice/connexion/", {"email": self.citizen.email, "password": PASSWORD}
        )
        assert response.status_code == 200
        assert "n&#x27;a pas accès à l&#x27;espace agents" in response.content.decode()
        assert "_auth_user_id" not in self.client.session

    def test_an_agent_logs_in_and_sees_their_services(self) -> None:
        response = self.client.post(
            "/backoffice/connexion/", {"email": "SOPHIE@tournai.example", "password": PASSWORD}
        )
        assert response.status_code == 302
        html = self.client.get("/backoffice/").content.decode()
        assert "Population" in html

    def test_the_agents_login_refuses_an_outside_next_url(self) -> None:
        response = self.client.post(
            "/backoffice/connexion/?next=https://evil.example/",
            {"email": self.agent.email, "password": PASSWORD, "next": "https://evil.example/"},
        )
        assert response["Location"] == "/backoffice/"

    def test_repeated_failures_are_throttled_per_account(self) -> None:
        for _ in range(5):
            self.client.post("/backoffice/connexion/", {"email": self.agent.email, "password": "x"})
        response = self.client.post(
            "/backoffice/connexion/", {"email": self.agent.email, "password": PASSWORD}
        )
        assert response.status_code == 429
        assert "Trop de tentatives" in response.content.decode()
        assert "_auth_user_id" not in self.client.session
