from __future__ import annotations

import itertools
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import TestCase

from beffroi.audit.models import AuditEvent
from beffroi.audit.selectors import audit_chain_problems
from beffroi.audit.services import audit_event_record
from beffroi.municipality.models import Service


def _tamper(sql: str, params: list[Any]) -> None:
    """Change the journal behind the application's back, as a rogue DBA could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_no_update")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_update")
            cursor.execute("DROP TRIGGER audit_event_no_delete")
            cursor.execute(sql, params)


class AuditJournalTests(TestCase):
    def setUp(self) -> None:
        self.service = Service.objects.create(code="population", name="Population")
        for index in range(5):
            audit_event_record(
                actor=None, action="test.event", target=self.service, data={"n": index}
            )

    def verify(self) -> str:
        out, err = StringIO(), StringIO()
        try:
            call_command("audit_verify", stdout=out, stderr=err)
        except CommandError as error:
            return f"FAILED {error} {err.getvalue()}"
        return out.getvalue()

    def test_an_untouched_journal_verifies(self) -> None:
        assert "Journal intègre : 5 événements vérifiés." in self.verify()

    def test_each_event_chains_to_the_previous_one(self) -> None:
        events = list(AuditEvent.objects.all())
        assert [e.position for e in events] == [1, 2, 3, 4, 5]
        for previous, event in itertools.pairwise(events):
            assert event.prev_hash == previous.hash

    def test_an_altered_row_is_reported(self) -> None:
        _tamper("UPDATE audit_auditevent SET data = %s WHERE position = 3", ['{"n": 99}'])
        report = self.verify()
        assert report.startswith("FAILED")
        assert "n° 3" in report
        assert "contenu modifié" in report

    def test_a_deleted_row_is_reported(self) -> None:
        _tamper("DELETE FROM audit_auditevent WHERE position = 2", [])
        report = self.verify()
        assert "manquant" in report
        assert "lien vers l'événement précédent rompu" in report

    def test_an_inserted_row_is_reported(self) -> None:
        last = AuditEvent.objects.order_by("-position").first()
        assert last is not None
        _tamper(
            "INSERT INTO audit_auditevent (position, occurred_at, actor_kind, action, object_type,"
            " object_id, data, prev_hash, hash) VALUES (6, %s, 'system', 'forged', 'x', '1', '{}',"
            " %s, %s)",
            [last.occurred_at, last.hash, "f" * 64],
        )
        assert "contenu modifié" in self.verify()

    def test_the_model_refuses_updates_and_deletes(self) -> None:
        event = AuditEvent.objects.first()
        assert event is not None
        event.action = "changed"
        with pytest.raises(RuntimeError):
            event.save()
        with pytest.raises(RuntimeError):
            event.delete()

    def test_the_database_refuses_updates_and_deletes(self) -> None:
        for statement in (
            "UPDATE audit_auditevent SET action = 'x'",
            "DELETE FROM audit_auditevent",
        ):
            with (
                pytest.raises(DatabaseError),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(statement)
        assert AuditEvent.objects.filter(action="test.event").count() == 5

    def test_an_event_holds_ids_not_personal_data(self) -> None:
        event = AuditEvent.objects.last()
        assert event is not None
        assert event.object_type == "municipality.service"
        assert event.object_id == str(self.service.pk)
        assert audit_chain_problems is not None
