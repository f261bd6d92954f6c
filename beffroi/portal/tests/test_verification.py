"""Anyone can check a document the city issued, by its code or its PDF, without an account."""

from __future__ import annotations

import io
import re

import pikepdf
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from PIL import Image

from beffroi.accounts.models import User
from beffroi.cases.issuing import case_document_issue as document_issue
from beffroi.cases.issuing import case_document_revoke as document_revoke
from beffroi.cases.models import Case
from beffroi.documents.codes import format_verification_code
from beffroi.documents.models import IssuedDocument
from beffroi.documents.services import file_read
from beffroi.documents.tests.builders import ANSWERS, certificate_case
from beffroi.portal.forms_verification import MAX_PDF_BYTES
from beffroi.portal.views_verification import RATE_LIMIT
from beffroi.signatures.tests.helpers import one_byte_altered
from beffroi.testing.personas import create_world


def _text(response) -> str:
    """The page's text as a reader gets it (tags and line-break hints removed)."""
    html = response.content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html.replace("<wbr>", "")).split())


class VerificationTests(TestCase):
    citizen: User
    agent: User
    case: Case
    issued: IssuedDocument
    pdf: bytes
    code: str

    @classmethod
    def setUpTestData(cls) -> None:
        people = create_world(catalogue=False)
        cls.citizen = people["citizen"]
        cls.agent = people["agent"]
        cls.case = certificate_case(applicant=cls.citizen)
        cls.issued = document_issue(actor=cls.agent, case=cls.case, document_id="certificate")
        cls.pdf = file_read(cls.issued.file)
        cls.code = cls.issued.verification_code

    def _upload(self, content: bytes, name: str = "certificat.pdf", **extra):
        upload = SimpleUploadedFile(name, content, content_type="application/pdf")
        return self.client.post("/verifier/", {"document": upload}, **extra)

    # -- by code ---------------------------------------------------------------
    def test_the_detail_page_shows_the_facts_of_the_document(self) -> None:
        response = self.client.get(f"/verifier/{self.code}/")
        assert response.status_code == 200
        text = _text(response)
        assert "Ce document est authentique et valable" in text
        assert "La Ville de Tournai a bien délivré ce document" in text
        assert "Certificat de résidence" in text
        assert "Service Population, Ville de Tournai" in text
        issued_on = self.issued.issued_at.astimezone().strftime("%Y")
        assert issued_on in text
        assert self.issued.file.sha256 in text
        assert format_verification_code(self.code) in text
        assert response["Cache-Control"].startswith("max-age=0")

    def test_the_detail_page_shows_no_personal_data(self) -> None:
        text = _text(self.client.get(f"/verifier/{self.code}/"))
        for secret in (
            self.citizen.first_name,
            self.citizen.last_name,
            self.citizen.email,
            self.case.reference,
            self.case.tracking_code,
            ANSWERS["since"],
            "bancaires",
        ):
            assert secret not in text, secret

    def test_a_revoked_document_says_when_and_why(self) -> None:
        document_revoke(actor=self.agent, issued=self.issued, reason="Délivré par erreur")
        response = self.client.get(f"/verifier/{self.code}/")
        assert response.status_code == 200
        text = _text(response)
        assert "Ce document a été révoqué : il n’est plus valable" in text
        assert "Motif : Délivré par erreur" in text
        assert "authentique et valable" not in text

    def test_a_code_typed_with_dashes_and_in_lower_case_leads_to_the_document(self) -> None:
        typed = format_verification_code(self.code).lower()
        response = self.client.get(f"/verifier/{typed}/")
        assert response.status_code == 302
        assert response["Location"] == f"/verifier/{self.code}/"

    def test_the_code_form_leads_to_the_document(self) -> None:
        response = self.client.get("/verifier/", {"code": format_verification_code(self.code)})
        assert response.status_code == 302
        assert response["Location"] == f"/verifier/{self.code}/"

    def test_a_mistyped_code_gets_a_french_message_next_to_the_field(self) -> None:
        response = self.client.get("/verifier/", {"code": "BCDF-GHJK"})
        assert response.status_code == 200
        assert "Un code de vérification compte 16 lettres. Vous en avez saisi 8." in _text(response)
        assert 'aria-invalid="true"' in response.content.decode()
        response = self.client.get("/verifier/", {"code": "AEIO-UAEI-OUAE-IOUA"})
        assert "ne contient que des consonnes" in _text(response)

    def test_an_unknown_code_gets_a_french_404_with_the_form_to_try_again(self) -> None:
        response = self.client.get(f"/verifier/{'B' * 16}/")
        assert response.status_code == 404
        text = _text(response)
        assert "Document introuvable" in text
        assert "Aucun document délivré par la Ville de Tournai ne correspond à ce code" in text
        assert 'name="code"' in response.content.decode()

    def test_a_malformed_code_in_the_address_gets_the_404_with_the_reason(self) -> None:
        response = self.client.get("/verifier/n'importe-quoi/")
        assert response.status_code == 404
        assert "Un code de vérification compte 16 lettres" in _text(response)

    # -- by file ---------------------------------------------------------------
    def test_the_page_offers_both_ways_without_an_account(self) -> None:
        response = self.client.get("/verifier/")
        assert response.status_code == 200
        html = response.content.decode()
        assert 'name="code"' in html
        assert 'type="file" name="document"' in html
        assert 'enctype="multipart/form-data"' in html

    def test_the_issued_pdf_is_recognised_as_exactly_the_file_the_city_issued(self) -> None:
        response = self._upload(self.pdf)
        assert response.status_code == 200
        text = _text(response)
        assert "Ce fichier est exactement celui que la Ville de Tournai a délivré." in text
        assert "Certificat de résidence" in text
        assert self.issued.file.sha256 in text
        assert self.citizen.last_name not in text

    def test_a_modified_pdf_is_not_recognised(self) -> None:
        middle = len(self.pdf) // 2
        changed = self.pdf[:middle] + bytes([self.pdf[middle] ^ 1]) + self.pdf[middle + 1 :]
        response = self._upload(changed)
        assert response.status_code == 200
        text = _text(response)
        assert "Ce fichier n’est pas un document délivré par la Ville de Tournai" in text
        assert "ou il a été modifié depuis sa délivrance" in text
        assert "Certificat de résidence" not in text
        # A change appended to the end (an "incremental update") is a change too.
        response = self._upload(self.pdf + b"\n% modified\n")
        assert "ou il a été modifié depuis sa délivrance" in _text(response)

    # -- the seal ------------------------------------------------------------------
    def test_the_detail_page_says_who_sealed_the_document_and_when(self) -> None:
        text = _text(self.client.get(f"/verifier/{self.code}/"))
        assert (
            "Ce document porte un cachet électronique valable au nom de « Ville de Tournai — "
            "démonstration »" in text
        )
        assert "Scellé le" in text
        assert "horodatage de Ville de Tournai — démonstration — horodatage" in text
        assert "Chaîne de certificats Reconnue" in text
        assert "Intégrité Intacte" in text

    def test_the_uploaded_issued_pdf_shows_its_valid_seal(self) -> None:
        text = _text(self._upload(self.pdf))
        assert "Ce fichier est exactement celui que la Ville de Tournai a délivré." in text
        assert "porte un cachet électronique valable au nom de « Ville de Tournai" in text

    def test_an_altered_pdf_is_reported_signed_but_not_valid_and_claims_no_seal(self) -> None:
        text = _text(self._upload(one_byte_altered(self.pdf)))
        assert "Ce fichier porte une signature numérique, mais elle n’est pas valable" in text
        assert "le contenu a été modifié après la signature" in text
        assert "cachet" not in text.lower()

    def test_bytes_added_after_the_seal_make_it_not_valid(self) -> None:
        text = _text(self._upload(self.pdf + b"\n% modified\n"))
        assert "le fichier a été complété ou modifié après la signature" in text
        assert "cachet" not in text.lower()

    def test_any_unsigned_pdf_gets_a_plain_report(self) -> None:
        unsigned = io.BytesIO()
        with pikepdf.new() as document:
            document.add_blank_page()
            document.save(unsigned)
        response = self._upload(unsigned.getvalue(), name="autre.pdf")
        assert response.status_code == 200
        text = _text(response)
        assert "Ce fichier ne porte aucune signature numérique" in text
        assert "cachet" not in text.lower()

    def test_a_document_issued_before_seals_existed_claims_none(self) -> None:
        IssuedDocument.objects.filter(pk=self.issued.pk).update(sealed=False)
        text = _text(self.client.get(f"/verifier/{self.code}/"))
        assert "Ce document est authentique et valable" in text
        assert "cachet" not in text.lower()

    def test_a_file_that_is_not_a_pdf_gets_a_french_message_next_to_the_field(self) -> None:
        response = self._upload(b"Bonjour, je suis un texte.", name="certificat.pdf")
        assert response.status_code == 200
        assert "Ce fichier n’est pas un PDF." in _text(response)
        assert 'id="id_document_error"' in response.content.decode()
        image = io.BytesIO()
        Image.new("RGB", (8, 8)).save(image, format="PNG")
        response = self._upload(image.getvalue(), name="scan.pdf")
        assert "Ce fichier est au format PNG, pas un PDF." in _text(response)

    def test_an_oversized_file_gets_a_french_message_and_is_not_kept(self) -> None:
        response = self._upload(b"%PDF-1.7\n" + b"0" * MAX_PDF_BYTES)
        assert response.status_code == 200
        text = _text(response)
        assert "Ce fichier pèse 20,1 Mo, plus que la limite de 20 Mo." in text
        assert "Résultat de la vérification" not in text

    def test_sending_no_file_asks_for_one(self) -> None:
        response = self.client.post("/verifier/", {})
        assert response.status_code == 200
        assert "Choisissez le fichier PDF à vérifier." in _text(response)
        response = self._upload(b"", name="vide.pdf")
        assert "Ce fichier est vide." in _text(response)

    def test_the_upload_form_is_protected_against_cross_site_requests(self) -> None:
        client = Client(enforce_csrf_checks=True)
        upload = SimpleUploadedFile("certificat.pdf", self.pdf, content_type="application/pdf")
        assert client.post("/verifier/", {"document": upload}).status_code == 403
        page = client.get("/verifier/")
        token = page.cookies["csrftoken"].value
        upload = SimpleUploadedFile("certificat.pdf", self.pdf, content_type="application/pdf")
        response = client.post("/verifier/", {"document": upload, "csrfmiddlewaretoken": token})
        assert response.status_code == 200
        assert "exactement celui" in _text(response)

    # -- rate limit --------------------------------------------------------------
    def test_lookups_are_limited_per_client_address_with_a_french_429(self) -> None:
        for _ in range(RATE_LIMIT - 1):
            assert self.client.get(f"/verifier/{self.code}/").status_code == 200
        assert self._upload(self.pdf).status_code == 200
        response = self.client.get(f"/verifier/{self.code}/")
        assert response.status_code == 429
        assert "Trop de vérifications en peu de temps" in _text(response)
        assert int(response["Retry-After"]) > 0
        assert self._upload(self.pdf).status_code == 429
        other = self.client.get(f"/verifier/{self.code}/", REMOTE_ADDR="192.0.2.44")
        assert other.status_code == 200
