from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def for_object(self, object_type: str, object_id: object) -> AuditEventQuerySet:
        return self.filter(object_type=object_type, object_id=str(object_id))


class AuditEvent(models.Model):
    """One state change, chained to the previous one by SHA-256.

    Rows are append-only (the model refuses updates and deletes, and a
    database trigger refuses them too); ``manage.py audit_verify`` recomputes
    the chain to find any row changed, inserted or removed behind our back.
    The hashed payload holds ids, never names or other personal data.
    """

    class ActorKind(models.TextChoices):
        SYSTEM = "system", "Système"
        CITIZEN = "citizen", "Citoyen"
        AGENT = "agent", "Agent"
        ANONYMOUS = "anonymous", "Anonyme"

    position = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
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
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["position"]
        indexes = [models.Index(fields=["object_type", "object_id", "position"])]

    def __str__(self) -> str:
        return f"#{self.position} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuntimeError("The audit journal is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("The audit journal is append-only.")


class AccessLog(models.Model):
    """Who looked at whose personal data, and when (not hash-chained: reads
    are many, and the citizen reads this list about themself)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
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

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["subject", "-at"])]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.action} {self.object_type}:{self.object_id}"
