from __future__ import annotations

from django.db import models


class Revision(models.Model):
    """A counter bumped whenever a piece of public content changes.

    Rendered fragments (the catalogue, the city's theme) are cached per
    process under the current revision, so every process sees a change on
    its next request without a shared cache.
    """

    key = models.CharField(max_length=64, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}@{self.value}"


class PeriodicJobState(models.Model):
    """When a periodic job may next be enqueued; claimed by conditional UPDATE."""

    name = models.CharField(max_length=200, primary_key=True)
    next_run_at = models.DateTimeField()
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class Counter(models.Model):
    """A named sequence (case references, register numbers per year).

    Incremented under a row lock inside the caller's transaction: numbers
    are gapless (a rolled-back transaction gives its number back) and never
    handed out twice, whatever the number of processes.
    """

    name = models.CharField(max_length=100, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"
