"""Opening a request: its first page is shown before any draft exists, and
sending that page opens the draft with its answers."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from urllib.parse import quote

from django.urls import reverse

from beffroi.audit.models import AuditEvent
from beffroi.cases.models import Draft
from beffroi.testing.procedures import (
    IDENTITY,
    TEST_PROCEDURE,
    FilingTestCase,
    install_test_procedure,
)

START = reverse("portal:start", args=["demande-test"])


def _first_page(**changes: str) -> dict[str, str]:
    return {"first-page": "identite", **IDENTITY, "email": "jean@example.org", **changes}


def _without_token(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


class OpeningTests(FilingTestCase):
    def test_the_procedure_page_leads_to_the_first_page_by_a_plain_link(self) -> None:
        html = self.client.get("/demarches/demande-test/").content.decode()
        assert f'<form method="get" action="{START}"' in html
        response = self.client.get(START)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Étape 1 sur" in html
        assert 'name="first-page" value="identite"' in html
        # A page without files is sent as a plain form.
        assert "multipart/form-data" not in html
        # Looking at the form leaves nothing behind.
        assert not Draft.objects.exists()
        assert not AuditEvent.objects.filter(action="draft.started").exists()

    def test_sending_the_first_page_opens_the_draft_with_its_answers(self) -> None:
        response = self.client.post(START, _first_page())
        draft = Draft.objects.get()
        assert response["Location"] == reverse("portal:draft_page", args=[draft.pk, "demande"])
        assert draft.owner is None
        assert draft.answers["last_name"] == IDENTITY["last_name"]
        assert draft.last_page == "identite"
        assert not draft.raw_pages
        assert AuditEvent.objects.filter(action="draft.started", object_id=str(draft.pk)).exists()
        # This browser (and only this one) may go on with it.
        assert self.client.get(response["Location"]).status_code == 200
        self.client.cookies.clear()
        assert self.client.get(response["Location"]).status_code == 404

    def test_a_wrong_first_page_opens_the_draft_and_keeps_what_was_typed(self) -> None:
        response = self.client.post(START, _first_page(birth_date="31/02/1985"))
        draft = Draft.objects.get()
        page = reverse("portal:draft_page", args=[draft.pk, "identite"])
        assert response["Location"] == page
        assert draft.answers == {}
        html = self.client.get(page).content.decode()
        assert 'value="31/02/1985"' in html
        assert "Indiquez une date réelle" in html
        # Corrected, it moves on as any page does.
        response = self.client.post(page, _first_page())
        assert response["Location"].endswith("/etape/demande/")

    def test_a_citizen_finds_the_first_page_prefilled_and_owns_the_draft(self) -> None:
        self.client.force_login(self.citizen)
        html = self.client.get(START).content.decode()
        assert 'value="Marie"' in html
        assert 'value="85.07.30-033.28"' in html
        self.client.post(START, _first_page())
        assert Draft.objects.get().owner == self.citizen

    def test_the_questions_kept_for_visitors_never_reach_a_citizen_or_a_new_version(self) -> None:
        # A visitor's empty first page is kept for the next visitors...
        visitor = self.client.get(START).content.decode()
        assert 'value="Marie"' not in visitor
        again = self.client.get(START).content.decode()
        # The same page but its form's token, each visitor's own.
        assert _without_token(again) == _without_token(visitor)
        assert again != visitor
        # ...but a citizen's is theirs, prefilled,
        self.client.force_login(self.citizen)
        assert 'value="Marie"' in self.client.get(START).content.decode()
        # and a visitor after them gets the empty one again.
        self.client.logout()
        assert 'value="Marie"' not in self.client.get(START).content.decode()
        # A new version of the procedure shows its own questions.
        with tempfile.TemporaryDirectory() as folder:
            changed = Path(folder) / TEST_PROCEDURE.name
            text = TEST_PROCEDURE.read_text(encoding="utf-8")
            changed.write_text(text.replace("label: Prénom,", "label: Prénom usuel,"), "utf-8")
            install_test_procedure(changed)
        assert "Prénom usuel" in self.client.get(START).content.decode()

    def test_each_sending_of_the_first_page_opens_its_own_draft(self) -> None:
        self.client.post(START, _first_page())
        self.client.post(START, _first_page(first_name="Paul"))
        assert Draft.objects.count() == 2

    def test_visitors_are_sent_to_log_in_when_the_procedure_needs_an_account(self) -> None:
        self.procedure.allows_anonymous = False
        self.procedure.save(update_fields=["allows_anonymous"])
        for response in (self.client.get(START), self.client.post(START, _first_page())):
            assert response["Location"].startswith(reverse("account_login"))
        assert not Draft.objects.exists()

    def test_a_first_page_sent_once_the_session_ran_out_is_kept_through_the_login(self) -> None:
        self.procedure.allows_anonymous = False
        self.procedure.save(update_fields=["allows_anonymous"])
        self.client.force_login(self.citizen)
        self.client.get(START)
        self.client.logout()  # the session runs out while Marie types
        response = self.client.post(START, _first_page(first_name="Marie-Claire"))
        assert response["Location"] == f"{reverse('account_login')}?next={quote(START)}"
        assert not Draft.objects.exists()
        self.client.force_login(self.citizen)
        html = self.client.get(START).content.decode()
        assert 'value="Marie-Claire"' in html
        assert "ce que vous aviez saisi est conservé" in html
        # Once shown again, the page is the profile's as usual.
        assert 'value="Marie-Claire"' not in self.client.get(START).content.decode()

    def test_an_eid_procedure_shows_no_first_page(self) -> None:
        self.procedure.requires_eid = True
        self.procedure.save(update_fields=["requires_eid"])
        self.client.force_login(self.citizen)
        response = self.client.get(START, follow=True)
        assert response.redirect_chain[-1][0] == "/demarches/demande-test/"
        assert "ne peut pas encore être faite en ligne" in response.content.decode()
        self.client.post(START, _first_page())
        assert not Draft.objects.exists()

    def test_an_unknown_procedure_is_not_found(self) -> None:
        url = reverse("portal:start", args=["nexiste-pas"])
        assert self.client.get(url).status_code == 404
        assert self.client.post(url, _first_page()).status_code == 404

    def test_the_form_of_an_older_procedure_page_still_opens_an_empty_draft(self) -> None:
        response = self.client.post(START)
        draft = Draft.objects.get()
        assert response["Location"] == reverse("portal:draft_page", args=[draft.pk, "identite"])
        assert draft.answers == {}
        assert not draft.raw_pages
