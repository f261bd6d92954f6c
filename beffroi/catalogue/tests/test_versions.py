"""Procedures as versioned files: exported, imported, published as new
versions that never change the running cases."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from beffroi.catalogue.models import Procedure, ProcedureVersion
from beffroi.testing.procedures import FilingTestCase, file_test_case


class VersionTests(FilingTestCase):
    def export(self, tmp: Path) -> Path:
        target = tmp / "demande-test.yaml"
        call_command("catalogue_export", "demande-test", output=str(target), stdout=StringIO())
        return target

    def test_an_exported_file_imports_back_unchanged(self) -> None:
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            path = self.export(Path(folder))
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            assert data["form"]["pages"][0]["fields"][0]["id"] == "first_name"
            out = StringIO()
            call_command("catalogue_import", str(path), stdout=out)
        assert ProcedureVersion.objects.filter(procedure=self.procedure).count() == 1
        assert "version en vigueur : 1" in out.getvalue()

    def test_a_changed_definition_is_a_new_version_and_running_cases_keep_theirs(self) -> None:
        import tempfile

        case = file_test_case(applicant=self.citizen)
        with tempfile.TemporaryDirectory() as folder:
            path = self.export(Path(folder))
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            data["form"]["pages"][0]["fields"][1]["label"] = "Nom de naissance"
            path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
            call_command("catalogue_import", str(path), stdout=StringIO())
        procedure = Procedure.objects.get(slug="demande-test")
        assert procedure.current_version is not None
        assert procedure.current_version.number == 2
        case.refresh_from_db()
        assert case.version.number == 1
        assert case.spec.fields["last_name"]["label"] == "Nom"

    def test_a_field_cannot_change_its_type_under_the_same_id(self) -> None:
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            path = self.export(Path(folder))
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            copies = data["form"]["pages"][1]["fields"][2]  # a number
            data["form"]["pages"][1]["fields"][2] = {
                "id": copies["id"],
                "type": "text",
                "label": copies["label"],
            }
            path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
            with pytest.raises(CommandError, match=r"(?s)copies.*type number"):
                call_command("catalogue_import", str(path), stdout=StringIO())
        assert ProcedureVersion.objects.filter(procedure=self.procedure).count() == 1

    def test_a_published_version_never_changes(self) -> None:
        version = self.procedure.current_version
        assert version is not None
        version.definition = {}
        with pytest.raises(RuntimeError):
            version.save()
