"""The cooperative creates, suspends, exports and watches its municipalities."""

from __future__ import annotations

import hashlib
import json
import tempfile
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from beffroi.accounts.models import User
from beffroi.accounts.services import user_create
from beffroi.agenda.models import DirectoryEntry, DirectoryImage
from beffroi.audit.models import AuditEvent
from beffroi.cooperative.export import municipality_export
from beffroi.cooperative.municipal import has_municipality, municipal_models
from beffroi.cooperative.services import municipality_create
from beffroi.cooperative.usage import MEASURES, municipality_usage
from beffroi.core.tenancy import municipality_scope
from beffroi.documents.services import file_store
from beffroi.municipality.models import Membership, Municipality
from beffroi.municipality.services import municipality_resume, municipality_suspend
from beffroi.notifications.models import OutgoingEmail
from beffroi.notifications.services import email_queue
from beffroi.payments.services import receipt_template_save
from beffroi.testing.personas import PASSWORD, PersonaTestCase

PNG = b"\x89PNG\r\n\x1a\n"
ANTOING = "antoing.example-coop.be"
FLOBECQ = "flobecq.example-coop.be"
HOSTS = ["testserver", ANTOING, FLOBECQ, "ath.example-coop.be"]
# What any admin page costs once the host directory is known: the session,
# the user and the municipality's content revisions.
ADMIN_PAGE_QUERIES = 3


def create_antoing(**overrides: object) -> Municipality:
    values: dict[str, object] = {
        "actor": None,
        "slug": "antoing",
        "name": "Administration communale d'Antoing",
        "hosts": [ANTOING],
        "admin_email": "dg@antoing.example",
        "admin_first_name": "Luc",
        "admin_last_name": "Deprez",
    }
    values.update(overrides)
    return municipality_create(**values)  # type: ignore[arg-type]


def create_flobecq() -> Municipality:
    return municipality_create(
        actor=None,
        slug="flobecq",
        name="Administration communale de Flobecq",
        hosts=[FLOBECQ, "www.flobecq.example-coop.be"],
        admin_email="dg@flobecq.example",
    )


@override_settings(ALLOWED_HOSTS=HOSTS)
class CooperativeTests(PersonaTestCase):
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
        # Logging in is journaled in a municipality's journal: the cooperative's
        # administrators work from one of its hosts.
        with municipality_scope(Municipality.objects.order_by("pk").first().pk):  # type: ignore[union-attr]
            self.client.force_login(user)

    # --- Creation -----------------------------------------------------------

    def test_the_service_creates_two_municipalities_each_with_its_first_administrator(
        self,
    ) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            antoing = create_antoing()
            flobecq = create_flobecq()
        assert [h.host for h in antoing.hosts.all()] == [ANTOING]
        assert sorted(h.host for h in flobecq.hosts.all()) == [
            FLOBECQ,
            "www.flobecq.example-coop.be",
        ]
        luc = User.objects.get(email="dg@antoing.example")
        assert not luc.has_usable_password()
        assert luc.first_name == "Luc"
        with municipality_scope(antoing.pk):
            seat = Membership.objects.get(user=luc)
            assert seat.role == Membership.Role.FUNCTIONAL_ADMIN
            assert seat.service.code == "administration"
            assert seat.service.name == "Administration communale"
        luc_email = queued(antoing, "dg@antoing.example")
        assert f"http://{ANTOING}/compte/password/reset/key/" in luc_email.body_text
        assert "Antoing" in luc_email.subject
        assert f"http://{FLOBECQ}/" in queued(flobecq, "dg@flobecq.example").body_text
        with municipality_scope(antoing.pk):
            assert AuditEvent.objects.filter(
                action="municipality.created", object_id=str(antoing.pk)
            ).exists()

    def test_the_link_lets_the_first_administrator_choose_a_password(self) -> None:
        antoing = create_antoing()
        body = queued(antoing, "dg@antoing.example").body_text
        url = next(line for line in body.splitlines() if "/compte/password/reset/key/" in line)
        path = url.removeprefix(f"http://{ANTOING}")
        response = self.client.get(path, HTTP_HOST=ANTOING, follow=True)
        assert response.status_code == 200
        response = self.client.post(
            response.redirect_chain[-1][0] if response.redirect_chain else path,
            {"password1": "une-phrase-de-passe-solide", "password2": "une-phrase-de-passe-solide"},
            HTTP_HOST=ANTOING,
        )
        assert response.status_code == 302
        assert User.objects.get(email="dg@antoing.example").check_password(
            "une-phrase-de-passe-solide"
        )

    def test_an_existing_person_becomes_the_administrator_without_a_new_account(self) -> None:
        municipality = create_antoing(admin_email=self.agent.email.upper())
        assert User.objects.filter(email__iexact=self.agent.email).count() == 1
        with municipality_scope(municipality.pk):
            assert Membership.objects.filter(
                user=self.agent, role=Membership.Role.FUNCTIONAL_ADMIN
            ).exists()
        self.agent.refresh_from_db()
        assert self.agent.check_password(PASSWORD)

    def test_the_command_creates_a_municipality(self) -> None:
        out = StringIO()
        call_command(
            "municipality_create",
            "--slug=antoing",
            "--name=Administration communale d'Antoing",
            f"--host={ANTOING}",
            "--host=eguichet.antoing.example",
            "--admin-email=dg@antoing.example",
            stdout=out,
        )
        antoing = Municipality.objects.get(slug="antoing")
        assert sorted(antoing.hosts.values_list("host", flat=True)) == [
            ANTOING,
            "eguichet.antoing.example",
        ]
        assert "créée" in out.getvalue()

    def test_a_taken_slug_a_taken_host_and_a_bad_host_are_refused_in_french(self) -> None:
        create_antoing()
        with pytest.raises(ValidationError) as caught:
            create_antoing(hosts=[ANTOING.upper(), "http://x/y"], admin_email="pas-une-adresse")
        errors = caught.value.message_dict
        assert "déjà celui d'une autre commune" in errors["slug"][0]
        assert any("n'est pas un nom d'hôte valable" in m for m in errors["hosts"])
        assert any(f"« {ANTOING} » est déjà celle" in m for m in errors["hosts"])
        assert "adresse électronique valable" in errors["admin_email"][0]
        with pytest.raises(ValidationError, match="lettres sans accent"):
            create_antoing(slug="Antoing ville", hosts=["autre.example-coop.be"])
        assert Municipality.objects.filter(slug="antoing").count() == 1

    def test_the_command_says_what_is_wrong_in_french(self) -> None:
        create_antoing()
        with pytest.raises(CommandError, match="déjà celle d'une autre commune"):
            call_command(
                "municipality_create",
                "--slug=antoing-2",
                "--name=Antoing bis",
                f"--host={ANTOING}",
                "--admin-email=dg@antoing.example",
            )
        with pytest.raises(CommandError, match="nom d'hôte valable"):
            call_command(
                "municipality_create",
                "--slug=ath",
                "--name=Ville d'Ath",
                "--host=ath",
                "--admin-email=dg@ath.example",
            )

    # --- Suspension ---------------------------------------------------------

    def test_a_suspended_municipality_answers_503_and_serves_again_once_resumed(self) -> None:
        antoing = create_antoing()
        assert self.client.get("/", HTTP_HOST=ANTOING).status_code == 200
        assert municipality_suspend(actor=self.cooperative, municipality=antoing, reason="impayé")
        assert self.client.get("/", HTTP_HOST=ANTOING).status_code == 503
        with municipality_scope(antoing.pk):
            event = AuditEvent.objects.get(action="municipality.suspended")
        assert event.data == {"reason": "impayé"}
        assert municipality_resume(actor=self.cooperative, municipality=antoing, reason="réglé")
        assert self.client.get("/", HTTP_HOST=ANTOING).status_code == 200
        assert not municipality_resume(actor=self.cooperative, municipality=antoing)

    # --- Export -------------------------------------------------------------

    def test_the_export_holds_that_municipalitys_rows_only(self) -> None:
        antoing, flobecq = create_antoing(), create_flobecq()
        with municipality_scope(antoing.pk):
            receipt_template_save(actor=None, body="Reçu d'Antoing")
        with municipality_scope(flobecq.pk):
            receipt_template_save(actor=None, body="Reçu de Flobecq")
        output = Path(self.enterContext(tempfile.TemporaryDirectory())) / "antoing.zip"
        call_command("municipality_export", "--slug=antoing", f"--output={output}")
        with zipfile.ZipFile(output) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            receipts = json.loads(archive.read("data/payments.receipttemplate.json"))
            own = json.loads(archive.read("data/municipality.municipality.json"))
            hosts = json.loads(archive.read("data/municipality.municipalityhost.json"))
            for name, digest in manifest["sha256"].items():
                assert hashlib.sha256(archive.read(name)).hexdigest() == digest
            everything = b"".join(archive.read(name) for name in archive.namelist())
        assert [row["fields"]["body"] for row in receipts] == ["Reçu d'Antoing"]
        assert [row["pk"] for row in own] == [antoing.pk]
        assert [row["fields"]["host"] for row in hosts] == [ANTOING]
        assert manifest["rows"]["payments.receipttemplate"] == 1
        assert manifest["municipality"]["slug"] == "antoing"
        for model in municipal_models():
            assert f"data/{model._meta.label_lower}.json" in manifest["sha256"]
        assert "Reçu de Flobecq".encode() not in everything
        assert b"flobecq" not in everything

    def test_the_export_holds_the_files_its_rows_name_and_not_the_others(self) -> None:
        antoing, flobecq = create_antoing(), create_flobecq()
        images = {}
        for municipality, content in ((antoing, PNG + b"antoing"), (flobecq, PNG + b"flobecq")):
            with municipality_scope(municipality.pk):
                stored = file_store(content=content, kind="png")
                self.addCleanup(default_storage.delete, stored.storage_name)
                entry = DirectoryEntry.objects.create(name=f"Boulangerie {municipality.slug}")
                images[municipality.slug] = DirectoryImage.objects.create(
                    municipality=municipality, entry=entry, kind="logo", file=stored
                )
        output = municipality_export(municipality_id=antoing.pk)
        self.addCleanup(output.unlink)
        own = images["antoing"].file
        with zipfile.ZipFile(output) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            assert archive.read(f"files/{own.storage_name}") == PNG + b"antoing"
            assert manifest["sha256"][f"files/{own.storage_name}"] == own.sha256
            assert f"files/{images['flobecq'].file.storage_name}" not in archive.namelist()
            pictured = json.loads(archive.read("data/agenda.directoryimage.json"))
        assert [row["pk"] for row in pictured] == [images["antoing"].pk]

    def test_the_export_command_refuses_an_unknown_slug_in_french(self) -> None:
        with pytest.raises(CommandError, match="Aucune commune"):
            call_command("municipality_export", "--slug=nulle-part", "--output=/tmp/x.zip")

    def test_the_admin_export_is_stored_and_its_link_emailed_to_the_requester(self) -> None:
        antoing = create_antoing()
        self.login(self.cooperative)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                "/admin/municipality/municipality/",
                {"action": "export", helpers.ACTION_CHECKBOX_NAME: [antoing.pk]},
                HTTP_HOST=ANTOING,
            )
        assert response.status_code == 302
        message = queued(antoing, self.cooperative.email)
        url = next(line for line in message.body_text.splitlines() if "/exports/" in line)
        path = url.removeprefix("http://testserver")
        download = self.client.get(path, HTTP_HOST=ANTOING)
        assert download.status_code == 200
        content = b"".join(download.streaming_content)  # type: ignore[attr-defined]
        # Not download.close(): closing a response ends the "request", and
        # Django then closes the test's database connection with it.
        name = path.rstrip("/").rsplit("/", 1)[-1]
        default_storage.delete(f"cooperative-exports/{name}")
        assert content.startswith(b"PK")
        self.login(self.admin)
        assert self.client.get(path, HTTP_HOST=ANTOING).status_code == 302

    # --- Usage --------------------------------------------------------------

    def test_usage_counts_each_municipalitys_emails_and_agents(self) -> None:
        antoing, flobecq = create_antoing(), create_flobecq()
        for municipality, count in ((antoing, 2), (flobecq, 1)):
            with municipality_scope(municipality.pk):
                for number in range(count):
                    email_queue(to="x@example.org", subject=f"n°{number}", body_text=".")
                OutgoingEmail.objects.update(status="sent", sent_at=timezone.now())
        rows = {row.slug: row for row in municipality_usage()}
        assert rows["antoing"].hosts == (ANTOING,)
        assert not rows["antoing"].suspended
        if has_municipality(OutgoingEmail):
            # The creation's own email to the administrator is one of them.
            assert (rows["antoing"].emails_recent, rows["flobecq"].emails_recent) == (3, 2)
        else:
            assert rows["antoing"].emails_recent is None
        if has_municipality(Membership):
            assert (rows["antoing"].agents, rows["flobecq"].agents) == (1, 1)
        else:
            assert rows["antoing"].agents is None

    def test_the_usage_page_is_for_the_cooperative_and_its_queries_are_pinned(self) -> None:
        create_antoing()
        create_flobecq()
        self.login(self.cooperative)
        self.client.get("/admin/", HTTP_HOST=ANTOING)  # the host directory, read once
        with self.assertNumQueries(_usage_queries() + ADMIN_PAGE_QUERIES):
            response = self.client.get("/admin/municipality/municipality/usage/", HTTP_HOST=ANTOING)
        assert response.status_code == 200
        html = response.content.decode()
        assert "<caption>" in html
        assert '<th scope="row">Administration communale d&#x27;Antoing</th>' in html
        assert ANTOING in html

    def test_the_admin_pages_open_for_a_superuser(self) -> None:
        antoing = create_antoing()
        self.login(self.cooperative)
        for path in (
            "/admin/municipality/municipality/",
            "/admin/municipality/municipality/add/",
            f"/admin/municipality/municipality/{antoing.pk}/change/",
            "/admin/municipality/municipality/usage/",
        ):
            assert self.client.get(path, HTTP_HOST=ANTOING).status_code == 200, path

    def test_the_admin_add_page_creates_through_the_service(self) -> None:
        self.login(self.cooperative)
        response = self.client.post(
            "/admin/municipality/municipality/add/",
            {
                "slug": "ath",
                "name": "Ville d'Ath",
                "hosts": "ath.example-coop.be\n",
                "admin_email": "dg@ath.example",
            },
        )
        ath = Municipality.objects.get(slug="ath")
        assert response.status_code == 302
        assert response["Location"].endswith(f"/{ath.pk}/change/")
        bad = self.client.post(
            "/admin/municipality/municipality/add/",
            {"slug": "ath", "name": "Ath", "hosts": "ath", "admin_email": "dg@ath.example"},
            HTTP_HOST="ath.example-coop.be",
        )
        assert bad.status_code == 200
        assert "déjà celui d&#x27;une autre commune" in bad.content.decode()

    def test_the_admin_suspends_with_a_reason_and_resumes(self) -> None:
        antoing = create_antoing()
        create_flobecq()  # the cooperative works from a host that stays up
        self.login(self.cooperative)
        url = "/admin/municipality/municipality/"
        page = self.client.post(
            url,
            {"action": "suspend", helpers.ACTION_CHECKBOX_NAME: [antoing.pk]},
            HTTP_HOST=FLOBECQ,
        )
        assert page.status_code == 200
        assert "Motif" in page.content.decode()
        self.client.post(
            url,
            {
                "action": "suspend",
                helpers.ACTION_CHECKBOX_NAME: [antoing.pk],
                "apply": "1",
                "reason": "fin",
            },
            HTTP_HOST=FLOBECQ,
        )
        antoing.refresh_from_db()
        assert antoing.is_suspended
        self.client.post(
            url,
            {
                "action": "resume",
                helpers.ACTION_CHECKBOX_NAME: [antoing.pk],
                "apply": "1",
                "reason": "ok",
            },
            HTTP_HOST=FLOBECQ,
        )
        antoing.refresh_from_db()
        assert not antoing.is_suspended

    def test_a_functional_admin_and_an_agent_are_refused(self) -> None:
        create_antoing()
        staff_agent = self.agent
        User.objects.filter(pk=staff_agent.pk).update(is_staff=True)
        for person, refused in ((self.admin, {302}), (staff_agent, {403, 404})):
            self.login(person)
            for path in (
                "/admin/municipality/municipality/",
                "/admin/municipality/municipality/add/",
                "/admin/municipality/municipality/usage/",
            ):
                status = self.client.get(path, HTTP_HOST=ANTOING).status_code
                assert status in refused, (person.email, path, status)


def queued(municipality: Municipality, to: str) -> OutgoingEmail:
    """The email queued for ``to`` in that municipality's work."""
    with municipality_scope(municipality.pk):
        return OutgoingEmail.objects.filter(to=to).latest("pk")


def _usage_queries() -> int:
    """The municipalities with their hosts, then one grouped query per measure
    whose model has ``all_municipalities`` (one per municipality otherwise)."""
    count = 2
    municipalities = Municipality.objects.count()
    for measure in MEASURES:
        model = apps.get_model(*measure.model)
        if not has_municipality(model):
            continue
        count += 1 if hasattr(model, "all_municipalities") else municipalities
    return count
