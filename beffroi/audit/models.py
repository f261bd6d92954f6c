from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings
from django.db import models

from beffroi.audit.chain import GENESIS_HASH
from beffroi.core.tenancy import current_municipality_id

M = TypeVar("M", bound=models.Model)


class JournalManager(models.Manager[M]):
    """The current municipality's rows of the journal.

    The journal names its municipality by id (``municipality_id``), not by a
    relation, so ``core.tenancy.MunicipalManager`` (which filters on the
    relation) cannot serve; this is the same filter on the id. The sealer and
    the verifier, which walk every chain, use ``all_municipalities``.
    """

    def get_queryset(self) -> models.QuerySet[M]:
        queryset = super().get_queryset()
        if not settings.BEFFROI_TENANCY_APP_SCOPING:
            return queryset
        municipality_id = current_municipality_id()
        if municipality_id is None:
            return queryset.filter(municipality_id__isnull=True)
        return queryset.filter(municipality_id=municipality_id)


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def for_object(self, object_type: str, object_id: object) -> AuditEventQuerySet:
        return self.filter(object_type=object_type, object_id=str(object_id))

    def of_chain(self, municipality_id: int | None) -> AuditEventQuerySet:
        return self.filter(municipality_id=municipality_id)

    def unsealed(self) -> AuditEventQuerySet:
        return self.filter(hash__isnull=True)


class JournalBatch(models.Model):
    """Events sealed together: their range, count and Merkle root, linked to
    the previous batch's root. Each batch is also written to a store outside
    the database (audit/rootstore.py), so a batch cut off is still known."""

    # The municipality's id, not a relation: the journal sits below the
    # municipality app (which journals its own changes). None: the
    # installation before any municipality exists.
    municipality_id = models.PositiveBigIntegerField(null=True)
    first_event_id = models.PositiveBigIntegerField()
    last_event_id = models.PositiveBigIntegerField()
    count = models.PositiveIntegerField()
    root = models.CharField(max_length=64)
    prev_root = models.CharField(max_length=64)
    sealed_at = models.DateTimeField()

    objects = JournalManager()
    # The sealer's and the verifier's view: every municipality's chain.
    all_municipalities: models.Manager[JournalBatch] = models.Manager()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["municipality_id", "id"], name="audit_batch_chain")]

    def __str__(self) -> str:
        return f"lot {self.pk} ({self.count} événements)"


class JournalChain(models.Model):
    """The end of one municipality's chain, locked by the sealer alone
    (writers never read it)."""

    municipality_id = models.PositiveBigIntegerField(null=True, unique=True)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    last_root = models.CharField(max_length=64, default=GENESIS_HASH)
    last_batch_id = models.PositiveBigIntegerField(default=0)
    # The last batch written to the external store of roots.
    published_batch_id = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"chaîne {self.municipality_id}"


class AuditEvent(models.Model):
    """One state change, appended in the transaction that made it.

    Rows are append-only: the model refuses updates and deletes, and a
    database trigger refuses them too, except the sealer's one update that
    fills ``prev_hash``, ``hash`` and ``batch`` of a row not yet sealed
    (``journal_seal``). ``manage.py audit_verify`` then finds any row changed,
    inserted or removed behind our back. The hashed payload holds ids, never
    names or other personal data.
    """

    class ActorKind(models.TextChoices):
        SYSTEM = "system", "Système"
        CITIZEN = "citizen", "Citoyen"
        AGENT = "agent", "Agent"
        ANONYMOUS = "anonymous", "Anonyme"

    occurred_at = models.DateTimeField()
    municipality_id = models.PositiveBigIntegerField(null=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_kind = models.CharField(max_length=16, choices=ActorKind.choices)
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    # Filled by the sealer: None until then.
    prev_hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    batch = models.ForeignKey(
        JournalBatch,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        db_index=False,
    )

    objects = JournalManager.from_queryset(AuditEventQuerySet)()
    all_municipalities = models.Manager.from_queryset(AuditEventQuerySet)()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "id"], name="audit_event_object"),
            models.Index(fields=["batch", "id"], name="audit_event_batch"),
            # What the sealer looks for: a small index, emptied at each seal.
            models.Index(
                fields=["municipality_id", "id"],
                condition=models.Q(hash__isnull=True),
                name="audit_event_unsealed",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("The audit journal is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("The audit journal is append-only.")


class AccessLog(models.Model):
    """Who looked at whose personal data, and when (not hash-chained: reads
    are many, and the citizen reads this list about themself)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # By id, like the journal's events (see AuditEvent).
    municipality_id = models.PositiveBigIntegerField(null=True, default=current_municipality_id)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # The citizen whose data was seen, when known.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)

    objects = JournalManager()
    all_municipalities: models.Manager[AccessLog] = models.Manager()

    class Meta:
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["municipality_id", "subject", "-at"], name="accesslog_subject")
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.action} {self.object_type}:{self.object_id}"
