"""Per-municipality settings: counter hours, languages, e-mail sender,
providers' keys and the seal, encrypted at rest, falling back to the
installation's settings."""

from __future__ import annotations

import io
from email.utils import formataddr

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.checks import run_checks
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from beffroi.audit.models import AuditEvent
from beffroi.core.secrets import SecretUnreadable
from beffroi.core.tenancy import municipality_scope
from beffroi.municipality.models import Municipality, MunicipalityConfig, MunicipalityHost
from beffroi.municipality.selectors import municipality_config
from beffroi.municipality.services import municipality_config_update
from beffroi.notifications.services import email_queue
from beffroi.testing.personas import PersonaTestCase

ANTOING = "antoing.localhost"
SECRET = "test_antoingsecretkey0123456789"


@override_settings(ALLOWED_HOSTS=["testserver", ANTOING])
class MunicipalityConfigTests(PersonaTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.tournai = Municipality.objects.get()
        MunicipalityHost.objects.create(municipality=self.tournai, host="testserver")
        self.antoing = Municipality.objects.create(name="Commune d'Antoing", slug="antoing")
        MunicipalityHost.objects.create(municipality=self.antoing, host=ANTOING)

    def login(self, user: object) -> None:
        with municipality_scope(self.tournai.pk):
            self.client.force_login(user)  # type: ignore[arg-type]

    def test_each_municipality_reads_its_own_settings(self) -> None:
        municipality_config_update(
            actor=None,
            municipality_id=self.antoing.pk,
            values={
                "email_from": "Commune d'Antoing <eguichet@antoing.be>",
                "mollie_api_key": SECRET,
            },
        )
        with municipality_scope(self.antoing.pk):
            config = municipality_config()
            assert config.email_from == "Commune d'Antoing <eguichet@antoing.be>"
            assert config.setting("MOLLIE_API_KEY") == SECRET
        with municipality_scope(self.tournai.pk):
            config = municipality_config()
            assert config.email_from == "e-guichet@beffroi.localhost"
            assert config.setting("MOLLIE_API_KEY") == ""

    @override_settings(
        DEFAULT_FROM_EMAIL="guichet@installation.example",
        PAYMENT_PROVIDER="demo",
        MOLLIE_API_KEY="test_installation",
        SEAL_BACKEND="pkcs12",
        SEAL_PKCS12_FILE="/installation/seal.p12",
    )
    def test_blank_values_fall_back_to_the_installation_settings(self) -> None:
        municipality_config_update(
            actor=None, municipality_id=self.antoing.pk, values={"counter_hours": "Lundi 9h-12h"}
        )
        with municipality_scope(self.antoing.pk):
            config = municipality_config()
        assert config.email_from == "guichet@installation.example"
        assert config.payment_provider == "demo"
        assert config.setting("MOLLIE_API_KEY") == "test_installation"
        assert config.seal_backend == "pkcs12"
        assert config.setting("SEAL_PKCS12_FILE") == "/installation/seal.p12"
        assert config.languages == ("fr",)

    @override_settings(STRIPE_SECRET_KEY="sk_installation", STRIPE_WEBHOOK_SECRET="whsec_inst")
    def test_a_provider_s_values_are_all_the_municipality_s_or_all_the_installation_s(
        self,
    ) -> None:
        municipality_config_update(
            actor=None, municipality_id=self.antoing.pk, values={"stripe_secret_key": "sk_antoing"}
        )
        with municipality_scope(self.antoing.pk):
            config = municipality_config()
        assert config.setting("STRIPE_SECRET_KEY") == "sk_antoing"
        # Never the installation's webhook secret with the municipality's key.
        assert config.setting("STRIPE_WEBHOOK_SECRET") == ""

    def test_a_municipality_s_own_seal_replaces_the_installation_s(self) -> None:
        municipality_config_update(
            actor=None,
            municipality_id=self.antoing.pk,
            values={
                "seal_backend": "pkcs11",
                "seal_pkcs11_module": "/usr/lib/softhsm/libsofthsm2.so",
                "seal_pkcs11_pin": "1234",
            },
        )
        with municipality_scope(self.antoing.pk):
            config = municipality_config()
        assert config.seal_backend == "pkcs11"
        assert config.setting("SEAL_PKCS11_PIN") == "1234"
        assert config.setting("SEAL_PKCS12_FILE") == ""

    def test_secrets_are_encrypted_in_the_database(self) -> None:
        municipality_config_update(
            actor=None,
            municipality_id=self.antoing.pk,
            values={"mollie_api_key": SECRET, "seal_pkcs12_passphrase": "motdepasse"},
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT mollie_api_key, seal_pkcs12_passphrase FROM municipality_municipalityconfig"
            )
            stored_key, stored_passphrase = cursor.fetchone()
        assert SECRET not in stored_key
        assert "motdepasse" not in stored_passphrase
        assert stored_key.startswith("gAAAAA")  # a Fernet token
        # Read back as the cooperative does: the default manager is Antoing's alone.
        config = MunicipalityConfig.all_municipalities.get(municipality_id=self.antoing.pk)
        assert config.mollie_api_key == SECRET

    def test_the_journal_names_the_secret_changed_but_not_its_value(self) -> None:
        municipality_config_update(
            actor=None, municipality_id=self.antoing.pk, values={"mollie_api_key": SECRET}
        )
        with municipality_scope(self.antoing.pk):
            event = AuditEvent.objects.get(action="municipality.config_updated")
        assert event.data["secrets_changed"] == ["mollie_api_key"]
        assert SECRET not in str(event.data)

    def test_each_municipality_s_emails_leave_from_its_own_sender(self) -> None:
        municipality_config_update(
            actor=None,
            municipality_id=self.antoing.pk,
            values={"email_from": "Commune d'Antoing <eguichet@antoing.be>"},
        )
        with municipality_scope(self.antoing.pk), self.captureOnCommitCallbacks(execute=True):
            email_queue(to="a@example.org", subject="Antoing", body_text="Bonjour")
        with municipality_scope(self.tournai.pk), self.captureOnCommitCallbacks(execute=True):
            email_queue(to="t@example.org", subject="Tournai", body_text="Bonjour")
        sent = {message.subject: message.from_email for message in mail.outbox}
        assert sent["Antoing"] == "Commune d'Antoing <eguichet@antoing.be>"
        assert sent["Tournai"] == formataddr(
            (f"{self.tournai.name} — e-guichet", "e-guichet@beffroi.localhost")
        )

    def test_a_bad_sender_is_refused_in_french(self) -> None:
        with pytest.raises(ValidationError) as caught:
            municipality_config_update(
                actor=None,
                municipality_id=self.antoing.pk,
                values={"email_from": "pas une adresse"},
            )
        assert "Indiquez l’expéditeur" in str(caught.value.message_dict["email_from"])

    def test_an_unknown_language_is_refused_in_french(self) -> None:
        with pytest.raises(ValidationError) as caught:
            municipality_config_update(
                actor=None, municipality_id=self.antoing.pk, values={"languages": ["fr", "xx"]}
            )
        assert "Langue inconnue : xx" in str(caught.value.message_dict["languages"])

    @override_settings(LANGUAGES=[("fr", "Français"), ("nl", "Nederlands")])
    def test_the_portal_offers_the_municipality_s_languages_and_shows_its_hours(self) -> None:
        municipality_config_update(
            actor=None,
            municipality_id=self.antoing.pk,
            values={"languages": ["fr", "nl"], "counter_hours": "Mardi : 8h30 – 12h"},
        )
        response = self.client.get("/", HTTP_HOST=ANTOING)
        assert response.context["portal_languages"] == ("fr", "nl")
        self.assertContains(response, "Mardi : 8h30 – 12h")
        response = self.client.get("/", HTTP_HOST="testserver")
        assert response.context["portal_languages"] == ("fr",)
        self.assertNotContains(response, "Mardi : 8h30 – 12h")

    def test_a_functional_administrator_sets_the_portal_settings_in_the_back_office(
        self,
    ) -> None:
        self.login(self.admin)
        url = reverse("backoffice:municipality_settings")
        assert self.client.get(url).status_code == 200
        response = self.client.post(
            url,
            {
                "counter_hours": "Lundi 9h-12h",
                "languages": ["fr"],
                "email_from": "Ville de Tournai <eguichet@tournai.be>",
            },
        )
        assert response.status_code == 302
        with municipality_scope(self.tournai.pk):
            assert municipality_config().email_from == "Ville de Tournai <eguichet@tournai.be>"

    def test_the_back_office_screen_says_what_is_wrong_in_french(self) -> None:
        self.login(self.admin)
        response = self.client.post(
            reverse("backoffice:municipality_settings"),
            {"languages": ["xx"], "email_from": "Tournai <pas-une-adresse>"},
        )
        assert response.status_code == 400
        self.assertContains(response, "Indiquez l’expéditeur", status_code=400)
        self.assertContains(response, "Langue inconnue", status_code=400)

    def test_an_agent_who_is_not_a_functional_administrator_cannot_change_them(self) -> None:
        self.login(self.agent)
        response = self.client.get(reverse("backoffice:municipality_settings"))
        assert response.status_code == 403


@override_settings(ALLOWED_HOSTS=["testserver", ANTOING])
class MunicipalityConfigAdminTests(PersonaTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.tournai = Municipality.objects.get()
        self.superuser = get_user_model().objects.create_superuser(
            email="cooperative@example.org", password="motdepasse-cooperative"
        )
        municipality_config_update(
            actor=None, municipality_id=self.tournai.pk, values={"mollie_api_key": SECRET}
        )
        self.config = MunicipalityConfig.objects.get()
        self.url = reverse("admin:municipality_municipalityconfig_change", args=[self.config.pk])

    def test_the_admin_never_shows_a_stored_secret(self) -> None:
        self.client.force_login(self.superuser)
        response = self.client.get(self.url)
        assert response.status_code == 200
        self.assertNotContains(response, SECRET)
        self.assertContains(response, "••••••••")

    def test_a_secret_left_empty_keeps_its_value_and_a_new_one_replaces_it(self) -> None:
        self.client.force_login(self.superuser)
        form = {
            "counter_hours": "",
            "languages": '["fr"]',
            "email_from": "",
            "payment_provider": "mollie",
            "mollie_api_key": "",
            "seal_backend": "",
        }
        response = self.client.post(self.url, form)
        assert response.status_code == 302, response.content.decode()[:2000]
        self.config.refresh_from_db()
        assert self.config.mollie_api_key == SECRET
        assert self.config.payment_provider == "mollie"
        self.client.post(self.url, {**form, "stripe_secret_key": "sk_new"})
        self.config.refresh_from_db()
        assert self.config.stripe_secret_key == "sk_new"
        assert self.config.mollie_api_key == SECRET

    def test_an_unknown_payment_provider_is_refused(self) -> None:
        with pytest.raises(ValidationError) as caught:
            municipality_config_update(
                actor=None, municipality_id=self.tournai.pk, values={"payment_provider": "paypal"}
            )
        assert "Prestataire de paiement inconnu" in str(caught.value)

    def test_only_superusers_reach_the_keys(self) -> None:
        self.client.force_login(self.admin)
        assert self.client.get(self.url).status_code in {302, 403}


class SecretsKeyDeployCheckTests(PersonaTestCase):
    def test_the_development_key_is_refused_in_production(self) -> None:
        with override_settings(DEBUG=False):
            ids = {message.id for message in run_checks(include_deployment_checks=True)}
        assert "beffroi.E004" in ids

    def test_a_key_of_one_s_own_is_accepted(self) -> None:
        key = "c2VjcmV0cy1vZi10aGlzLWluc3RhbGxhdGlvbi0zMiE="
        with override_settings(DEBUG=False, BEFFROI_SECRETS_KEYS=[key]):
            ids = {message.id for message in run_checks(include_deployment_checks=True)}
        assert "beffroi.E004" not in ids


class SecretsRotationTests(PersonaTestCase):
    def test_secrets_encrypted_under_an_old_key_are_encrypted_again_under_the_new_one(
        self,
    ) -> None:
        old_key = "b2xkLWtleS1vZi10aGlzLWluc3RhbGxhdGlvbi0zMiE="
        new_key = "bmV3LWtleS1vZi10aGlzLWluc3RhbGxhdGlvbi0zMiE="
        tournai = Municipality.objects.get()
        with override_settings(BEFFROI_SECRETS_KEYS=[old_key]):
            municipality_config_update(
                actor=None, municipality_id=tournai.pk, values={"mollie_api_key": SECRET}
            )
        with override_settings(BEFFROI_SECRETS_KEYS=[new_key, old_key]):
            call_command("secrets_rotate", stdout=io.StringIO())
        with override_settings(BEFFROI_SECRETS_KEYS=[new_key]):
            assert MunicipalityConfig.objects.get().mollie_api_key == SECRET
        with override_settings(BEFFROI_SECRETS_KEYS=[old_key]), pytest.raises(SecretUnreadable):
            MunicipalityConfig.objects.get()
