"""Background jobs of the mail register: they take ids and are idempotent.

The arrows point one way: the jobs call the services (and the mailbox
poller); the services never import the jobs. They announce an item to read
with the ``ocr_requested`` signal, which this module turns into a job.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.dispatch import receiver
from django_tasks import task

from beffroi.core.jobs import enqueue_on_commit, municipal
from beffroi.core.periodic import periodic
from beffroi.mail.imap import mailbox_poll, municipalities_with_mailbox
from beffroi.mail.services import (
    mail_ocr_process,
    mail_reminders_send,
    municipalities_with_mail_to_remind,
)
from beffroi.mail.signals import ocr_requested


@task()
@municipal
def ocr_mail_item(item_id: int) -> None:
    mail_ocr_process(item_id=item_id)


@receiver(ocr_requested, dispatch_uid="mail.queue_ocr")
def queue_ocr(sender: Any, *, item_id: int, **kwargs: Any) -> None:
    """Queue the OCR job with the transaction that made the item pending."""
    enqueue_on_commit(ocr_mail_item, item_id=item_id)


@periodic(every=timedelta(hours=1), pending=municipalities_with_mail_to_remind)
@task()
@municipal
def send_mail_reminders() -> None:
    """Remind agents of open items due soon (each item at most once a day)."""
    mail_reminders_send()


@periodic(every=timedelta(minutes=5), pending=municipalities_with_mailbox)
@task()
@municipal
def poll_mailbox() -> None:
    """Register the emails that arrived in the city's mailbox, when one is configured."""
    if not settings.MAIL_IMAP_HOST:
        return
    mailbox_poll()
