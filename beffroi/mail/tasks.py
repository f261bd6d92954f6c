"""Background jobs of the mail register: they take ids and are idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django_tasks import task

from beffroi.core.periodic import periodic


@task()
def ocr_mail_item(item_id: int) -> None:
    from beffroi.mail.services import mail_ocr_process

    mail_ocr_process(item_id=item_id)


@periodic(every=timedelta(hours=1))
@task()
def send_mail_reminders() -> None:
    """Remind agents of open items due soon (each item at most once a day)."""
    from beffroi.mail.services import mail_reminders_send

    mail_reminders_send()


@periodic(every=timedelta(minutes=5))
@task()
def poll_mailbox() -> None:
    """Register the emails that arrived in the city's mailbox, when one is configured."""
    if not settings.MAIL_IMAP_HOST:
        return
    from beffroi.mail.imap import mailbox_poll

    mailbox_poll()
