"""Filing a request on the portal: pages, validation, drafts, check, send."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from beffroi.audit.models import AuditEvent
from beffroi.cases.models import Case, Draft
from beffroi.testing.procedures import IDENTITY, FilingTestCase


class FilingTests(FilingTestCase):
    def test_the_procedure_page_offers_to_start(self) -> None:
        html = self.client.get("/demarches/demande-test/").content.decode()
        assert "Commencer sans compte" in html
        self.client.force_login(self.citizen)
        html = self.client.get("/demarches/demande-test/").content.decode()
        assert ">Commencer<" in html

    def test_the_first_page_is_prefilled_from_the_profile(self) -> None:
        self.client.force_login(self.citizen)
        draft = self.start()
        html = self.client.get(self.page_url(draft, "identite")).content.decode()
        assert 'value="Marie"' in html
        assert 'value="1985-07-30"' in html
        assert 'value="85.07.30-033.28"' in html

    def test_a_wrong_answer_gets_a_french_message_and_keeps_what_was_typed(self) -> None:
        self.client.force_login(self.citizen)
        draft = self.start()
        response = self.client.post(
            self.page_url(draft, "identite"),
            {**IDENTITY, "national_number": "85.07.30-033.29", "birth_date": "31/02/1985"},
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "n&#x27;est pas valide" in html
        assert "Indiquez une date réelle" in html
        assert 'value="85.07.30-033.29"' in html
        # Leaving and coming back shows the same typing and messages.
        html = self.client.get(self.page_url(draft, "identite")).content.decode()
        assert 'value="85.07.30-033.29"' in html
        assert "Indiquez une date réelle" in html

    def test_a_required_question_left_empty_is_named(self) -> None:
        self.client.force_login(self.citizen)
        draft = self.start()
        self.client.post(self.page_url(draft, "identite"), IDENTITY)
        response = self.client.post(self.page_url(draft, "demande"), {"copies": "1"})
        html = response.content.decode()
        assert "Choisissez une réponse." in html
        assert "2 champs sont à corriger" in html

    def test_a_question_shown_by_another_answer_is_required_only_then(self) -> None:
        self.client.force_login(self.citizen)
        draft = self.start()
        self.client.post(self.page_url(draft, "identite"), IDENTITY)
        response = self.client.post(
            self.page_url(draft, "demande"), {"link": "other", "copies": "1", "delivery": "pdf"}
        )
        assert "Joignez un fichier." in response.content.decode()
        response = self.client.post(
            self.page_url(draft, "demande"),
            {"link": "self", "copies": "1", "delivery": "post", "address__street": "Rue Royale"},
        )
        html = response.content.decode()
        assert "Indiquez le numéro." in html
        assert "Joignez un fichier." not in html

    def test_answers_made_irrelevant_are_forgotten(self) -> None:
        self.client.force_login(self.citizen)
        draft = self.start()
        self.client.post(self.page_url(draft, "identite"), IDENTITY)
        address = {
            "address__street": "Rue Royale",
            "address__number": "5",
            "address__postcode": "7500",
            "address__city": "Tournai",
            "address__country": "BE",
        }
        self.client.post(
            self.page_url(draft, "demande"),
            {"link": "self", "copies": "1", "delivery": "post", **address},
        )
        draft.refresh_from_db()
        assert draft.answers["address"]["city"] == "Tournai"
        self.client.post(
            self.page_url(draft, "demande"),
            {"link": "self", "copies": "1", "delivery": "pdf", **address},
        )
        draft.refresh_from_db()
        assert "address" not in draft.answers

    def test_a_page_that_does_not_apply_is_skipped(self) -> None:
        self.client.force_login(self.citizen)
        draft = self.start()
        self.client.post(self.page_url(draft, "identite"), IDENTITY)
        response = self.client.post(
            self.page_url(draft, "demande"), {"link": "self", "copies": "1", "delivery": "pdf"}
        )
        assert response["Location"] == reverse("portal:draft_check", args=[draft.pk])
        assert self.client.get(self.page_url(draft, "complement")).status_code == 404
        response = self.client.post(
            self.page_url(draft, "demande"), {"link": "parent", "copies": "1", "delivery": "pdf"}
        )
        assert response["Location"] == self.page_url(draft, "complement")

    def test_the_check_page_lists_answers_with_links_to_change_them(self) -> None:
        self.client.force_login(self.citizen)
        draft = self.start()
        self.client.post(self.page_url(draft, "identite"), IDENTITY)
        self.client.post(
            self.page_url(draft, "demande"),
            {"link": "self", "copies": "2", "delivery": "pdf", "options": ["history", "urgent"]},
        )
        html = self.client.get(reverse("portal:draft_check", args=[draft.pk])).content.decode()
        assert "Moi-même" in html
        assert "Avec l&#x27;historique, Urgent" in html
        assert "30/07/1985" in html
        assert f"{self.page_url(draft, 'demande')}#question-link" in html

    def test_an_incomplete_draft_cannot_be_sent(self) -> None:
        self.client.force_login(self.citizen)
        draft = self.start()
        self.client.post(self.page_url(draft, "identite"), IDENTITY)
        response = self.client.post(reverse("portal:draft_check", args=[draft.pk]))
        assert response.status_code == 400
        assert "pas encore complète" in response.content.decode()
        assert not Case.objects.exists()

    def test_sending_creates_the_case_with_a_reference_and_a_tracking_code(self) -> None:
        self.client.force_login(self.citizen)
        draft = self.start()
        self.fill(draft)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("portal:draft_check", args=[draft.pk]))
        case = Case.objects.get()
        assert response["Location"] == reverse("portal:confirmation", args=[case.tracking_code])
        assert case.applicant == self.citizen
        assert case.status == "submitted"
        assert case.reference.endswith("-000001")
        assert len(case.tracking_code) == 8
        assert case.deadline is not None
        assert AuditEvent.objects.filter(action="case.submitted", object_id=str(case.pk)).exists()
        assert mail.outbox[-1].subject == f"Demande {case.reference} reçue"
        assert mail.outbox[-1].to == [self.citizen.email]
        html = self.client.get(response["Location"]).content.decode()
        assert case.tracking_code in html
        assert "Le service vérifie votre demande." in html
        # Sending twice files one case only.
        self.client.post(reverse("portal:draft_check", args=[draft.pk]))
        assert Case.objects.count() == 1

    def test_drafts_are_listed_and_resumed_where_the_citizen_stopped(self) -> None:
        self.client.force_login(self.citizen)
        draft = self.start()
        self.client.post(self.page_url(draft, "identite"), IDENTITY)
        html = self.client.get(reverse("portal:my_cases")).content.decode()
        assert "Brouillons" in html
        assert reverse("portal:draft_resume", args=[draft.pk]) in html
        response = self.client.get(reverse("portal:draft_resume", args=[draft.pk]))
        assert response["Location"] == self.page_url(draft, "demande")

    def test_typing_survives_an_expired_session(self) -> None:
        self.client.force_login(self.citizen)
        draft = self.start()
        self.client.logout()
        response = self.client.post(
            self.page_url(draft, "identite"), {**IDENTITY, "last_name": "Dubois-Martin"}
        )
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        self.client.force_login(self.citizen)
        html = self.client.get(self.page_url(draft, "identite")).content.decode()
        assert 'value="Dubois-Martin"' in html

    def test_nobody_else_can_open_a_draft(self) -> None:
        self.client.force_login(self.citizen)
        draft = self.start()
        self.client.force_login(self.other_citizen)
        assert self.client.get(self.page_url(draft, "identite")).status_code == 404
        self.client.logout()
        assert self.client.get(self.page_url(draft, "identite")).status_code == 404

    def test_nobody_else_can_send_a_complete_draft(self) -> None:
        self.client.force_login(self.citizen)
        draft = self.start()
        self.fill(draft)
        send = reverse("portal:draft_check", args=[draft.pk])
        self.client.force_login(self.other_citizen)
        assert self.client.post(send).status_code == 404
        self.client.logout()
        assert self.client.post(send).status_code == 404
        assert not Case.objects.exists()
        # Its owner still can.
        self.client.force_login(self.citizen)
        assert self.client.post(send).status_code == 302
        assert Case.objects.get().applicant == self.citizen

    def test_a_draft_can_be_deleted(self) -> None:
        self.client.force_login(self.citizen)
        draft = self.start()
        self.client.post(reverse("portal:draft_delete", args=[draft.pk]))
        assert not Draft.objects.filter(pk=draft.pk).exists()


class AnonymousFilingTests(FilingTestCase):
    def test_a_visitor_files_without_an_account_and_gets_a_tracking_code(self) -> None:
        self.client.post(reverse("portal:start", args=["demande-test"]))
        draft = Draft.objects.get()
        assert draft.owner is None
        self.client.post(
            reverse("portal:draft_page", args=[draft.pk, "identite"]),
            {
                **IDENTITY,
                "first_name": "Jean",
                "last_name": "Visiteur",
                "email": "jean@example.org",
            },
        )
        self.client.post(
            reverse("portal:draft_page", args=[draft.pk, "demande"]),
            {"link": "self", "copies": "1", "delivery": "pdf"},
        )
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("portal:draft_check", args=[draft.pk]))
        case = Case.objects.get()
        assert case.applicant is None
        assert case.applicant_email == "jean@example.org"
        assert case.applicant_name == "Jean Visiteur"
        assert mail.outbox[-1].to == ["jean@example.org"]
        assert case.tracking_code in mail.outbox[-1].body

    def test_another_visitor_cannot_reach_the_draft(self) -> None:
        self.client.post(reverse("portal:start", args=["demande-test"]))
        draft = Draft.objects.get()
        self.client.cookies.clear()
        url = reverse("portal:draft_page", args=[draft.pk, "identite"])
        assert self.client.get(url).status_code == 404

    def test_a_procedure_that_needs_an_account_sends_visitors_to_log_in(self) -> None:
        self.procedure.allows_anonymous = False
        self.procedure.save(update_fields=["allows_anonymous"])
        response = self.client.post(reverse("portal:start", args=["demande-test"]))
        assert response["Location"].startswith(reverse("account_login"))
        assert not Draft.objects.exists()

    def test_an_eid_procedure_cannot_be_filed_yet(self) -> None:
        self.procedure.requires_eid = True
        self.procedure.save(update_fields=["requires_eid"])
        html = self.client.get("/demarches/demande-test/").content.decode()
        assert "bientôt" in html
        assert "Commencer" not in html
        self.client.force_login(self.citizen)
        self.client.post(reverse("portal:start", args=["demande-test"]))
        assert not Draft.objects.exists()
