from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.test import TestCase

from beffroi.audit.models import AuditEvent
from beffroi.catalogue.loader import SHIPPED_DIR, DefinitionError, read_catalogue
from beffroi.catalogue.models import Category, Procedure
from beffroi.catalogue.services import catalogue_import
from beffroi.demo.loading import load_services

TOURNAI_SLUGS = {
    "certificat-de-nationalite", "certificat-de-residence", "composition-de-menage",
    "extrait-de-casier-judiciaire", "copie-acte-de-naissance", "copie-acte-de-mariage",
    "copie-acte-de-deces", "copie-acte-de-divorce", "candidature-spontanee", "demande-de-stage",
    "certificat-urbanisme-1", "autorisation-parentale-quitter-territoire", "carte-handicape",
    "radiation-pour-etranger", "nouveau-code-pin", "changement-adresse",
    "emplacement-parking-handicape", "occupation-espace-public", "exoneration-taxe",
    "carte-identite-association", "modifier-carte-identite-association",
    "demande-de-manifestation", "page-commerce", "gerer-page-commerce", "creer-evenement",
}  # fmt: skip


def test_the_shipped_catalogue_holds_tournais_whole_catalogue() -> None:
    categories, procedures = read_catalogue()
    assert len(categories) == 9
    assert {p.slug for p in procedures} == TOURNAI_SLUGS
    eid = {p.slug for p in procedures if p.eid_required}
    assert eid == {"radiation-pour-etranger", "changement-adresse"}


def _copy_catalogue(tmp_path: Path) -> Path:
    target = tmp_path / "catalogue"
    shutil.copytree(SHIPPED_DIR, target)
    return target


def test_a_bad_definition_is_refused_saying_where_and_why(tmp_path: Path) -> None:
    folder = _copy_catalogue(tmp_path)
    path = folder / "procedures" / "certificat-de-residence.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("processing_days: ", "processing_days: trois #")
    text = text.replace("eid_required: false", "eid_required: false\ncolour: blue")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        read_catalogue(folder)
    problems = caught.value.problems
    assert "certificat-de-residence.yaml: processing_days: un nombre entier est attendu" in problems
    assert "certificat-de-residence.yaml: clé inconnue « colour »" in problems


def test_unreadable_yaml_names_the_line(tmp_path: Path) -> None:
    folder = _copy_catalogue(tmp_path)
    (folder / "procedures" / "creer-evenement.yaml").write_text("slug: [oops\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"creer-evenement.yaml: ligne \d+"):
        read_catalogue(folder)


class CatalogueImportTests(TestCase):
    def test_import_creates_everything_once_and_journals_it(self) -> None:
        load_services()
        report = catalogue_import(actor=None)
        assert len(report.created) == len(TOURNAI_SLUGS)
        assert Category.objects.count() == 9
        assert Procedure.objects.count() == len(TOURNAI_SLUGS)
        assert AuditEvent.objects.filter(action="procedure.created").count() == len(TOURNAI_SLUGS)
        again = catalogue_import(actor=None)
        assert again.created == []
        assert again.updated == []
        assert len(again.unchanged) == len(TOURNAI_SLUGS)

    def test_an_unknown_service_refuses_the_whole_import(self) -> None:
        with pytest.raises(DefinitionError, match="service inconnu"):
            catalogue_import(actor=None)
        assert Procedure.objects.count() == 0
