from __future__ import annotations

from django.test import TestCase

from beffroi.catalogue.selectors import procedures_search
from beffroi.catalogue.services import catalogue_import
from beffroi.demo.loading import load_services


class ProcedureSearchTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        load_services()
        catalogue_import(actor=None)

    def slugs(self, query: str) -> list[str]:
        return [procedure.slug for procedure in procedures_search(query=query)]

    def test_moving_house_finds_the_change_of_address_first(self) -> None:
        assert self.slugs("déménagement")[0] == "changement-adresse"
        assert self.slugs("je déménage")[0] == "changement-adresse"

    def test_birth_finds_the_birth_certificate_copy(self) -> None:
        assert self.slugs("naissance")[0] == "copie-acte-de-naissance"
        assert self.slugs("extrait de naissance")[0] == "copie-acte-de-naissance"

    def test_accents_and_case_are_ignored(self) -> None:
        assert self.slugs("DECES") == self.slugs("décès")
        assert "copie-acte-de-deces" in self.slugs("DECES")

    def test_every_word_must_match(self) -> None:
        assert self.slugs("casier judiciaire")[0] == "extrait-de-casier-judiciaire"
        assert self.slugs("casier zzzz") == []

    def test_stop_words_alone_find_nothing(self) -> None:
        assert self.slugs("je le la") == []
