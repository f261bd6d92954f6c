from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from beffroi.cases.opinions import municipalities_with_late_opinions, opinions_overdue_remind
from beffroi.cases.selectors import municipalities_with_due_timers
from beffroi.cases.services import case_timer_fire, case_timers_due
from beffroi.core.jobs import municipal
from beffroi.core.periodic import periodic


# Every 30 seconds, with the scheduler's 15-second tick: a timer fires within
# a minute of its due time.
@periodic(every=timedelta(seconds=30), pending=municipalities_with_due_timers)
@task()
@municipal
def fire_due_timers() -> None:
    for timer_id in case_timers_due():
        case_timer_fire(timer_id=timer_id)


@periodic(every=timedelta(hours=1), pending=municipalities_with_late_opinions)
@task()
@municipal
def remind_overdue_opinions() -> None:
    """Each late opinion is reminded to its service once a day."""
    opinions_overdue_remind()
