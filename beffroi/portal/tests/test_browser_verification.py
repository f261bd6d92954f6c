"""Checking a document in Chromium, by its code and by its PDF, with axe-core on every page."""

from __future__ import annotations

from beffroi.cases.issuing import case_document_issue as document_issue
from beffroi.documents.codes import format_verification_code
from beffroi.documents.services import file_read
from beffroi.documents.tests.builders import certificate_case
from beffroi.testing.browser import BrowserTestCase
from beffroi.testing.personas import create_world


def _issue() -> tuple[str, bytes]:
    people = create_world(catalogue=False)
    case = certificate_case(applicant=people["citizen"])
    issued = document_issue(actor=people["agent"], case=case, document_id="certificate")
    return issued.verification_code, file_read(issued.file)


class VerificationJourneyTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.code, self.pdf = _issue()

    def test_someone_holding_a_certificate_checks_its_code_then_its_file(self) -> None:
        page = self.page
        self.visit("/verifier/")
        assert page.get_by_role("heading", level=1).inner_text() == (
            "Vérifier un document délivré par la ville"
        )
        page.get_by_label("Code de vérification", exact=True).fill("bcdf")
        self.submit(page.get_by_role("button", name="Vérifier le code"))
        assert page.get_by_text("Un code de vérification compte 16 lettres").first.is_visible()

        typed = format_verification_code(self.code).lower().replace("-", " ")
        page.get_by_label("Code de vérification", exact=True).fill(typed)
        self.submit(page.get_by_role("button", name="Vérifier le code"))
        assert page.url.endswith(f"/verifier/{self.code}/")
        assert page.get_by_role(
            "heading", name="Ce document est authentique et valable"
        ).is_visible()
        # The seal, validated: who sealed it, when, its chain and its integrity.
        assert page.get_by_role("heading", name="Signature numérique du fichier").is_visible()
        assert page.get_by_text("Ville de Tournai — démonstration", exact=True).is_visible()
        assert page.get_by_text(
            "Intacte : le contenu est exactement celui qui a été scellé."
        ).is_visible()

        self.submit(page.get_by_role("link", name="Vérifier qu’un fichier PDF est bien celui-ci"))
        page.get_by_label("Le document PDF").set_input_files(
            {"name": "certificat.pdf", "mimeType": "application/pdf", "buffer": self.pdf}
        )
        self.submit(page.get_by_role("button", name="Vérifier le fichier"))
        assert page.get_by_text(
            "Ce fichier est exactement celui que la Ville de Tournai a délivré."
        ).is_visible()

        page.get_by_label("Le document PDF").set_input_files(
            {"name": "certificat.pdf", "mimeType": "application/pdf", "buffer": b"pas un PDF"}
        )
        self.submit(page.get_by_role("button", name="Vérifier le fichier"))
        assert page.get_by_text("Ce fichier n’est pas un PDF.").first.is_visible()

    def test_an_unknown_code_says_so_and_offers_to_try_again(self) -> None:
        response = self.visit(f"/verifier/{'B' * 16}/")
        assert response.status == 404
        assert self.page.get_by_role("heading", name="Document introuvable").is_visible()
        assert self.page.get_by_label("Code de vérification", exact=True).is_visible()

    def test_the_verification_page_reads_well_on_a_phone(self) -> None:
        page = self.new_page()
        page.set_viewport_size({"width": 360, "height": 800})
        for path in ("/verifier/", f"/verifier/{self.code}/"):
            self.visit(path, page)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{path} scrolls sideways on a phone"


class VerificationWithoutJavaScriptTests(BrowserTestCase):
    javascript_enabled = False

    def setUp(self) -> None:
        super().setUp()
        self.code, self.pdf = _issue()

    def test_a_modified_file_is_told_apart_without_javascript(self) -> None:
        page = self.page
        self.visit("/verifier/")
        page.get_by_label("Le document PDF").set_input_files(
            {"name": "certificat.pdf", "mimeType": "application/pdf", "buffer": self.pdf + b"\n%"}
        )
        self.submit(page.get_by_role("button", name="Vérifier le fichier"))
        assert page.get_by_text("ou il a été modifié depuis sa délivrance").is_visible()
        page.get_by_label("Code de vérification", exact=True).fill(
            format_verification_code(self.code)
        )
        self.submit(page.get_by_role("button", name="Vérifier le code"))
        assert page.get_by_role(
            "heading", name="Ce document est authentique et valable"
        ).is_visible()
