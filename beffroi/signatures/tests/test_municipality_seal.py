"""A municipality with a seal of its own seals with it; the others with the
installation's."""

from __future__ import annotations

import pytest
from django.conf import settings

from beffroi.core.tenancy import municipality_scope
from beffroi.municipality.models import Municipality
from beffroi.municipality.services import municipality_config_update
from beffroi.signatures.base import SealError
from beffroi.signatures.registry import seal_signer

pytestmark = pytest.mark.django_db


def test_each_municipality_seals_with_its_own_seal_or_the_installation_s() -> None:
    tournai = Municipality.objects.create(name="Ville de Tournai", slug="tournai")
    antoing = Municipality.objects.create(name="Commune d'Antoing", slug="antoing")
    municipality_config_update(
        actor=None,
        municipality_id=antoing.pk,
        values={
            "seal_backend": "pkcs12",
            "seal_pkcs12_file": settings.SEAL_PKCS12_FILE,
            "seal_pkcs12_passphrase": "not-the-passphrase",
        },
    )
    with municipality_scope(tournai.pk):
        installation = seal_signer()
    assert installation is seal_signer(installation=True)
    with municipality_scope(antoing.pk), pytest.raises(SealError) as refusal:
        # Its own file with its own (wrong) passphrase: never the installation's.
        seal_signer()
    assert "SEAL_PKCS12_FILE" in str(refusal.value)
    municipality_config_update(
        actor=None,
        municipality_id=antoing.pk,
        values={"seal_pkcs12_passphrase": settings.SEAL_PKCS12_PASSPHRASE},
    )
    with municipality_scope(antoing.pk):
        own = seal_signer()
    # The same file and passphrase as the installation's: the one signer loaded.
    assert own is installation
    with municipality_scope(tournai.pk):
        assert seal_signer() is installation
