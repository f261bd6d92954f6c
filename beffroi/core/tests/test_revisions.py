"""Content revisions are kept a moment per process, and a bump shows at once."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import TestCase, override_settings
from django.utils import timezone

from beffroi.core.revisions import (
    CATALOGUE,
    MUNICIPALITY,
    revision_bump,
    revisions_current,
    revisions_forget,
)
from beffroi.core.tenancy import current_municipality_id


@override_settings(BEFFROI_REVISIONS_FRESH_MS=60_000)
class RevisionMemoryTests(TestCase):
    def setUp(self) -> None:
        revisions_forget()

    def test_a_second_read_costs_no_query(self) -> None:
        current_municipality_id()  # the municipality directory, read once per process
        with self.assertNumQueries(1):
            first = revisions_current(MUNICIPALITY, CATALOGUE)
        with self.assertNumQueries(0):
            assert revisions_current(MUNICIPALITY, CATALOGUE) == first
        with self.assertNumQueries(1):  # only the key not read yet
            revisions_current(MUNICIPALITY, "agenda")

    def test_a_bump_in_this_process_shows_at_once(self) -> None:
        before = revisions_current(CATALOGUE)[CATALOGUE]
        revision_bump(key=CATALOGUE)
        assert revisions_current(CATALOGUE)[CATALOGUE] == before + 1

    def test_another_process_bump_shows_once_the_memory_is_stale(self) -> None:
        from beffroi.core.models import Revision

        before = revisions_current(MUNICIPALITY)[MUNICIPALITY]
        # As another process would: straight in the database.
        Revision.objects.update_or_create(key=MUNICIPALITY, defaults={"value": before + 5})
        assert revisions_current(MUNICIPALITY)[MUNICIPALITY] == before
        with time_machine.travel(timezone.now() + timedelta(seconds=61)):
            assert revisions_current(MUNICIPALITY)[MUNICIPALITY] == before + 5
