"""Each municipality's payments go to its own provider with its own keys; the
provider's notification comes back on the municipality's host and is read
with that municipality's keys."""

from __future__ import annotations

from django.test import override_settings

from beffroi.catalogue.services import catalogue_import
from beffroi.core.tenancy import municipality_scope
from beffroi.demo.loading import load_services
from beffroi.municipality.models import Municipality, MunicipalityHost
from beffroi.municipality.services import municipality_config_update
from beffroi.payments.contrib.mollie.tests.fake import FakeMollie
from beffroi.payments.models import Payment
from beffroi.payments.tests.helpers import PaymentTestCase, pay_at_provider, pin_case, start_payment

ANTOING = "antoing.localhost"
ANTOING_KEY = "test_antoingmolliekey0123"


@override_settings(
    ALLOWED_HOSTS=["testserver", ANTOING],
    PAYMENT_PROVIDER="demo",
    PAYMENT_PROVIDER_TIMEOUT=1,
    MOLLIE_API_KEY="test_installationkey0123",
)
class MunicipalityProviderTests(PaymentTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.fake = FakeMollie().start()
        self.addCleanup(self.fake.stop)
        endpoint = override_settings(MOLLIE_API_ENDPOINT=self.fake.url)
        endpoint.enable()
        self.addCleanup(endpoint.disable)
        self.tournai = Municipality.objects.get()
        MunicipalityHost.objects.create(municipality=self.tournai, host="testserver")
        self.antoing = Municipality.objects.create(name="Commune d'Antoing", slug="antoing")
        MunicipalityHost.objects.create(municipality=self.antoing, host=ANTOING)
        with municipality_scope(self.antoing.pk):
            # Antoing's own services and catalogue (the same PIN request).
            load_services()
            catalogue_import(actor=None)
        municipality_config_update(
            actor=None,
            municipality_id=self.antoing.pk,
            values={"payment_provider": "mollie", "mollie_api_key": ANTOING_KEY},
        )

    def antoing_payment(self) -> Payment:
        with municipality_scope(self.antoing.pk):
            return start_payment(pin_case(self.citizen), self.citizen)

    def test_a_municipality_without_settings_pays_with_the_installation_s_provider(
        self,
    ) -> None:
        with municipality_scope(self.tournai.pk):
            payment = start_payment(pin_case(self.citizen), self.citizen)
            assert payment.provider == "demo"
            pay_at_provider(payment)
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PAID
        assert self.fake.calls == []

    def test_a_municipality_s_payment_goes_to_its_provider_with_its_key(self) -> None:
        payment = self.antoing_payment()
        assert payment.provider == "mollie"
        call = self.fake.calls_to("POST", "/v2/payments")[0]
        assert call.headers["authorization"] == f"Bearer {ANTOING_KEY}"
        sent = call.json()
        # The notification and the payer's return come to Antoing's own host.
        assert sent["webhookUrl"] == f"http://{ANTOING}/paiements/notification/mollie/"
        assert sent["redirectUrl"].startswith(f"http://{ANTOING}/")

    def test_the_notification_on_the_municipality_s_host_settles_its_payment_with_its_key(
        self,
    ) -> None:
        payment = self.antoing_payment()
        self.fake.settle(payment.provider_reference, "paid")
        response = self.client.post(
            "/paiements/notification/mollie/",
            {"id": payment.provider_reference},
            HTTP_HOST=ANTOING,
        )
        assert response.status_code == 200
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PAID
        reads = self.fake.calls_to("GET", f"/v2/payments/{payment.provider_reference}")
        assert reads
        assert {call.headers["authorization"] for call in reads} == {f"Bearer {ANTOING_KEY}"}

    def test_a_change_of_key_is_used_by_the_next_payment(self) -> None:
        municipality_config_update(
            actor=None, municipality_id=self.antoing.pk, values={"mollie_api_key": "test_newkey42"}
        )
        self.antoing_payment()
        call = self.fake.calls_to("POST", "/v2/payments")[-1]
        assert call.headers["authorization"] == "Bearer test_newkey42"
