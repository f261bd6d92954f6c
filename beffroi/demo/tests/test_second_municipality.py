"""The demo serves two municipalities from one installation: Tournai at
127.0.0.1 (and localhost), Antoing at antoing.localhost, each with its own
look, catalogue, agents and requests; and the cooperative's administrator."""

from __future__ import annotations

import re
from io import StringIO

from django.core.management import call_command
from django.test import Client, TestCase, override_settings

from beffroi.accounts.models import User
from beffroi.cases.models import Case
from beffroi.catalogue.models import Procedure
from beffroi.core.tenancy import municipality_scope
from beffroi.demo.loading import load_demo, load_municipality
from beffroi.demo.personas import ANTOING_PERSONAS, COOPERATIVE_PERSONA
from beffroi.demo.tests.helpers import DemoTestCase
from beffroi.municipality.models import Membership, Municipality, MunicipalityHost, Service

ANTOING_HOST = "antoing.localhost:8000"
ANTOING_TITLE = "Extrait de casier judiciaire (ancien certificat de bonne vie et mœurs)"
# What `make demo` allows (BEFFROI_DEMO), the tests' own host besides.
DEMO_HOSTS = ["127.0.0.1", "localhost", ".localhost", "testserver"]


def link_text(title: str) -> str:
    return ">" + title.replace("'", "&#x27;") + "</a>"


@override_settings(ALLOWED_HOSTS=DEMO_HOSTS, MUNICIPALITY_FALLBACK="tournai")
class SecondMunicipalityTests(DemoTestCase):
    def antoing_client(self) -> Client:
        return Client(HTTP_HOST=ANTOING_HOST)

    def titles(self, municipality_id: int) -> set[str]:
        with municipality_scope(municipality_id):
            return set(Procedure.objects.values_list("title", flat=True))

    def test_load_demo_creates_tournai_and_antoing_each_with_its_hosts_and_look(self) -> None:
        tournai = Municipality.objects.get(pk=self.tournai)
        antoing = Municipality.objects.get(pk=self.antoing)
        assert tournai.name == "Ville de Tournai"
        assert antoing.name == "Administration communale d'Antoing"
        assert set(tournai.hosts.values_list("host", flat=True)) == {
            "127.0.0.1",
            "tournai.localhost",
        }
        assert list(antoing.hosts.values_list("host", flat=True)) == ["antoing.localhost"]
        assert antoing.brand_colour != tournai.brand_colour
        assert str(antoing.logo.name).endswith(".svg")
        # Under Antoing's own prefix in the storage, beside its files.
        assert str(antoing.logo.name).startswith(f"m{antoing.pk}/branding/")
        assert "Place Bara" in antoing.address

    def test_antoing_localhost_serves_antoings_home_with_its_name_and_catalogue(self) -> None:
        page = self.antoing_client().get("/").content.decode()
        assert "Administration communale d&#x27;Antoing" in page
        assert "Ville de Tournai" not in page
        antoing_titles = self.titles(self.antoing)
        assert len(antoing_titles) == 8
        assert ANTOING_TITLE in antoing_titles
        for title in antoing_titles:
            assert link_text(title) in page, title
        for title in self.titles(self.tournai) - antoing_titles:
            assert link_text(title) not in page, title
        css = self.antoing_client().get("/theme.css").content.decode()
        assert "--brand: #1f5e3a;" in css
        logo = self.antoing_client().get("/logo")
        assert logo["Content-Type"] == "image/svg+xml"
        # Read, not closed: closing a response ends the "request", and Django
        # then closes the test's database connection (on PostgreSQL).
        assert b"<svg" in b"".join(logo.streaming_content)  # type: ignore[attr-defined]

    def test_127_0_0_1_and_localhost_serve_tournai_as_before(self) -> None:
        for host in ("127.0.0.1:8000", "localhost:8000"):
            page = Client(HTTP_HOST=host).get("/").content.decode()
            assert "Ville de Tournai" in page, host
            assert "Demande de manifestation" in page, host
            assert "Antoing" not in page, host
            assert ANTOING_TITLE not in page, host

    def test_antoing_charges_its_own_fee_for_a_new_pin_code(self) -> None:
        page = self.antoing_client().get("/demarches/nouveau-code-pin/").content.decode()
        assert "5 €" in page
        assert "2 €" not in page
        assert "2 €" in self.client.get("/demarches/nouveau-code-pin/").content.decode()
        # A Tournai-only procedure is not Antoing's.
        assert self.antoing_client().get("/demarches/demande-de-manifestation/").status_code == 404

    def test_an_antoing_agent_sees_only_antoings_cases(self) -> None:
        amelie = User.objects.get(email="amelie.dujardin@antoing.demo.beffroi.test")
        with municipality_scope(self.antoing):
            own = set(Case.objects.values_list("reference", flat=True))
        tournai_applicants = set(
            Case.objects.exclude(applicant=None).values_list("applicant__last_name", flat=True)
        )
        client = self.antoing_client()
        client.force_login(amelie)
        inbox = client.get("/backoffice/dossiers/").content.decode()
        inbox += client.get("/backoffice/dossiers/service/population/").content.decode()
        listed = set(re.findall(r'href="/backoffice/dossiers/(\d{4}-\d+)/"', inbox))
        assert listed
        assert listed <= own
        assert "Desmet" in inbox
        assert tournai_applicants
        assert not any(name in inbox for name in tournai_applicants)
        assert "Demande de manifestation" not in inbox
        # At Tournai she holds no seat.
        at_tournai = Client(HTTP_HOST="127.0.0.1:8000")
        at_tournai.force_login(amelie)
        assert at_tournai.get("/backoffice/dossiers/").status_code in {302, 403}

    def test_every_service_of_antoing_has_someone_to_log_in_as(self) -> None:
        with municipality_scope(self.antoing):
            assert Service.objects.count() == 4
            # The police is the Tournaisis zone's: its agent logs in on the zone's page.
            assert not Service.objects.filter(
                memberships__isnull=True, partner_zone_links__isnull=True
            ).exists()
            assert Service.objects.get(code="police").partner_zone_links.get().zone.members.exists()

    def test_the_cooperatives_administrator_reaches_every_municipality_in_the_admin(
        self,
    ) -> None:
        nicolas = User.objects.get(email=COOPERATIVE_PERSONA.email)
        assert nicolas.is_superuser
        assert not Membership.all_municipalities.filter(user=nicolas).exists()
        self.client.force_login(nicolas)
        listing = self.client.get("/admin/municipality/municipality/").content.decode()
        assert "Ville de Tournai" in listing
        assert "Administration communale d&#x27;Antoing" in listing
        usage = self.client.get("/admin/municipality/municipality/usage/")
        assert usage.status_code == 200
        assert "Antoing" in usage.content.decode()

    def test_load_demo_twice_adds_nothing_and_prints_both_municipalities(self) -> None:
        def counts() -> dict[str, int]:
            return {
                "municipalities": Municipality.objects.count(),
                "hosts": MunicipalityHost.objects.count(),
                "services": Service.all_municipalities.count(),
                "procedures": Procedure.all_municipalities.count(),
                "cases": Case.all_municipalities.count(),
                "users": User.objects.count(),
                "memberships": Membership.all_municipalities.count(),
            }

        before = counts()
        out = StringIO()
        call_command("load_demo", stdout=out)
        assert counts() == before
        banner = out.getvalue()
        assert "Catalogue d’Antoing : 0 démarche(s) créée(s), 0 mise(s) à jour" in banner
        assert "http://antoing.localhost:8000/" in banner
        assert "http://127.0.0.1:8000/" in banner
        for persona in (*ANTOING_PERSONAS, COOPERATIVE_PERSONA):
            assert persona.email in banner


class DemoDatabaseOfOneCityTests(TestCase):
    """A demo database of the versions with Tournai alone, unnamed and without hosts."""

    def test_load_demo_names_tournai_gives_it_its_hosts_and_adds_antoing(self) -> None:
        load_municipality()
        tournai = Municipality.objects.get()
        load_demo()
        tournai.refresh_from_db()
        assert tournai.slug == "tournai"
        assert set(tournai.hosts.values_list("host", flat=True)) == {
            "127.0.0.1",
            "tournai.localhost",
        }
        assert list(Municipality.objects.order_by("pk").values_list("slug", flat=True)) == [
            "tournai",
            "antoing",
        ]
        with municipality_scope(tournai.pk):
            assert Procedure.objects.count() == 25
