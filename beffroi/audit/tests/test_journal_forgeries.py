"""The four forgeries of someone who holds a copy of the database but not
the journal's key: each one is named by ``audit_verify``.

The attacker goes around the append-only triggers (``tamper``), knows the
canonical form and the Merkle tree from the source, and makes the database
consistent with itself afterwards (``rechain``): only the key and the roots
kept outside the database give them away.
"""

from __future__ import annotations

from typing import Any

from django.test import TestCase

from beffroi.audit.chain import merkle_root
from beffroi.audit.models import AuditEvent, JournalBatch, JournalChain
from beffroi.audit.services import audit_event_record, journal_seal
from beffroi.audit.tests.journal import (
    event_ids,
    forged_hash,
    rechain,
    roots_folder,
    tamper,
    verify,
)


class JournalForgeryTests(TestCase):
    def setUp(self) -> None:
        roots_folder(self)
        # Two batches of three events, their roots already outside the database.
        for batch in range(2):
            for index in range(3):
                audit_event_record(
                    actor=None,
                    action="test.event",
                    target=("test.thing", index),
                    data={"batch": batch, "n": index},
                )
            journal_seal()
        self.ids = event_ids()
        assert "Journal intègre : 6 événements vérifiés en 2 lots." in verify()

    def test_an_event_changed_and_every_later_hash_recomputed_with_plain_sha256_is_named(
        self,
    ) -> None:
        changed = self.ids[2]
        tamper("UPDATE audit_auditevent SET data = %s WHERE id = %s", ['{"n": 99}', changed])
        rechain()
        report = verify()
        assert report.startswith("FAILED")
        assert f"événement id {changed} : empreinte invalide" in report
        # Its hash no longer matches the root written outside the database.
        first = JournalBatch.objects.order_by("id").first()
        assert first is not None
        assert f"lot n° {first.pk} : racine ou bornes différentes" in report

    def test_an_event_changed_and_rehashed_under_another_key_is_named(self) -> None:
        changed = self.ids[4]
        tamper("UPDATE audit_auditevent SET action = 'test.other' WHERE id = %s", [changed])
        rechain(key=b"a guess at the journal's key")
        report = verify()
        assert f"événement id {changed} : empreinte invalide" in report

    def test_an_event_deleted_and_the_chain_relinked_is_named(self) -> None:
        deleted = self.ids[1]
        tamper("DELETE FROM audit_auditevent WHERE id = %s", [deleted])
        rechain()
        report = verify()
        assert report.startswith("FAILED")
        assert f"id {deleted} supprimé(s) après le scellement" in report
        # The event relinked in its place has a hash made without the key.
        assert f"événement id {self.ids[2]} : empreinte invalide" in report

    def test_a_forged_event_appended_with_a_well_formed_hash_is_named(self) -> None:
        last = AuditEvent.objects.order_by("id").last()
        assert last is not None
        assert last.hash is not None
        forged_id = last.pk + 1
        content: dict[str, Any] = {
            "id": forged_id,
            "municipality_id": None,
            "occurred_at": last.occurred_at,
            "actor_id": None,
            "actor_kind": "system",
            "action": "case.closed",
            "object_type": "cases.case",
            "object_id": "1",
            "data": {},
        }
        hash_ = forged_hash(content, last.hash)
        batch = JournalBatch.objects.create(
            municipality_id=None,
            first_event_id=forged_id,
            last_event_id=forged_id,
            count=1,
            root=merkle_root([(forged_id, hash_)]),
            prev_root=JournalChain.objects.get().last_root,
            sealed_at=last.occurred_at,
        )
        tamper(
            "INSERT INTO audit_auditevent (id, occurred_at, actor_kind, action, object_type,"
            " object_id, data, prev_hash, hash, batch_id) VALUES"
            " (%s, %s, 'system', 'case.closed', 'cases.case', '1', '{}', %s, %s, %s)",
            [forged_id, last.occurred_at, last.hash, hash_, batch.pk],
        )
        JournalChain.objects.update(last_hash=hash_, last_root=batch.root, last_batch_id=batch.pk)
        report = verify()
        assert report.startswith("FAILED")
        assert f"événement id {forged_id} : empreinte invalide" in report

    def test_the_last_events_cut_off_are_named_from_the_roots_outside(self) -> None:
        first, last = JournalBatch.objects.order_by("id")
        tamper("DELETE FROM audit_auditevent WHERE batch_id = %s", [last.pk])
        JournalBatch.objects.filter(pk=last.pk).delete()
        kept = AuditEvent.objects.order_by("id").last()
        assert kept is not None
        assert kept.hash is not None
        JournalChain.objects.update(
            last_hash=kept.hash,
            last_root=first.root,
            last_batch_id=first.pk,
            published_batch_id=first.pk,
        )
        report = verify()
        assert report.startswith("FAILED")
        assert (
            f"lot n° {last.pk} : absent de la base mais inscrit au registre externe : "
            f"événement(s) id {self.ids[3]} à {self.ids[5]} supprimé(s)"
        ) in report

    def test_the_last_events_of_a_batch_cut_off_are_named(self) -> None:
        tamper("DELETE FROM audit_auditevent WHERE id >= %s", [self.ids[4]])
        rechain()
        report = verify()
        assert f"id {self.ids[4]} à {self.ids[5]} supprimé(s) après le scellement" in report
