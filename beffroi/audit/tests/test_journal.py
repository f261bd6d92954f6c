from __future__ import annotations

import itertools

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import TestCase

from beffroi.audit.chain import GENESIS_HASH
from beffroi.audit.models import AuditEvent, JournalBatch
from beffroi.audit.rootstore import root_store
from beffroi.audit.services import audit_event_record, journal_seal
from beffroi.audit.tasks import journal_seal_recent
from beffroi.audit.tests.journal import roots_folder, tamper, verify
from beffroi.core.periodic import registered_jobs
from beffroi.core.tenancy import municipality_scope
from beffroi.municipality.models import Service


class AuditJournalTests(TestCase):
    def setUp(self) -> None:
        self.roots = roots_folder(self)
        self.service = Service.objects.create(code="population", name="Population")
        for index in range(5):
            audit_event_record(
                actor=None, action="test.event", target=self.service, data={"n": index}
            )

    def test_an_untouched_journal_verifies(self) -> None:
        assert "Journal intègre : 5 événements vérifiés en 1 lots." in verify()

    def test_an_event_is_appended_unsealed_and_the_sealer_chains_it(self) -> None:
        assert not AuditEvent.objects.filter(hash__isnull=False).exists()
        [batch] = journal_seal()
        events = list(AuditEvent.objects.order_by("id"))
        assert events[0].prev_hash == GENESIS_HASH
        for previous, event in itertools.pairwise(events):
            assert event.prev_hash == previous.hash
        assert {event.batch_id for event in events} == {batch.pk}
        assert (batch.first_event_id, batch.last_event_id, batch.count) == (
            events[0].pk,
            events[-1].pk,
            5,
        )
        assert journal_seal() == []  # nothing new

    def test_the_next_batch_continues_the_chain(self) -> None:
        [first] = journal_seal()
        audit_event_record(actor=None, action="test.later", target=self.service)
        [second] = journal_seal()
        later = AuditEvent.objects.get(action="test.later")
        assert later.prev_hash == AuditEvent.objects.get(pk=first.last_event_id).hash
        assert second.prev_root == first.root
        assert "Journal intègre : 6 événements vérifiés en 2 lots." in verify()

    def test_each_batch_root_is_written_outside_the_database(self) -> None:
        [batch] = journal_seal()
        [record] = list(root_store().records(None))
        assert record["batch"] == batch.pk
        assert record["root"] == batch.root
        assert record["ids"] == [[batch.first_event_id, batch.last_event_id]]
        assert list(self.roots.glob("chain-*.jsonl")) == [self.roots / "chain-installation.jsonl"]

    def test_each_municipality_has_its_own_chain(self) -> None:
        with municipality_scope(7):
            audit_event_record(actor=None, action="test.elsewhere", target=self.service)
        batches = journal_seal()
        assert sorted(b.municipality_id or 0 for b in batches) == [0, 7]
        elsewhere = AuditEvent.all_municipalities.get(action="test.elsewhere")
        assert elsewhere.municipality_id == 7
        assert elsewhere.prev_hash == GENESIS_HASH  # the start of its own chain
        assert "Journal intègre : 6 événements vérifiés en 2 lots." in verify()

    def test_an_altered_row_is_reported_by_its_id(self) -> None:
        journal_seal()
        third = AuditEvent.objects.order_by("id")[2]
        tamper("UPDATE audit_auditevent SET data = %s WHERE id = %s", ['{"n": 99}', third.pk])
        report = verify()
        assert report.startswith("FAILED")
        assert f"événement id {third.pk} : empreinte invalide" in report

    def test_a_deleted_row_is_reported_by_its_id(self) -> None:
        journal_seal()
        second = AuditEvent.objects.order_by("id")[1]
        tamper("DELETE FROM audit_auditevent WHERE id = %s", [second.pk])
        report = verify()
        assert f"id {second.pk} supprimé(s)" in report
        assert "lien rompu avec l'événement précédent" in report

    def test_the_model_refuses_updates_and_deletes(self) -> None:
        event = AuditEvent.objects.first()
        assert event is not None
        event.action = "changed"
        with pytest.raises(RuntimeError):
            event.save()
        with pytest.raises(RuntimeError):
            event.delete()

    def test_the_database_refuses_deletes_and_changes_but_the_sealers(self) -> None:
        first = AuditEvent.objects.order_by("id").first()
        assert first is not None
        refused: list[tuple[str, list[int | str]]] = [
            ("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [first.pk]),
            ("DELETE FROM audit_auditevent WHERE id = %s", [first.pk]),
        ]
        for statement, params in refused:
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
                c.execute(statement, params)
        # The sealer's own update, on a row not sealed yet, is allowed...
        journal_seal()
        # ...once: a sealed row never changes.
        sealed_refused: list[tuple[str, list[int | str]]] = [
            ("UPDATE audit_auditevent SET hash = %s WHERE id = %s", ["f" * 64, first.pk]),
            ("UPDATE audit_auditevent SET batch_id = NULL WHERE id = %s", [first.pk]),
            *refused,
        ]
        for statement, params in sealed_refused:
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
                c.execute(statement, params)
        assert AuditEvent.objects.filter(action="test.event").count() == 5
        assert "Journal intègre" in verify()

    def test_an_event_holds_ids_not_personal_data(self) -> None:
        event = AuditEvent.objects.last()
        assert event is not None
        assert event.object_type == "municipality.service"
        assert event.object_id == str(self.service.pk)
        assert event.actor_kind == AuditEvent.ActorKind.SYSTEM

    def test_audit_verify_seals_what_was_not_sealed_yet(self) -> None:
        assert not JournalBatch.objects.exists()
        verify()
        assert not AuditEvent.objects.filter(hash__isnull=True).exists()
        assert JournalBatch.objects.count() == 1

    def test_the_worker_seals_every_few_seconds(self) -> None:
        job = next(j for j in registered_jobs() if j.task is journal_seal_recent)
        assert job.every.total_seconds() <= 15
        journal_seal_recent.call()
        assert not AuditEvent.objects.filter(hash__isnull=True).exists()
