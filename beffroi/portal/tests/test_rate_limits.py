"""Rate limits key on the real client, count per account and per code, and
never lock out a town hall behind one address for one person's mistakes."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from beffroi.audit.models import AuditEvent
from beffroi.testing.personas import PASSWORD
from beffroi.testing.procedures import FilingTestCase, file_test_case

# Fixed windows start again at their end: a test never straddles one.
STILL = time_machine.travel(datetime(2026, 6, 2, 9, 0, 1, tzinfo=UTC), tick=False)
WRONG = {"check": "1", "last_name": "Autre", "birth_date": "1985-07-30"}


@STILL
class SharedAddressTests(FilingTestCase):
    def test_one_persons_failures_do_not_lock_out_the_others_behind_the_same_address(
        self,
    ) -> None:
        town_hall = "203.0.113.10"
        # A morning of typing mistakes by forty people behind the town hall's address.
        for number in range(40):
            self.client.post(
                "/backoffice/connexion/",
                {"email": f"agent{number}@tournai.example", "password": "x"},
                REMOTE_ADDR=town_hall,
            )
        colleague = self.client_class(REMOTE_ADDR=town_hall)
        response = colleague.post(
            "/backoffice/connexion/", {"email": self.other_agent.email, "password": PASSWORD}
        )
        assert response.status_code == 302
        citizen = self.client_class(REMOTE_ADDR=town_hall)
        response = citizen.post(
            "/compte/login/", {"login": self.citizen.email, "password": PASSWORD}
        )
        assert response.status_code == 302

    def test_the_account_with_failures_waits_even_with_its_right_password(self) -> None:
        for _ in range(5):
            self.client.post("/backoffice/connexion/", {"email": self.agent.email, "password": "x"})
        response = self.client.post(
            "/backoffice/connexion/", {"email": self.agent.email, "password": PASSWORD}
        )
        assert response.status_code == 429
        assert "Trop de tentatives" in response.content.decode()

    @override_settings(
        ACCOUNT_RATE_LIMITS={"login_failed": "10/5m/ip,5/5m/key", "confirm_email": "1/3m/key"}
    )
    def test_an_address_that_is_clearly_attacking_is_refused_for_every_account(self) -> None:
        for number in range(10):
            self.client.post(
                "/backoffice/connexion/", {"email": f"guess{number}@example.org", "password": "x"}
            )
        response = self.client.post(
            "/backoffice/connexion/", {"email": self.other_agent.email, "password": PASSWORD}
        )
        assert response.status_code == 429


@STILL
@override_settings(TRUSTED_PROXY_COUNT=1)
class BehindTheProxyTests(FilingTestCase):
    """Every request comes from the proxy's address; the client is in X-Forwarded-For."""

    PROXY = "10.0.0.2"

    def _client(self, address: str) -> Client:
        return self.client_class(REMOTE_ADDR=self.PROXY, HTTP_X_FORWARDED_FOR=address)

    @override_settings(
        ACCOUNT_RATE_LIMITS={"login_failed": "3/5m/ip,50/5m/key", "confirm_email": "1/3m/key"}
    )
    def test_the_portals_login_limit_counts_the_client_not_the_proxy(self) -> None:
        attacker = self._client("198.51.100.66")
        for number in range(3):
            attacker.post("/compte/login/", {"login": f"x{number}@example.org", "password": "x"})
        refused = attacker.post(
            "/compte/login/", {"login": self.citizen.email, "password": PASSWORD}
        )
        assert refused.status_code == 200
        assert "Trop de tentatives" in refused.content.decode()
        citizen = self._client("192.0.2.44")
        response = citizen.post(
            "/compte/login/", {"login": self.citizen.email, "password": PASSWORD}
        )
        assert response.status_code == 302

    def test_the_tracking_lookups_count_the_client_not_the_proxy(self) -> None:
        url = reverse("portal:tracking_detail", args=["BCDFGHJK"])
        busy = self._client("198.51.100.66")
        for _ in range(30):
            busy.get(url)
        assert busy.get(url).status_code == 429
        assert self._client("192.0.2.44").get(url).status_code == 404

    def test_an_address_spoofed_further_left_is_not_trusted(self) -> None:
        url = reverse("portal:tracking_detail", args=["BCDFGHJK"])
        for number in range(30):
            spoofing = self.client_class(
                REMOTE_ADDR=self.PROXY, HTTP_X_FORWARDED_FOR=f"1.2.3.{number}, 198.51.100.66"
            )
            spoofing.get(url)
        assert self._client("198.51.100.66").get(url).status_code == 429


@STILL
class TrackingCheckTests(FilingTestCase):
    def test_guessing_from_many_addresses_is_stopped_per_code(self) -> None:
        case = file_test_case(applicant=None, last_name="Visiteur", email="jean@example.org")
        details = reverse("portal:tracking_details", args=[case.tracking_code])
        for number in range(10):
            guesser = self.client_class(REMOTE_ADDR=f"198.51.100.{number}")
            assert guesser.post(details, WRONG).status_code == 400
        fresh = self.client_class(REMOTE_ADDR="192.0.2.200")
        response = fresh.post(
            details, {"check": "1", "last_name": "Visiteur", "birth_date": "1985-07-30"}
        )
        assert response.status_code == 429
        assert "Trop d’essais" in response.content.decode()

    def test_the_owner_with_an_account_is_told_once_that_someone_tried(self) -> None:
        case = file_test_case(applicant=self.citizen)
        details = reverse("portal:tracking_details", args=[case.tracking_code])
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            for number in range(3):
                self.client_class(REMOTE_ADDR=f"198.51.100.{number}").post(details, WRONG)
        told = [m for m in mail.outbox if "tentative d’accès" in m.subject]
        assert len(told) == 1
        assert told[0].to == [self.citizen.email]
        assert case.reference in told[0].body
        assert (
            AuditEvent.objects.filter(
                action="case.tracking_check_failed", object_id=str(case.pk)
            ).count()
            == 3
        )

    def test_a_visitors_case_tells_no_one_by_email(self) -> None:
        case = file_test_case(applicant=None, last_name="Visiteur", email="jean@example.org")
        details = reverse("portal:tracking_details", args=[case.tracking_code])
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(details, WRONG)
        # The address typed in the form proves nothing: only an account's is trusted.
        assert not [m for m in mail.outbox if "tentative d’accès" in m.subject]
