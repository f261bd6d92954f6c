"""A police zone's agent in Chromium, with axe-core on every page: logged in on
one commune's host, they see the opinions both communes asked of the zone,
each marked with its commune, and give one."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from django.test import override_settings
from django.utils import timezone

from beffroi.cases.models import Opinion
from beffroi.cases.opinions import opinion_request
from beffroi.core.tenancy import municipality_scope
from beffroi.demo.loading import load_services
from beffroi.municipality.models import Municipality, MunicipalityHost, Service
from beffroi.municipality.services import (
    partner_zone_member_add,
    partner_zone_save,
    partner_zone_service_link,
)
from beffroi.testing.browser import BrowserTestCase
from beffroi.testing.personas import PASSWORD, create_world, make_user
from beffroi.testing.procedures import file_test_case, install_test_procedure


@override_settings(ALLOWED_HOSTS=["localhost", "127.0.0.1"])
class PartnerZoneJourneyTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        people = create_world(catalogue=False)
        install_test_procedure()
        tournai = Municipality.objects.get()
        antoing = Municipality.objects.create(name="Ville d'Antoing", slug="antoing")
        MunicipalityHost.objects.create(municipality=tournai, host="localhost")
        MunicipalityHost.objects.create(municipality=antoing, host="127.0.0.1")
        due = timezone.localdate() + datetime.timedelta(days=4)
        with municipality_scope(tournai.pk):
            self.zone_agent = make_user(
                "commissaire@zp-tournaisis.example", first_name="Inès", last_name="Moreau"
            )
            case = file_test_case(applicant=people["citizen"])
            opinion_request(
                actor=people["agent"],
                case=case,
                services=[Service.objects.get(code="police")],
                due_date=due,
                question="Stationnement pendant la cérémonie ?",
            )
            zone = partner_zone_save(
                actor=None, name="Zone de police du Tournaisis", slug="zp-tournaisis"
            )
        with municipality_scope(antoing.pk):
            load_services()
            install_test_procedure()
            antoing_case = file_test_case(applicant=people["other_citizen"])
            (self.antoing_opinion,) = opinion_request(
                actor=None,
                case=antoing_case,
                services=[Service.objects.get(code="police")],
                due_date=due + datetime.timedelta(days=2),
            )
        for commune in (tournai, antoing):
            partner_zone_service_link(actor=None, zone=zone, commune=commune, service_code="police")
        partner_zone_member_add(actor=None, zone=zone, email=self.zone_agent.email)
        self.antoing = antoing

    def test_the_zone_agent_sees_both_communes_and_gives_an_opinion(self) -> None:
        page = self.page
        # Antoing's host: the live server answers on 127.0.0.1 too.
        port = urlsplit(self.live_server_url).port
        page.goto(f"http://127.0.0.1:{port}/backoffice/connexion/")
        self.axe(page)
        page.get_by_label("Adresse e-mail professionnelle").fill(self.zone_agent.email)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        self.submit(page.get_by_role("button", name="Se connecter"), page)
        assert page.get_by_role("heading", name="Avis demandés à la zone").is_visible()
        assert page.get_by_role("heading", name="2 avis à rendre").is_visible()
        rows = page.locator("table tbody tr")
        assert rows.count() == 2
        assert "Ville d'Antoing" in rows.nth(1).inner_text()
        # Tournai's, due first.
        with page.expect_navigation():
            rows.nth(0).get_by_role("link").click()
        self.axe(page)
        assert page.get_by_text("Stationnement pendant la cérémonie ?").is_visible()
        self.submit(page.get_by_role("button", name="Transmettre l’avis"), page)
        assert page.get_by_text("Choisissez votre avis.").first.is_visible()
        page.get_by_label("Favorable", exact=True).check()
        page.get_by_label("Commentaire").fill("Rien à signaler.")
        self.submit(page.get_by_role("button", name="Transmettre l’avis"), page)
        assert page.get_by_role("heading", name="1 avis à rendre").is_visible()
        assert page.get_by_role("heading", name="Avis rendus récemment").is_visible()
        with municipality_scope(self.antoing.pk):
            assert not Opinion.objects.get(pk=self.antoing_opinion.pk).is_given
