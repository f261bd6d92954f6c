from __future__ import annotations

import re

from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import TestCase

from beffroi.accounts.models import User
from beffroi.audit.models import AuditEvent
from beffroi.testing.personas import PASSWORD, PersonaTestCase


def _link(body: str) -> str:
    match = re.search(r"https?://testserver(/\S+)", body)
    assert match, body
    return match.group(1)


class SignupTests(TestCase):
    def test_signup_requires_a_verified_email_before_login(self) -> None:
        response = self.client.post(
            "/compte/signup/",
            {
                "email": "nouvelle@example.org",
                "first_name": "Anne",
                "last_name": "Leclercq",
                "password1": "un-mot-de-passe-solide",
                "password2": "un-mot-de-passe-solide",
            },
        )
        assert response.status_code == 302
        user = User.objects.get(email="nouvelle@example.org")
        assert user.first_name == "Anne"
        assert len(mail.outbox) == 1
        assert SESSION_KEY not in self.client.session
        assert AuditEvent.objects.filter(action="account.signed_up", object_id=user.pk).exists()

        confirm = self.client.get(_link(str(mail.outbox[0].body)))
        assert confirm.status_code == 200
        response = self.client.post(_link(str(mail.outbox[0].body)))
        assert response.status_code == 302
        assert self.client.session[SESSION_KEY] == str(user.pk)
        assert AuditEvent.objects.filter(action="account.email_verified").exists()

    def test_signup_errors_are_french_and_keep_what_was_typed(self) -> None:
        response = self.client.post(
            "/compte/signup/",
            {
                "email": "pas-une-adresse",
                "first_name": "Anne",
                "last_name": "",
                "password1": "court",
                "password2": "autre",
            },
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "Votre saisie est à corriger" in html
        assert "Ce champ est obligatoire" in html
        assert 'value="pas-une-adresse"' in html
        assert 'value="Anne"' in html
        assert 'aria-invalid="true"' in html


class LoginTests(PersonaTestCase):
    def test_a_citizen_logs_in_and_reaches_the_dashboard(self) -> None:
        response = self.client.post(
            "/compte/login/", {"login": self.citizen.email, "password": PASSWORD}
        )
        assert response.status_code == 302
        assert response["Location"] == "/mon-compte/"
        assert "Bonjour Marie" in self.client.get("/mon-compte/").content.decode()

    def test_failed_logins_are_throttled(self) -> None:
        for _ in range(5):
            self.client.post("/compte/login/", {"login": self.citizen.email, "password": "nope"})
        response = self.client.post(
            "/compte/login/", {"login": self.citizen.email, "password": PASSWORD}
        )
        assert response.status_code == 200
        assert "Trop de tentatives" in response.content.decode()
        assert SESSION_KEY not in self.client.session

    def test_password_reset_sends_a_link(self) -> None:
        response = self.client.post("/compte/password/reset/", {"email": self.citizen.email})
        assert response.status_code == 302
        assert len(mail.outbox) == 1
        link = _link(str(mail.outbox[0].body))
        follow = self.client.get(link, follow=True)
        assert follow.status_code == 200
        form_url = follow.redirect_chain[-1][0] if follow.redirect_chain else link
        response = self.client.post(
            form_url, {"password1": "nouveau-mot-de-passe-1", "password2": "nouveau-mot-de-passe-1"}
        )
        assert response.status_code == 302
        self.citizen.refresh_from_db()
        assert self.citizen.check_password("nouveau-mot-de-passe-1")

    def test_dashboard_pages_need_an_account(self) -> None:
        for url in ("/mon-compte/", "/mon-compte/profil/", "/mon-compte/demarches/"):
            response = self.client.get(url)
            assert response.status_code == 302
            assert response["Location"].startswith("/compte/login/")

    def test_empty_dashboard_pages_say_so_honestly(self) -> None:
        self.client.force_login(self.other_citizen)
        assert "aucune démarche" in self.client.get("/mon-compte/demarches/").content.decode()
        assert "aucun paiement" in self.client.get("/mon-compte/paiements/").content.decode()
        assert "Aucun document" in self.client.get("/mon-compte/documents/").content.decode()


class ProfileTests(PersonaTestCase):
    def post_profile(self, **overrides: str) -> str:
        data = {
            "first_name": "Omar",
            "last_name": "Haddad",
            "birth_date": "1990-02-14",
            "national_number": "",
            "phone": "0470 12 34 56",
            "street": "Rue Royale",
            "house_number": "4",
            "box": "",
            "postcode": "7500",
            "city": "Tournai",
            "country": "BE",
            **overrides,
        }
        self.client.force_login(self.other_citizen)
        response = self.client.post("/mon-compte/profil/modifier/", data)
        return response.content.decode() if response.status_code == 200 else response["Location"]

    def test_a_profile_is_saved_normalised_and_journaled_without_values(self) -> None:
        assert self.post_profile() == "/mon-compte/profil/"
        self.other_citizen.refresh_from_db()
        assert self.other_citizen.phone == "+32470123456"
        event = AuditEvent.objects.filter(action="account.profile_updated").last()
        assert event is not None
        assert "Royale" not in str(event.data)
        assert "street" in event.data["fields"]

    def test_a_wrong_national_number_is_explained_and_everything_typed_kept(self) -> None:
        html = self.post_profile(national_number="90.02.14-123.45", street="Rue du Parc")
        assert "numéro de registre national n&#x27;est pas valide" in html
        assert 'value="90.02.14-123.45"' in html
        assert 'value="Rue du Parc"' in html
        self.other_citizen.refresh_from_db()
        assert self.other_citizen.street == ""

    def test_a_belgian_postcode_has_four_digits(self) -> None:
        assert "Un code postal belge compte 4 chiffres" in self.post_profile(postcode="750")

    def test_a_wrong_date_gets_a_message(self) -> None:
        assert "Saisissez une date valide" in self.post_profile(birth_date="31/02/1990")
