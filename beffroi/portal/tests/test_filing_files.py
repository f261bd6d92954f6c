"""Files on the filing pages, the confirmation's visitors, and what a
submission costs in queries."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beffroi.cases.models import Attachment, Case, Draft
from beffroi.cases.services import RAW_FAILED
from beffroi.documents.models import StoredFile
from beffroi.documents.sniff import sample_pdf
from beffroi.testing.procedures import IDENTITY, FilingTestCase


def pdf(name: str, marker: bytes = b"") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, sample_pdf(name + marker.decode()), "application/pdf")


class FilingFilesTests(FilingTestCase):
    def test_a_file_sent_with_a_wrong_answer_is_kept_with_what_was_typed(self) -> None:
        self.client.force_login(self.citizen)
        draft = self.start()
        response = self.client.post(
            self.page_url(draft, "demande"),
            {"link": "other", "copies": "9", "delivery": "pdf", "proof": pdf("preuve.pdf")},
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "preuve.pdf" in html  # the file is listed as kept
        assert 'value="9"' in html
        draft.refresh_from_db()
        assert [a.filename for a in draft.attachments.all()] == ["preuve.pdf"]
        assert "copies" not in draft.answers  # nothing wrong was saved
        assert draft.raw_pages["demande"]["copies"] == ["9"]
        assert RAW_FAILED in draft.raw_pages["demande"]
        # Corrected, the page is saved with its file and the typing forgotten.
        response = self.client.post(
            self.page_url(draft, "demande"), {"link": "other", "copies": "2", "delivery": "pdf"}
        )
        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.answers["copies"] == "2"
        assert draft.answers["proof"] == [draft.attachments.get().pk]
        assert "demande" not in draft.raw_pages

    def test_a_new_file_replaces_the_one_of_a_single_file_question(self) -> None:
        self.client.force_login(self.citizen)
        draft = self.start()
        url = self.page_url(draft, "demande")
        answers = {"link": "other", "copies": "1", "delivery": "pdf"}
        self.client.post(url, {**answers, "proof": pdf("premier.pdf")})
        self.client.post(url, {**answers, "proof": pdf("second.pdf")})
        draft.refresh_from_db()
        kept = draft.attachments.get()
        assert kept.filename == "second.pdf"
        assert draft.answers["proof"] == [kept.pk]

    def test_removing_a_file_keeps_what_was_typed_unsaved(self) -> None:
        self.client.force_login(self.citizen)
        draft = self.start()
        url = self.page_url(draft, "demande")
        self.client.post(
            url, {"link": "other", "copies": "1", "delivery": "pdf", "proof": pdf("preuve.pdf")}
        )
        attachment = Attachment.objects.get(draft=draft)
        response = self.client.post(
            url,
            {"link": "other", "copies": "4", "delivery": "pdf", "remove": str(attachment.pk)},
            follow=True,
        )
        assert "Le fichier a été retiré." in response.content.decode()
        assert 'value="4"' in response.content.decode()
        draft.refresh_from_db()
        assert not draft.attachments.exists()
        assert draft.answers["copies"] == "1"  # the new typing is kept, not saved
        assert draft.raw_pages["demande"]["copies"] == ["4"]

    def test_a_question_full_of_files_refuses_one_more_and_saves_nothing(self) -> None:
        self.client.force_login(self.citizen)
        draft = self.start()
        self.fill(draft, link="parent")
        url = self.page_url(draft, "complement")
        response = self.client.post(
            url,
            {"child_name": "Léa", "family_book": [pdf("p1.pdf"), pdf("p2.pdf"), pdf("p3.pdf")]},
        )
        assert response.status_code == 200
        assert "nombre maximum de fichiers" in response.content.decode()
        draft.refresh_from_db()
        assert sorted(a.filename for a in draft.attachments.all()) == ["p1.pdf", "p2.pdf"]
        assert "child_name" not in draft.answers
        assert draft.raw_pages["complement"]["child_name"] == ["Léa"]
        # Sent again without a new file, the page is saved with its two files.
        assert self.client.post(url, {"child_name": "Léa"}).status_code == 302
        draft.refresh_from_db()
        assert draft.answers["child_name"] == "Léa"
        assert sorted(draft.answers["family_book"]) == sorted(
            draft.attachments.values_list("pk", flat=True)
        )

    def test_the_same_bytes_are_stored_once(self) -> None:
        self.client.force_login(self.citizen)
        first, second = self.start(), self.start()
        for draft in (first, second):
            self.client.post(
                self.page_url(draft, "demande"),
                {"link": "other", "copies": "1", "delivery": "pdf", "proof": pdf("same.pdf")},
            )
        assert StoredFile.objects.count() == 1
        assert Attachment.objects.filter(file=StoredFile.objects.get()).count() == 2


class ConfirmationTests(FilingTestCase):
    def file_request(self) -> Case:
        draft = self.start()
        self.fill(draft)
        response = self.client.post(reverse("portal:draft_check", args=[draft.pk]))
        case = Case.objects.get(draft=draft)
        assert response["Location"] == reverse("portal:confirmation", args=[case.tracking_code])
        return case

    def test_the_visitor_who_filed_sees_the_confirmation_and_nobody_else(self) -> None:
        case = self.file_request()
        url = reverse("portal:confirmation", args=[case.tracking_code])
        html = self.client.get(url).content.decode()
        assert case.reference in html
        assert "marie@example.org" in html
        assert Client().get(url).status_code == 404  # another visitor
        other = Client()
        other.force_login(self.citizen)
        assert other.get(url).status_code == 404

    def test_the_account_that_filed_sees_its_confirmation_in_any_session(self) -> None:
        self.client.force_login(self.citizen)
        case = self.file_request()
        url = reverse("portal:confirmation", args=[case.tracking_code])
        again = Client()
        again.force_login(self.citizen)
        assert case.reference in again.get(url).content.decode()
        stranger = Client()
        stranger.force_login(self.other_citizen)
        assert stranger.get(url).status_code == 404


class VisitorDraftsTests(FilingTestCase):
    """A visitor's drafts are listed in a signed cookie, not a server session."""

    def test_filing_without_an_account_opens_no_session(self) -> None:
        self.client.post(reverse("portal:start", args=["demande-test"]))
        draft = Draft.objects.get()
        self.client.post(reverse("portal:draft_page", args=[draft.pk, "identite"]), IDENTITY)
        assert settings.SESSION_COOKIE_NAME not in self.client.cookies
        assert not Session.objects.exists()
        cookie = self.client.cookies["beffroi_drafts"]
        assert cookie["httponly"]
        assert cookie["samesite"] == "Lax"

    def test_a_forged_list_of_drafts_opens_nothing(self) -> None:
        self.client.post(reverse("portal:start", args=["demande-test"]))
        draft = Draft.objects.get()
        url = reverse("portal:draft_page", args=[draft.pk, "identite"])
        stranger = Client()
        stranger.cookies["beffroi_drafts"] = draft.pk.hex  # the id, without a valid signature
        assert stranger.get(url).status_code == 404
        value = self.client.cookies["beffroi_drafts"].value
        stranger.cookies["beffroi_drafts"] = value.replace(draft.pk.hex[:4], "0000", 1)
        assert stranger.get(url).status_code == 404
        assert self.client.get(url).status_code == 200

    def test_a_visitor_keeps_every_draft_they_started(self) -> None:
        for _ in range(3):
            self.client.post(reverse("portal:start", args=["demande-test"]))
        for draft in Draft.objects.all():
            url = reverse("portal:draft_page", args=[draft.pk, "identite"])
            assert self.client.get(url).status_code == 200


class SubmissionQueriesTests(FilingTestCase):
    """What one submission costs the database, step by step (a visitor
    without an account, a file of 200 KB). More queries here is slower
    filing for every citizen: change these numbers only knowingly."""

    def test_each_step_of_a_submission_runs_a_fixed_number_of_queries(self) -> None:
        # The same on SQLite and PostgreSQL (where one function takes the
        # journal's lock and reads its end). A visitor filing without an
        # account has no session to read or write.
        self.client.get("/demarches/demande-test/")
        steps = []

        def step(expected: int, method: str, url: str, data: dict[str, object]) -> str:
            with CaptureQueriesContext(connection) as queries:
                response = getattr(self.client, method)(url, data)
            assert response.status_code == 302, response.status_code
            steps.append((url, expected, len(queries)))
            return str(response["Location"])

        start = reverse("portal:start", args=["demande-test"])
        with CaptureQueriesContext(connection) as queries:
            assert self.client.get(start).status_code == 200
        # The first page's form: the content revisions and the procedure.
        assert len(queries) == 2, queries.captured_queries
        # Sending the first page opens the draft with its answers.
        first_page: dict[str, object] = {
            **IDENTITY,
            "email": "jean@example.org",
            "first-page": "identite",
        }
        url = step(5, "post", start, first_page)
        # The files the draft holds are read once, before the new one is kept.
        proof = SimpleUploadedFile("p.pdf", sample_pdf(size=200_000), "application/pdf")
        data: dict[str, object] = {
            "link": "other",
            "copies": "2",
            "delivery": "pdf",
            "proof": proof,
        }
        url = step(7, "post", url, data)
        # Sending reads the draft once, locked (who sends it is checked on
        # that read), then its procedure and its service one row each: three
        # fixed statements cost less than one compiled join.
        url = step(17, "post", url, {})
        assert "/demande-envoyee/" in url
        assert [(e, n) for _, e, n in steps] == [(e, e) for _, e, _ in steps], steps
