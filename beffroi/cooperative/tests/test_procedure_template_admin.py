"""The cooperative publishes procedure templates from their YAML file in the admin."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from beffroi.accounts.models import User
from beffroi.accounts.services import user_create
from beffroi.catalogue.loader import SHIPPED_DIR
from beffroi.catalogue.models import ProcedureTemplate
from beffroi.core.tenancy import municipality_scope
from beffroi.municipality.models import Municipality
from beffroi.testing.personas import PASSWORD, PersonaTestCase

BIRTH_FILE = SHIPPED_DIR / "procedures" / "copie-acte-de-naissance.yaml"
ADD_URL = "admin:catalogue_proceduretemplate_add"


def upload(content: str | bytes, name: str = "copie-acte-de-naissance.yaml") -> SimpleUploadedFile:
    raw = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, raw, content_type="application/yaml")


class ProcedureTemplateAdminTests(PersonaTestCase):
    cooperative: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.cooperative = user_create(
            actor=None,
            email="ops@example-coop.be",
            password=PASSWORD,
            email_verified=True,
            is_staff=True,
            is_superuser=True,
        )

    def login(self, user: User) -> None:
        with municipality_scope(Municipality.objects.get().pk):
            self.client.force_login(user)

    def test_the_cooperative_publishes_a_template_and_then_its_next_version(self) -> None:
        self.login(self.cooperative)
        text = BIRTH_FILE.read_text(encoding="utf-8")
        response = self.client.post(reverse(ADD_URL), {"file": upload(text)})
        assert response.status_code == 302, response.content.decode()
        template = ProcedureTemplate.objects.get(slug="copie-acte-de-naissance")
        assert template.title == "Copie d'acte de naissance"
        assert template.latest_version is not None
        assert template.latest_version.number == 1
        assert template.latest_version.published_by == self.cooperative
        assert template.latest_version.definition["workflow"]["initial"]
        assert "{include:" not in str(template.latest_version.definition)

        # The same file again: nothing new.
        response = self.client.post(reverse(ADD_URL), {"file": upload(text)}, follow=True)
        self.assertContains(response, "n’a pas changé")
        # Pasted with a change: version 2.
        changed = text.replace("processing_days: 5", "processing_days: 4")
        response = self.client.post(
            reverse(ADD_URL), {"text": changed, "filename": "copie-acte-de-naissance.yaml"}
        )
        assert response.status_code == 302
        template.refresh_from_db()
        assert template.latest_version is not None
        assert template.latest_version.number == 2
        assert template.latest_version.processing_days == 4
        page = self.client.get(
            reverse("admin:catalogue_proceduretemplate_change", args=[template.pk])
        )
        self.assertContains(page, template.latest_version.checksum)
        self.assertContains(page, "Publier une nouvelle version")

    def test_unreadable_yaml_is_refused_in_french_and_the_text_is_kept(self) -> None:
        self.login(self.cooperative)
        broken = "slug: copie-acte-de-naissance\ntitle: [Copie d'acte\n  summary: : :\n"
        response = self.client.post(reverse(ADD_URL), {"file": upload(broken)})
        self.assertContains(response, "YAML illisible", status_code=400)
        self.assertContains(response, "ligne", status_code=400)
        self.assertContains(response, "Le modèle n’est pas publié", status_code=400)
        # What was sent is shown again, to be corrected there.
        self.assertContains(response, "title: [Copie d&#x27;acte", status_code=400)
        assert not ProcedureTemplate.objects.exists()

    def test_a_definition_that_does_not_validate_says_where_and_why(self) -> None:
        self.login(self.cooperative)
        text = BIRTH_FILE.read_text(encoding="utf-8").replace(
            "processing_days: 5", "processing_days: 0"
        )
        text = text.replace("workflow: {use: certificate}", "workflow: {use: inconnu}")
        response = self.client.post(reverse(ADD_URL), {"file": upload(text)})
        self.assertContains(
            response, "workflow.use: circuit partagé inconnu « inconnu »", status_code=400
        )
        self.assertContains(response, "processing_days: 0", status_code=400)
        text = text.replace("workflow: {use: inconnu}", "workflow: {use: certificate}")
        response = self.client.post(reverse(ADD_URL), {"file": upload(text)})
        self.assertContains(
            response, "processing_days: le délai habituel doit être positif", status_code=400
        )
        assert not ProcedureTemplate.objects.exists()

    def test_a_file_that_is_not_yaml_text_is_refused(self) -> None:
        self.login(self.cooperative)
        response = self.client.post(
            reverse(ADD_URL), {"file": upload(b"\xff\xfe\x00\x01", name="modele.pdf")}
        )
        self.assertContains(response, "Envoyez un fichier .yaml.", status_code=400)
        response = self.client.post(reverse(ADD_URL), {})
        self.assertContains(
            response, "Choisissez le fichier du modèle ou collez son contenu.", status_code=400
        )

    def test_a_municipality_s_functional_administrator_cannot_publish(self) -> None:
        self.admin.is_staff = True
        self.admin.save(update_fields=["is_staff"])
        self.login(self.admin)
        response = self.client.get(reverse(ADD_URL))
        assert response.status_code in {302, 403, 404}
        text = BIRTH_FILE.read_text(encoding="utf-8")
        response = self.client.post(reverse(ADD_URL), {"file": upload(text)})
        assert response.status_code in {302, 403, 404}
        assert not ProcedureTemplate.objects.exists()

    def test_the_command_publishes_shipped_files_as_templates(self) -> None:
        out = StringIO()
        call_command("template_publish", str(BIRTH_FILE), stdout=out)
        assert "copie-acte-de-naissance : version 1 publiée" in out.getvalue()
        call_command("template_publish", str(BIRTH_FILE), stdout=out)
        assert "inchangé (version 1)" in out.getvalue()
        with pytest.raises(CommandError, match="Fichier introuvable"):
            call_command("template_publish", "/nulle-part.yaml")
