"""Writing the journal: appending events (every write of the application)
and sealing them into the chain (the sealer alone)."""

from __future__ import annotations

from typing import Any, TypeAlias

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from beffroi.audit.chain import CONTENT_FIELDS, event_hash, journal_key, merkle_root
from beffroi.audit.models import AccessLog, AuditEvent, JournalBatch, JournalChain
from beffroi.audit.rootstore import RootStore, batch_record, root_store
from beffroi.core.tenancy import current_municipality_id

# Who acted, in the journal's own terms (it sits below the accounts app): an
# account, a visitor without one, or None for the system itself.
AuditActor: TypeAlias = AbstractBaseUser | AnonymousUser | None

# Events sealed in one batch at most: a backlog is sealed in several.
SEAL_BATCH_SIZE = 5000


def _actor_kind(actor: AuditActor) -> str:
    if actor is None:
        return AuditEvent.ActorKind.SYSTEM
    if not actor.is_authenticated:
        return AuditEvent.ActorKind.ANONYMOUS
    # A partner zone's agent holds no seat in the commune but acts as an
    # agent: the zone's pages say so on the user (``zone_agent_required``).
    # Asking for the zone here would cost every citizen's journaled action a query.
    is_agent = bool(
        getattr(actor, "is_agent", False) or getattr(actor, "acting_for_partner_zone", False)
    )
    return AuditEvent.ActorKind.AGENT if is_agent else AuditEvent.ActorKind.CITIZEN


def object_label(target: models.Model | tuple[str, object]) -> tuple[str, str]:
    if isinstance(target, tuple):
        return target[0], str(target[1])
    return target._meta.label_lower, str(target.pk)


def audit_event_record(
    *,
    actor: AuditActor,
    action: str,
    target: models.Model | tuple[str, object],
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Journal one state change, in the caller's transaction.

    A plain insert: no lock, nothing read, so writers never wait for each
    other here. The sealer chains the event a few seconds after its commit.
    ``data`` must hold ids and codes, not personal data: the journal is kept
    long after the data it speaks of has been anonymised.
    """
    object_type, object_id = object_label(target)
    kind = _actor_kind(actor)
    has_account = actor is not None and kind in {
        AuditEvent.ActorKind.AGENT,
        AuditEvent.ActorKind.CITIZEN,
    }
    return AuditEvent.objects.create(
        occurred_at=timezone.now(),
        municipality_id=current_municipality_id(),
        actor_id=actor.pk if has_account and actor is not None else None,
        actor_kind=kind,
        action=action,
        object_type=object_type,
        object_id=object_id,
        data=data or {},
    )


def access_record(
    *,
    actor: AuditActor,
    subject_id: int | None,
    action: str,
    target: models.Model | tuple[str, object],
) -> None:
    """Record that an agent saw a citizen's personal data (the citizen can
    read this list). Every read path of personal data calls this, and only
    this."""
    if actor is None or not actor.is_authenticated:
        return
    object_type, object_id = object_label(target)
    AccessLog.objects.create(
        actor_id=actor.pk,
        subject_id=subject_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
    )


def _chain_lock(municipality_id: int | None) -> JournalChain:
    """The chain's head, locked until the end of the transaction. Only
    sealers take this lock: writers never read the head."""
    head = (
        JournalChain.objects.select_for_update()
        .filter(municipality_id=municipality_id)
        .order_by("id")
        .first()
    )
    assert head is not None, "journal_seal creates the head first"
    return head


@transaction.atomic
def _batch_seal(key: bytes, municipality_id: int | None) -> JournalBatch | None:
    """Chain the oldest unsealed events of one chain, in id order, as one batch."""
    head = _chain_lock(municipality_id)
    rows = list(
        AuditEvent.all_municipalities.of_chain(municipality_id)
        .unsealed()
        .order_by("id")
        .values(*CONTENT_FIELDS)[:SEAL_BATCH_SIZE]
    )
    if not rows:
        return None
    sealed: list[AuditEvent] = []
    prev_hash = head.last_hash
    for row in rows:
        event = AuditEvent(id=row["id"], prev_hash=prev_hash)
        event.hash = prev_hash = event_hash(key, row, prev_hash=prev_hash)
        sealed.append(event)
    batch = JournalBatch.all_municipalities.create(
        municipality_id=municipality_id,
        first_event_id=rows[0]["id"],
        last_event_id=rows[-1]["id"],
        count=len(rows),
        root=merkle_root((event.pk, event.hash or "") for event in sealed),
        prev_root=head.last_root,
        sealed_at=timezone.now(),
    )
    for event in sealed:
        event.batch = batch
    AuditEvent.all_municipalities.bulk_update(
        sealed, ["prev_hash", "hash", "batch"], batch_size=500
    )
    head.last_hash, head.last_root, head.last_batch_id = prev_hash, batch.root, batch.pk
    head.save(update_fields=["last_hash", "last_root", "last_batch_id"])
    return batch


@transaction.atomic
def _roots_publish(store: RootStore, municipality_id: int | None) -> None:
    """Write the chain's batches the external store has not received yet.

    After the seal's commit, so the store never holds a batch the database
    rolled back; a crash before this commit writes the same records again,
    which the verification accepts.
    """
    head = _chain_lock(municipality_id)
    pending = JournalBatch.all_municipalities.filter(
        municipality_id=municipality_id, id__gt=head.published_batch_id
    ).order_by("id")
    for batch in pending:
        ids = (
            AuditEvent.all_municipalities.filter(batch=batch)
            .order_by("id")
            .values_list("id", flat=True)
        )
        store.append(batch_record(batch, ids))
        head.published_batch_id = batch.pk
    head.save(update_fields=["published_batch_id"])


def municipalities_with_unsealed_events() -> list[int | None]:
    """The sealer's ``pending``: the chains with events to seal or batches to
    publish, in one query (the unsealed events' index is emptied at each seal)."""
    unsealed = AuditEvent.all_municipalities.unsealed().order_by().values_list("municipality_id")
    unpublished = (
        JournalChain.objects.filter(published_batch_id__lt=F("last_batch_id"))
        .order_by()
        .values_list("municipality_id")
    )
    # UNION removes duplicates: one row per chain.
    return [municipality_id for (municipality_id,) in unsealed.union(unpublished)]


def journal_seal(*, store: RootStore | None = None) -> list[JournalBatch]:
    """Seal every event committed since the last seal, chain by chain, and
    write the new batches' roots to the store outside the database."""
    key = journal_key()
    store = store or root_store()
    chains = set(
        AuditEvent.all_municipalities.unsealed()
        .order_by()
        .values_list("municipality_id", flat=True)
        .distinct()
    )
    sealed: list[JournalBatch] = []
    for municipality_id in sorted(chains, key=lambda value: value or 0):
        JournalChain.objects.get_or_create(municipality_id=municipality_id)
        while (batch := _batch_seal(key, municipality_id)) is not None:
            sealed.append(batch)
    unpublished = JournalChain.objects.filter(published_batch_id__lt=F("last_batch_id"))
    for municipality_id in unpublished.values_list("municipality_id", flat=True):
        _roots_publish(store, municipality_id)
    return sealed
