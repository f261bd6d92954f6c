"""« Demander un paiement » on the back-office case page: the computed fee
proposed, any amount accepted, French errors that keep what was typed."""

from __future__ import annotations

from django.urls import reverse

from beffroi.cases.models import Case
from beffroi.payments.models import AmountDue
from beffroi.payments.tests.test_payment_requests import PaymentRequestTestCase


class PaymentRequestFormTests(PaymentRequestTestCase):
    def post(self, case: Case, **data: str) -> object:
        self.client.force_login(self.mobility_agent)
        return self.client.post(
            reverse("backoffice:case_payment_request", args=[case.reference]),
            {
                "transition": "request_payment",
                "amount": "22,50",
                "reason": "Redevance d'occupation de la voie publique",
                "comment": "Votre demande peut être acceptée.",
                "lock_version": str(case.lock_version),
                **data,
            },
        )

    def test_the_case_page_proposes_the_computed_fee(self) -> None:
        case = self.case_in_progress()
        self.client.force_login(self.mobility_agent)
        html = self.client.get(
            reverse("backoffice:case_detail", args=[case.reference])
        ).content.decode()
        assert 'value="22,50"' in html
        assert "Redevance d&#x27;occupation de la voie publique" in html
        # Only through its form: not a plain button of the transition form.
        assert '<button type="submit" name="transition" value="request_payment"' not in html

    def test_the_agent_asks_for_any_amount(self) -> None:
        case = self.case_in_progress()
        response = self.post(case, amount="35 €", reason="Supplément : 2 jours de plus")
        assert response.status_code == 302  # type: ignore[attr-defined]
        amount_due = AmountDue.objects.get()
        assert str(amount_due.amount) == "35.00"
        assert amount_due.reason == "Supplément : 2 jours de plus"
        case.refresh_from_db()
        assert case.status == "payment_requested"
        self.client.force_login(self.mobility_agent)
        page = self.client.get(
            reverse("backoffice:case_detail", args=[case.reference])
        ).content.decode()
        assert "Supplément : 2 jours de plus" in page
        assert "En attente de paiement" in page or "pas encore reçu" in page

    def test_wrong_amounts_are_refused_in_french_and_kept_as_typed(self) -> None:
        case = self.case_in_progress()
        for typed, message in (
            ("douze", "Indiquez un montant en euros"),
            ("-3", "supérieur à zéro"),
            ("1,234", "au centime près"),
            ("250000", "ne peut pas dépasser"),
            ("", "Indiquez le montant demandé."),
        ):
            with self.subTest(typed=typed):
                response = self.post(case, amount=typed, reason="Supplément tapé")
                assert response.status_code == 400  # type: ignore[attr-defined]
                html = response.content.decode()  # type: ignore[attr-defined]
                assert message in html
                assert 'value="Supplément tapé"' in html
                assert f'value="{typed}"' in html or not typed
        assert not AmountDue.objects.exists()

    def test_a_missing_message_is_asked_for_without_losing_the_amount(self) -> None:
        case = self.case_in_progress()
        response = self.post(case, amount="40,00", comment="")
        assert response.status_code == 400  # type: ignore[attr-defined]
        html = response.content.decode()  # type: ignore[attr-defined]
        assert "Un commentaire est nécessaire" in html
        assert 'value="40,00"' in html
        assert not AmountDue.objects.exists()

    def test_an_agent_of_another_service_cannot_ask(self) -> None:
        case = self.case_in_progress()
        self.client.force_login(self.agent)
        response = self.client.post(
            reverse("backoffice:case_payment_request", args=[case.reference]),
            {"transition": "request_payment", "amount": "5", "reason": "x", "lock_version": "1"},
        )
        assert response.status_code in (403, 404)
        assert not AmountDue.objects.exists()
