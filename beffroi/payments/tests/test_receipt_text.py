"""The city writes its receipt's text: placeholders from a list, checked with
French messages; the shipped text until then; never a seal claim."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.urls import reverse

from beffroi.audit.models import AuditEvent
from beffroi.documents.services import document_issue
from beffroi.payments.models import ReceiptTemplate
from beffroi.payments.receipt_text import DEFAULT_TEXT, receipt_text_problems
from beffroi.payments.services import (
    ReceiptTextRefused,
    payment_receipt_issue,
    receipt_template_save,
)
from beffroi.payments.tests.helpers import PaymentTestCase, pay_at_provider, pin_case, start_payment

URL = reverse("backoffice:receipt_text")


class ReceiptTextTests(PaymentTestCase):
    def receipt_body(self) -> str:
        payment = start_payment(pin_case(self.citizen), self.citizen)
        pay_at_provider(payment)
        with mock.patch("beffroi.payments.services.document_issue", wraps=document_issue) as issue:
            payment_receipt_issue(payment=payment)
        return str(issue.call_args.kwargs["body"])

    def test_without_a_city_text_the_shipped_receipt_is_unchanged(self) -> None:
        body = self.receipt_body()
        assert "La ville a reçu de Marie Dubois le paiement suivant." in body
        assert '<th scope="row">Montant payé</th><td>2,00\u00a0€</td>' in body

    def test_the_city_text_is_filled_and_escaped(self) -> None:
        receipt_template_save(
            actor=self.admin,
            body="Reçu de {{ demandeur }} : {{ montant }} pour {{ reference }}.\n\n<b>Merci</b>, {{ commune }}.",
        )
        body = self.receipt_body()
        assert body.startswith("<p>Reçu de Marie Dubois : 2,00\u00a0€ pour 2026-")
        assert "&lt;b&gt;Merci&lt;/b&gt;" in body
        assert AuditEvent.objects.filter(action="payment.receipt_template_saved").count() == 1

    def test_an_unknown_placeholder_is_refused_in_french(self) -> None:
        with pytest.raises(ReceiptTextRefused) as refused:
            receipt_template_save(actor=self.admin, body="Payé par {{ payeur }}.")
        assert refused.value.message.startswith(
            "« {{ payeur }} » n'est pas un champ possible. Champs possibles : demandeur, objet,"
        )
        assert not ReceiptTemplate.objects.exists()

    def test_tags_filters_and_seal_claims_are_refused(self) -> None:
        assert receipt_text_problems("{% if x %}a{% endif %}")
        assert receipt_text_problems("{{ montant|upper }}")
        assert receipt_text_problems("Pas refermé {{ montant")
        assert receipt_text_problems("Ce reçu porte le cachet de la ville.")
        assert receipt_text_problems(DEFAULT_TEXT) == []

    def test_an_empty_text_goes_back_to_the_shipped_one(self) -> None:
        receipt_template_save(actor=self.admin, body="Reçu : {{ montant }}.")
        assert receipt_template_save(actor=self.admin, body="  ") is None
        assert not ReceiptTemplate.objects.exists()
        assert "La ville a reçu de" in self.receipt_body()


class ReceiptTextPageTests(PaymentTestCase):
    def post(self, body: str) -> Any:
        return self.client.post(URL, {"body": body})

    def test_the_functional_administrator_sees_the_text_and_the_placeholders(self) -> None:
        self.client.force_login(self.admin)
        page = self.client.get(URL)
        self.assertContains(page, "Texte des reçus de paiement")
        self.assertContains(page, "{{ date_paiement }}")
        self.assertContains(page, "le texte livré avec Beffroi")
        home = self.client.get(reverse("backoffice:home"))
        self.assertContains(home, URL)

    def test_an_unknown_placeholder_is_a_form_error_keeping_the_text(self) -> None:
        self.client.force_login(self.admin)
        response = self.post("Merci {{ payeur }} pour {{ montant }}.")
        self.assertContains(
            response, "« {{ payeur }} » n&#x27;est pas un champ possible.", status_code=400
        )
        self.assertContains(response, "Merci {{ payeur }} pour {{ montant }}.", status_code=400)
        assert not ReceiptTemplate.objects.exists()

    def test_a_valid_text_is_saved(self) -> None:
        self.client.force_login(self.admin)
        response = self.post("Reçu : {{ montant }}, {{ commune }}.")
        assert response.status_code == 302
        assert ReceiptTemplate.objects.get().body == "Reçu : {{ montant }}, {{ commune }}."
        assert ReceiptTemplate.objects.get().updated_by == self.admin

    def test_other_agents_cannot_change_it(self) -> None:
        for someone in (self.agent, self.supervisor):
            self.client.force_login(someone)
            assert self.client.get(URL).status_code == 403
            assert self.post("Reçu : {{ montant }}.").status_code == 403
        self.assertNotContains(self.client.get(reverse("backoffice:home")), URL)
