"""A municipality gets more hosts; a host stays one municipality's."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase

from beffroi.audit.models import AuditEvent
from beffroi.core.tenancy import municipality_scope
from beffroi.municipality.selectors import municipality_for_host
from beffroi.municipality.services import municipality_hosts_add, municipality_register


class HostsAddTests(TestCase):
    def setUp(self) -> None:
        self.tournai = municipality_register(
            actor=None, slug="tournai", name="Ville de Tournai", hosts=["eguichet.tournai.be"]
        )
        self.antoing = municipality_register(
            actor=None, slug="antoing", name="Antoing", hosts=["antoing.localhost"]
        )

    def test_new_hosts_serve_the_municipality_and_known_ones_are_kept(self) -> None:
        added = municipality_hosts_add(
            actor=None,
            municipality=self.tournai,
            hosts=["Eguichet.Tournai.be", "127.0.0.1", "tournai.localhost:8000"],
        )
        assert added == ["127.0.0.1", "tournai.localhost"]
        assert municipality_for_host("tournai.localhost:8000") == self.tournai.pk
        assert (
            municipality_hosts_add(actor=None, municipality=self.tournai, hosts=["127.0.0.1"]) == []
        )
        with municipality_scope(self.tournai.pk):
            assert AuditEvent.objects.filter(action="municipality.hosts_added").count() == 1

    def test_another_municipalitys_host_or_a_bad_name_is_refused_in_french(self) -> None:
        with pytest.raises(ValidationError) as caught:
            municipality_hosts_add(
                actor=None, municipality=self.tournai, hosts=["antoing.localhost", "http://x"]
            )
        messages = caught.value.message_dict["hosts"]
        assert "L'adresse « antoing.localhost » est déjà celle d'une autre commune." in messages
        assert any("n'est pas un nom d'hôte valable" in message for message in messages)
        assert list(self.tournai.hosts.values_list("host", flat=True)) == ["eguichet.tournai.be"]
