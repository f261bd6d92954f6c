from __future__ import annotations

import datetime
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from beffroi.signatures.localpki import (
    PASSPHRASE,
    LocalPki,
    free_port,
    local_pki_create,
    local_pki_serving,
)


@pytest.fixture(scope="session", autouse=True)
def _media_in_a_temporary_folder() -> Iterator[Path]:
    """Uploaded and generated files of a test run live and die in a temp folder."""
    folder = Path(tempfile.mkdtemp(prefix="beffroi-media-"))
    previous = settings.MEDIA_ROOT
    settings.MEDIA_ROOT = folder
    yield folder
    settings.MEDIA_ROOT = previous
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def local_pki() -> Iterator[LocalPki]:
    """The city's seal in the tests: a certomancer PKI (CA, seal, OCSP, CRLs,
    TSA) made for the run, its services on 127.0.0.1 only. Set in the
    environment too, for the servers the tests start as processes."""
    folder = Path(tempfile.mkdtemp(prefix="beffroi-pki-"))
    # Valid from 2000 to 2099: tests travel in time (time_machine) and still seal.
    pki = local_pki_create(
        folder / "pki",
        port=free_port(),
        start=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC),
        seal_days=36500,
    )
    values = {
        "SEAL_BACKEND": "pkcs12",
        "SEAL_PKCS12_FILE": str(pki.pkcs12_file()),
        "SEAL_PKCS12_PASSPHRASE": PASSPHRASE,
        "TSA_URL": pki.tsa_url,
    }
    previous = {name: getattr(settings, name) for name in values}
    previous_env = {name: os.environ.get(name) for name in values}
    with local_pki_serving(pki):
        for name, value in values.items():
            setattr(settings, name, value)
            os.environ[name] = value
        yield pki
        for name, value in previous.items():
            setattr(settings, name, value)
        for name, old in previous_env.items():
            if old is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = old
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    """Rate limits and cached fragments never leak from one test to the next."""
    from django.core.cache import caches

    from beffroi.catalogue.selectors import version_spec_cache_clear
    from beffroi.core.revisions import revisions_forget

    for alias in settings.CACHES:
        caches[alias].clear()
    # Test databases reuse ids after a rollback: forget parsed versions,
    # and revisions a rolled-back test had bumped.
    version_spec_cache_clear()
    revisions_forget()


@pytest.fixture(scope="class", autouse=True)
def _fresh_version_specs() -> None:
    """setUpTestData runs before the per-test fixtures: start each class clean too."""
    from beffroi.catalogue.selectors import version_spec_cache_clear
    from beffroi.core.revisions import revisions_forget

    version_spec_cache_clear()
    revisions_forget()
