"""What the journal's tests share: a folder of roots of their own, and the
means of an attacker who holds the database (but not the key)."""

from __future__ import annotations

import hashlib
import hmac
import shutil
import tempfile
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import CommandError, call_command
from django.db import connection
from django.test import SimpleTestCase, override_settings

from beffroi.audit.chain import CONTENT_FIELDS, canonical_payload, merkle_root
from beffroi.audit.models import AuditEvent, JournalBatch, JournalChain


def roots_folder(test: SimpleTestCase) -> Path:
    """Point the store of roots at a folder of this test's own, removed after it."""
    folder = Path(tempfile.mkdtemp(prefix="beffroi-journal-roots-"))
    test.addCleanup(shutil.rmtree, folder, ignore_errors=True)
    override = override_settings(JOURNAL_ROOTS_DIR=folder)
    override.enable()
    test.addCleanup(override.disable)
    return folder


def verify() -> str:
    """What ``audit_verify`` says; ``FAILED`` first when it exits non-zero."""
    out, err = StringIO(), StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=err)
    except CommandError as error:
        return f"FAILED {error}\n{err.getvalue()}"
    return out.getvalue()


def tamper(sql: str, params: list[Any] | tuple[Any, ...] = ()) -> None:
    """Change the journal behind the application's back, as whoever holds
    the database could: the append-only triggers out of the way first (the
    test's transaction puts them back)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Deferred foreign-key checks pending would forbid ALTER TABLE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_no_update")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def forged_hash(content: dict[str, Any], prev_hash: str, *, key: bytes | None = None) -> str:
    """A hash as the attacker computes it: the canonical form read in the
    source, but plain SHA-256 (or an HMAC under a key that is not ours)."""
    payload = canonical_payload(content, prev_hash=prev_hash)
    if key is None:
        return hashlib.sha256(payload).hexdigest()
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def rechain(*, key: bytes | None = None) -> None:
    """Recompute every hash, link and root of the journal without our key,
    so that it is consistent with itself after a forgery."""
    prev_hash = "0" * 64
    prev_root = "0" * 64
    for batch in JournalBatch.objects.order_by("id"):
        pairs = []
        rows = batch.events.order_by("id").values(*CONTENT_FIELDS)
        for row in rows:
            hash_ = forged_hash(row, prev_hash, key=key)
            tamper(
                "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
                [prev_hash, hash_, row["id"]],
            )
            pairs.append((row["id"], hash_))
            prev_hash = hash_
        ids = [event_id for event_id, _ in pairs]
        JournalBatch.objects.filter(pk=batch.pk).update(
            root=merkle_root(pairs),
            prev_root=prev_root,
            count=len(pairs),
            first_event_id=min(ids, default=0),
            last_event_id=max(ids, default=0),
        )
        prev_root = merkle_root(pairs)
    JournalChain.objects.update(last_hash=prev_hash, last_root=prev_root)


def event_ids() -> list[int]:
    return list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
