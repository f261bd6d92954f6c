from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django_tasks import task

from beffroi.audit.services import journal_seal, municipalities_with_unsealed_events
from beffroi.core.jobs import municipal
from beffroi.core.periodic import periodic


# Every few seconds (at the scheduler's tick at most, SCHEDULER_TICK_SECONDS):
# events are chained, and their roots written outside the database, soon
# after their commit.
@periodic(
    every=timedelta(seconds=settings.JOURNAL_SEAL_SECONDS),
    pending=municipalities_with_unsealed_events,
)
@task()
@municipal
def journal_seal_recent() -> None:
    journal_seal()
