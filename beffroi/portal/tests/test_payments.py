"""Paying in the portal: « Payer et envoyer », the demo provider's page, the
way back, « Payer » again, « Mes paiements » and its receipts."""

from __future__ import annotations

import uuid

from django.urls import reverse

from beffroi.cases.models import Case
from beffroi.payments.contrib.demo.models import DemoCharge
from beffroi.payments.models import Payment
from beffroi.payments.tests.helpers import (
    PaymentTestCase,
    pay_at_provider,
    pin_case,
    pin_draft,
    sample_draft,
    start_payment,
)


class PayAtFilingTests(PaymentTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.citizen)

    def send(self, draft_id: object, key: uuid.UUID) -> str:
        response = self.client.post(
            reverse("portal:draft_check", args=[draft_id]), {"payment_key": str(key)}
        )
        assert response.status_code == 302, response.content
        return str(response["Location"])

    def test_the_recap_says_the_amount_and_offers_to_pay_and_send(self) -> None:
        draft = pin_draft(self.citizen)
        response = self.client.get(reverse("portal:draft_check", args=[draft.pk]))
        self.assertContains(response, "Payer et envoyer")
        self.assertContains(response, "Montant fixe : 2,00\u00a0€")
        self.assertNotContains(response, "Envoyer ma demande")

    def test_paying_and_sending_files_the_case_waiting_and_goes_to_the_provider(self) -> None:
        draft = pin_draft(self.citizen)
        location = self.send(draft.pk, uuid.uuid4())
        case = Case.objects.get()
        payment = Payment.objects.get()
        assert case.status == "awaiting_payment"
        assert location == payment.checkout_url
        page = self.client.get(location)
        for button in ("Payer", "Refuser", "Abandonner"):
            self.assertContains(page, f">{button}</button>")
        self.assertContains(page, "2,00 €")

    def test_a_double_click_is_one_case_and_one_charge(self) -> None:
        draft = pin_draft(self.citizen)
        key = uuid.uuid4()
        first = self.send(draft.pk, key)
        again = self.send(draft.pk, key)
        assert first == again
        assert Case.objects.count() == 1
        assert Payment.objects.count() == 1
        assert DemoCharge.objects.count() == 1

    def test_two_tabs_pay_the_same_payment(self) -> None:
        draft = pin_draft(self.citizen)
        first = self.send(draft.pk, uuid.uuid4())
        second_tab = self.send(draft.pk, uuid.uuid4())
        assert first == second_tab
        assert Payment.objects.count() == 1

    def test_paying_at_the_demo_provider_brings_the_citizen_back_and_the_case_goes_on(
        self,
    ) -> None:
        draft = pin_draft(self.citizen)
        checkout = self.send(draft.pk, uuid.uuid4())
        back = self.client.post(checkout, {"outcome": "paid"})
        payment = Payment.objects.get()
        assert back["Location"].endswith(
            reverse("portal:payment_return", args=[payment.idempotency_key])
        )
        page = self.client.get(back["Location"])
        self.assertContains(page, "Paiement reçu")
        assert Case.objects.get().status == "submitted"
        # « Back » to the provider's page: nothing to pay any more.
        self.assertContains(self.client.get(checkout), "Ce paiement est déjà terminé.")

    def test_a_refused_payment_is_offered_again_and_never_charged_twice(self) -> None:
        draft = pin_draft(self.citizen)
        checkout = self.send(draft.pk, uuid.uuid4())
        back = self.client.post(checkout, {"outcome": "failed"})
        page = self.client.get(back["Location"])
        self.assertContains(page, "Le paiement n’a pas abouti")
        failed = Payment.objects.get()
        again = self.client.post(
            reverse("portal:payment_pay_again", args=[failed.idempotency_key]),
            {"payment_key": str(uuid.uuid4())},
        )
        second = Payment.objects.exclude(pk=failed.pk).get()
        assert again["Location"] == second.checkout_url
        self.client.post(second.checkout_url, {"outcome": "paid"})
        assert Case.objects.get().status == "submitted"
        refused = self.client.post(
            reverse("portal:payment_pay_again", args=[failed.idempotency_key]),
            {"payment_key": str(uuid.uuid4())},
        )
        assert refused.status_code == 302
        assert Payment.objects.count() == 2

    def test_a_bad_choice_on_the_provider_page_is_answered_without_error(self) -> None:
        draft = pin_draft(self.citizen)
        checkout = self.send(draft.pk, uuid.uuid4())
        response = self.client.post(checkout, {"outcome": "steal"})
        assert response.status_code == 400
        self.assertContains(response, "Choisissez une des actions ci-dessous.", status_code=400)

    def test_an_unpaid_case_offers_payer_on_its_confirmation_page(self) -> None:
        case = pin_case(self.citizen)
        page = self.client.get(reverse("portal:confirmation", args=[case.tracking_code]))
        self.assertContains(page, "En attente de paiement")
        response = self.client.post(
            reverse("portal:case_pay", args=[case.tracking_code]),
            {"payment_key": str(uuid.uuid4())},
        )
        assert response["Location"] == Payment.objects.get().checkout_url

    def test_the_citizens_case_page_offers_payer_until_it_is_paid(self) -> None:
        case = pin_case(self.citizen)
        url = reverse("portal:case_detail", args=[case.reference])
        self.assertContains(self.client.get(url), "Payer 2,00 €")
        pay_at_provider(start_payment(case, self.citizen))
        page = self.client.get(url)
        self.assertNotContains(page, "Payer 2,00 €")
        self.assertContains(page, "Paiement reçu : 2,00 €")

    def test_a_stale_pay_button_is_a_message_not_an_error(self) -> None:
        case = pin_case(self.citizen)
        response = self.client.post(
            reverse("portal:case_pay", args=[case.tracking_code]), {"payment_key": "nope"}
        )
        assert response.status_code == 302
        page = self.client.get(response["Location"])
        self.assertContains(page, "Ce bouton de paiement n’est plus valable")

    def test_another_citizen_cannot_pay_or_see_the_case(self) -> None:
        case = pin_case(self.citizen)
        self.client.force_login(self.other_citizen)
        response = self.client.post(
            reverse("portal:case_pay", args=[case.tracking_code]),
            {"payment_key": str(uuid.uuid4())},
        )
        assert response.status_code == 404


class PricedFromTheAnswersTests(PaymentTestCase):
    def test_a_public_space_occupation_is_priced_from_its_answers_before_sending(self) -> None:
        self.client.force_login(self.citizen)
        draft = sample_draft(
            "occupation-espace-public",
            self.citizen,
            surface="12",
            start_date="2027-06-01",
            end_date="2027-06-03",
        )
        response = self.client.get(reverse("portal:draft_check", args=[draft.pk]))
        self.assertContains(response, "Montant estimé")
        self.assertContains(response, "0,50 € × 12 m² × 3 jours = 18,00 €")
        self.assertContains(response, "Envoyer ma demande")
        self.assertNotContains(response, "Payer et envoyer")

    def test_a_free_procedure_says_nothing_of_money(self) -> None:
        self.client.force_login(self.citizen)
        draft = sample_draft("certificat-de-residence", self.citizen)
        response = self.client.get(reverse("portal:draft_check", args=[draft.pk]))
        self.assertNotContains(response, "Montant")
        self.assertContains(response, "Envoyer ma demande")


class MyPaymentsTests(PaymentTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.citizen)

    def test_each_payment_with_its_status_case_and_receipt(self) -> None:
        case = pin_case(self.citizen)
        paid = start_payment(case, self.citizen)
        pay_at_provider(paid)
        response = self.client.get(reverse("portal:my_payments"))
        self.assertContains(response, "Nouveau code PIN pour la carte eID")
        self.assertContains(response, case.reference)
        self.assertContains(response, "Payé")
        self.assertContains(
            response, reverse("portal:payment_receipt", args=[paid.idempotency_key])
        )

    def test_a_failed_payment_offers_payer_again(self) -> None:
        case = pin_case(self.citizen)
        pay_at_provider(start_payment(case, self.citizen), "failed")
        response = self.client.get(reverse("portal:my_payments"))
        self.assertContains(response, "Refusé")
        self.assertContains(response, "payer/")

    def test_the_receipt_is_a_pdf_for_its_citizen_only(self) -> None:
        payment = start_payment(pin_case(self.citizen), self.citizen)
        pay_at_provider(payment)
        url = reverse("portal:payment_receipt", args=[payment.idempotency_key])
        response = self.client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.getvalue().startswith(b"%PDF")
        self.client.force_login(self.other_citizen)
        assert self.client.get(url).status_code == 404

    def test_the_list_costs_the_same_queries_for_one_payment_or_many(self) -> None:
        # Session, user, the with their cases, which due amounts are taken, the amounts
        # agents asked for, the page's content revisions.
        for count in (1, 3):
            while Payment.objects.count() < count:
                pay_at_provider(start_payment(pin_case(self.citizen), self.citizen), "failed")
            with self.assertNumQueries(6):
                response = self.client.get(reverse("portal:my_payments"))
            assert len(response.context["rows"]) == count

    def test_someone_without_a_payment_reads_that_there_is_none(self) -> None:
        self.client.force_login(self.other_citizen)
        response = self.client.get(reverse("portal:my_payments"))
        self.assertContains(response, "Vous n’avez effectué aucun paiement.")
