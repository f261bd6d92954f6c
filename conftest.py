from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture(scope="session", autouse=True)
def _media_in_a_temporary_folder() -> Iterator[Path]:
    """Uploaded and generated files of a test run live and die in a temp folder."""
    folder = Path(tempfile.mkdtemp(prefix="beffroi-media-"))
    previous = settings.MEDIA_ROOT
    settings.MEDIA_ROOT = folder
    yield folder
    settings.MEDIA_ROOT = previous
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
