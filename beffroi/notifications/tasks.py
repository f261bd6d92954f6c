from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from beffroi.core.jobs import municipal
from beffroi.core.periodic import periodic
from beffroi.notifications.delivery import (
    email_deliver,
    emails_due,
    municipalities_with_emails_due,
)


@task()
@municipal
def deliver_email(email_id: int) -> None:
    email_deliver(email_id=email_id)


@periodic(every=timedelta(minutes=1), pending=municipalities_with_emails_due)
@task()
@municipal
def retry_due_emails() -> None:
    """Send the emails whose earlier attempt failed and whose wait is over."""
    for email_id in emails_due():
        email_deliver(email_id=email_id)
