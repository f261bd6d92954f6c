"""The request's host names the municipality; work outside any scope fails loudly."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import transaction
from django.test import TestCase, override_settings

from beffroi.core.counters import counter_next
from beffroi.core.revisions import MUNICIPALITY, revision_bump, revisions_current
from beffroi.core.tenancy import (
    MunicipalityScopeMissing,
    current_municipality_id,
    municipality_scope,
)
from beffroi.municipality.models import Municipality, MunicipalityHost, normalise_host
from beffroi.municipality.selectors import current_municipality

HOSTS = ["eguichet.tournai.be", "antoing.localhost", "inconnu.example.org", "testserver"]


class LoneCityTests(TestCase):
    def test_any_host_serves_the_sole_city(self) -> None:
        Municipality.objects.create(name="Ville de Tournai", slug="tournai")
        response = self.client.get("/", HTTP_HOST="localhost")
        assert response.status_code == 200
        assert "Tournai" in response.content.decode()

    def test_work_outside_a_scope_is_the_sole_citys(self) -> None:
        tournai = Municipality.objects.create(name="Ville de Tournai", slug="tournai")
        assert current_municipality_id() == tournai.pk


@override_settings(ALLOWED_HOSTS=HOSTS)
class CooperativeTests(TestCase):
    def setUp(self) -> None:
        self.tournai = Municipality.objects.create(
            name="Ville de Tournai", slug="tournai", brand_colour="#1d4f91"
        )
        self.antoing = Municipality.objects.create(
            name="Administration communale d'Antoing", slug="antoing", brand_colour="#2e6b30"
        )
        MunicipalityHost.objects.create(municipality=self.tournai, host="Eguichet.Tournai.be")
        MunicipalityHost.objects.create(municipality=self.antoing, host="antoing.localhost")

    def test_each_host_shows_its_own_municipality(self) -> None:
        tournai = self.client.get("/", HTTP_HOST="eguichet.tournai.be").content.decode()
        antoing = self.client.get("/", HTTP_HOST="antoing.localhost:8000").content.decode()
        assert "Tournai" in tournai
        assert "Antoing" not in tournai
        assert "Antoing" in antoing
        assert "Tournai" not in antoing

    def test_a_host_no_municipality_claims_is_refused_in_french(self) -> None:
        response = self.client.get("/", HTTP_HOST="inconnu.example.org")
        assert response.status_code == 404
        assert "Aucun guichet à cette adresse" in response.content.decode()

    def test_the_fallback_names_the_municipality_of_other_hosts(self) -> None:
        with self.settings(MUNICIPALITY_FALLBACK="antoing"):
            response = self.client.get("/", HTTP_HOST="testserver")
        assert "Antoing" in response.content.decode()

    def test_a_suspended_municipality_answers_unavailable(self) -> None:
        self.antoing.is_suspended = True
        self.antoing.save()
        response = self.client.get("/", HTTP_HOST="antoing.localhost")
        assert response.status_code == 503
        assert "suspendu" in response.content.decode()
        assert self.client.get("/", HTTP_HOST="eguichet.tournai.be").status_code == 200

    def test_the_health_probe_answers_for_any_host(self) -> None:
        assert self.client.get("/_health", HTTP_HOST="inconnu.example.org").status_code == 200

    def test_work_that_names_no_municipality_fails_loudly(self) -> None:
        with pytest.raises(MunicipalityScopeMissing):
            current_municipality_id()
        with pytest.raises(MunicipalityScopeMissing):
            caches["default"].get("anything")

    def test_caches_revisions_and_counters_are_each_municipalitys_own(self) -> None:
        with municipality_scope(self.tournai.pk):
            caches["default"].set("greeting", "Tournai")
            revision_bump(key=MUNICIPALITY)
            revision_bump(key=MUNICIPALITY)
            with transaction.atomic():
                assert [counter_next(name="case:2026") for _ in range(2)] == [1, 2]
            assert current_municipality().name == "Ville de Tournai"
        with municipality_scope(self.antoing.pk):
            assert caches["default"].get("greeting") is None
            assert revisions_current(MUNICIPALITY)[MUNICIPALITY] == 0
            with transaction.atomic():
                assert counter_next(name="case:2026") == 1
            assert current_municipality().name == "Administration communale d'Antoing"

    def test_host_names_are_compared_without_case_port_or_final_dot(self) -> None:
        assert normalise_host("Eguichet.Tournai.BE.:443") == "eguichet.tournai.be"
        assert normalise_host("[::1]:8000") == "[::1]"

    def test_a_new_host_and_a_suspension_are_seen_at_once_in_this_process(self) -> None:
        from beffroi.municipality.selectors import host_route

        assert host_route("antoing.localhost").municipality_id == self.antoing.pk
        assert host_route("inconnu.example.org").municipality_id is None
        MunicipalityHost.objects.create(municipality=self.antoing, host="inconnu.example.org")
        assert host_route("inconnu.example.org").municipality_id == self.antoing.pk
        assert not host_route("antoing.localhost").suspended
        self.antoing.is_suspended = True
        self.antoing.save()
        assert host_route("antoing.localhost").suspended
        assert self.client.get("/", HTTP_HOST="antoing.localhost").status_code == 503
