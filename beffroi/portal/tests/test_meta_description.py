"""Every public page says what it is in a ``<meta name="description">``: a
procedure's page its summary, the others a sentence with the city's name."""

from __future__ import annotations

import html
import re

from django.test import Client

from beffroi.municipality.selectors import current_municipality
from beffroi.testing.procedures import FilingTestCase


def description(path: str) -> str:
    page = Client().get(path).content.decode()
    found = re.findall(r'<meta name="description" content="([^"]*)">', page)
    assert len(found) == 1, f"{path}: {len(found)} descriptions"
    return html.unescape(found[0])


class MetaDescriptionTests(FilingTestCase):
    def test_a_procedure_page_is_described_by_its_summary(self) -> None:
        assert description("/demarches/demande-test/") == self.procedure.summary.strip()

    def test_other_public_pages_are_described_with_the_citys_name(self) -> None:
        city = current_municipality().name
        for path in ("/", "/agenda/", "/annuaire/", "/suivi/", "/contact/", "/recherche/"):
            with self.subTest(path=path):
                assert description(path).startswith(f"{city} : vos démarches en ligne")
