"""The city's receipt text in Chromium with axe-core: the functional
administrator types an unknown placeholder (refused, the text kept), then a
good text, which the next receipt uses."""

from __future__ import annotations

from beffroi.payments.models import ReceiptTemplate
from beffroi.testing.browser import BrowserTestCase
from beffroi.testing.personas import PASSWORD, create_world


class ReceiptTextPageTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.people = create_world()

    def test_the_functional_administrator_writes_the_receipt_text(self) -> None:
        page = self.page
        self.visit("/backoffice/connexion/")
        page.get_by_label("Adresse e-mail professionnelle").fill(self.people["admin"].email)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        self.submit(page.get_by_role("button", name="Se connecter"))
        self.submit(page.get_by_role("link", name="Texte des reçus de paiement"))
        text = page.get_by_label("Texte du reçu")
        assert "{{ demandeur }}" in text.input_value()

        text.fill("Reçu de {{ payeur }} : {{ montant }}.")
        self.submit(page.get_by_role("button", name="Enregistrer le texte"))
        assert (
            page.get_by_role("alert")
            .get_by_text("« {{ payeur }} » n'est pas un champ possible.", exact=False)
            .is_visible()
        )
        assert page.get_by_label("Texte du reçu").input_value() == (
            "Reçu de {{ payeur }} : {{ montant }}."
        )
        assert not ReceiptTemplate.objects.exists()

        page.get_by_label("Texte du reçu").fill("Reçu de {{ demandeur }} : {{ montant }}.")
        self.submit(page.get_by_role("button", name="Enregistrer le texte"))
        assert page.get_by_text("Le texte du reçu est enregistré").is_visible()
        assert ReceiptTemplate.objects.get().body == "Reçu de {{ demandeur }} : {{ montant }}."
