"""« Mes démarches »: every request and draft is told apart from the others."""

from __future__ import annotations

import re

from django.urls import reverse

from beffroi.cases.services import draft_start
from beffroi.catalogue.models import Procedure
from beffroi.testing.procedures import FilingTestCase, file_test_case


class MyCasesTests(FilingTestCase):
    def test_requests_of_one_procedure_have_links_that_say_which_they_are(self) -> None:
        cases = [file_test_case(applicant=self.citizen) for _ in range(3)]
        draft_start(actor=self.citizen, procedure=Procedure.objects.get(slug="demande-test"))
        self.client.force_login(self.citizen)
        html = self.client.get(reverse("portal:my_cases")).content.decode()
        links = re.findall(r'<li class="case-list__item"><a href="[^"]+">([^<]+)</a>', html)
        assert len(links) == 4
        assert len(set(links)) == 4, links  # no two links read the same
        for case in cases:
            assert case.reference in html
        assert "Brouillons (pas encore envoyés)" in html
        assert "brouillon du" in html
        assert "Demandes envoyées, en cours" in html
