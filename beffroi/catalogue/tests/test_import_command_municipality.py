"""On an installation with several municipalities, `catalogue_import
--municipality` imports a catalogue into the one it names, and only there."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from beffroi.catalogue.models import Procedure
from beffroi.core.tenancy import municipality_scope
from beffroi.demo.loading import load_services
from beffroi.municipality.services import municipality_register


class ImportIntoOneMunicipalityTests(TestCase):
    def setUp(self) -> None:
        self.tournai = municipality_register(
            actor=None, slug="tournai", name="Ville de Tournai", hosts=["eguichet.tournai.be"]
        )
        self.antoing = municipality_register(
            actor=None, slug="antoing", name="Antoing", hosts=["eguichet.antoing.be"]
        )
        with municipality_scope(self.antoing.pk):
            load_services()

    def test_the_catalogue_goes_to_the_municipality_named_only(self) -> None:
        out = StringIO()
        call_command("catalogue_import", "--municipality", "antoing", stdout=out)
        assert "25 créée(s)" in out.getvalue()
        with municipality_scope(self.antoing.pk):
            assert Procedure.objects.count() == 25
        with municipality_scope(self.tournai.pk):
            assert not Procedure.objects.exists()

    def test_an_unknown_municipality_is_refused_in_french(self) -> None:
        with pytest.raises(CommandError, match="Aucune commune n'a l'identifiant « mons »"):
            call_command("catalogue_import", "--municipality", "mons", stdout=StringIO())
