"""Structured communications: their check digits, one per payment, shown to the payer."""

from __future__ import annotations

import uuid

from beffroi.payments.contrib.transfer.structured import (
    structured_display,
    structured_for_key,
    structured_in_text,
    structured_valid,
)
from beffroi.payments.contrib.transfer.tests.helpers import TransferTestCase, start_transfer
from beffroi.payments.models import Payment
from beffroi.payments.tests.helpers import pin_case


def test_the_check_digits_are_the_remainder_mod_97() -> None:
    assert structured_valid("123456789002")
    assert not structured_valid("123456789003")
    assert structured_display("123456789002") == "+++123/4567/89002+++"


def test_the_same_key_draws_the_same_communication_and_another_key_another() -> None:
    key = uuid.uuid4()
    first = structured_for_key(key)
    assert first == structured_for_key(key)
    assert structured_valid(first)
    assert structured_for_key(key, attempt=1) != first


def test_a_communication_is_found_as_payers_write_it() -> None:
    assert structured_in_text("Code PIN +++123/4567/89002+++ merci") == "123456789002"
    assert structured_in_text("ref 123/4567/89002") == "123456789002"
    assert structured_in_text("123/4567/89003") == ""


class TransferPaymentTests(TransferTestCase):
    def test_a_transfer_gets_a_valid_communication_and_stays_pending(self) -> None:
        payment = start_transfer(pin_case(self.citizen), self.citizen)
        assert payment.provider == "transfer"
        assert structured_valid(payment.provider_reference)
        assert payment.status == Payment.Status.PENDING

    def test_two_transfers_never_share_a_communication(self) -> None:
        first = start_transfer(pin_case(self.citizen), self.citizen)
        second = start_transfer(pin_case(self.citizen), self.citizen)
        assert first.provider_reference != second.provider_reference

    def test_the_payment_page_shows_the_iban_the_amount_and_the_communication(self) -> None:
        payment = start_transfer(pin_case(self.citizen), self.citizen)
        self.client.force_login(self.citizen)
        page = self.client.get(f"/paiement/{payment.idempotency_key}/retour/")
        text = page.content.decode()
        assert "BE68 5390 0754 7034" in text
        assert "2,00 €" in text or "2.00 €" in text
        assert structured_display(payment.provider_reference) in text
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PENDING

    def test_mes_paiements_shows_the_transfer_to_make(self) -> None:
        payment = start_transfer(pin_case(self.citizen), self.citizen)
        self.client.force_login(self.citizen)
        text = self.client.get("/mon-compte/paiements/").content.decode()
        assert structured_display(payment.provider_reference) in text
        assert "BE68 5390 0754 7034" in text

    def test_the_citizen_chooses_the_transfer_on_the_confirmation_page(self) -> None:
        case = pin_case(self.citizen)
        self.client.force_login(self.citizen)
        response = self.client.post(
            f"/demande-envoyee/{case.tracking_code}/payer/",
            {"payment_key": str(uuid.uuid4()), "method": "transfer"},
        )
        payment = Payment.objects.get(case=case)
        assert payment.provider == "transfer"
        assert response.status_code == 302
        assert response["Location"].endswith(f"/paiement/{payment.idempotency_key}/retour/")
