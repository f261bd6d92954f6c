"""Outgoing email: queued with the change that causes it, sent after commit."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape, linebreaks

from beffroi.core.jobs import enqueue_on_commit
from beffroi.core.rows import row_insert
from beffroi.notifications.models import OutgoingEmail

logger = logging.getLogger(__name__)

# Waits between attempts; after the last one the email is marked failed.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
# A worker that died mid-send leaves the email "sending": retried after this.
STALE_SENDING = timedelta(minutes=10)


def html_from_text(text: str, *, title: str) -> str:
    """The HTML alternative of a plain-text email, in the city's layout."""
    from beffroi.municipality.selectors import current_municipality

    return render_to_string(
        "notifications/email.html",
        {"body": linebreaks(escape(text)), "title": title, "municipality": current_municipality()},
    )


def email_queue(
    *, to: str, subject: str, body_text: str, case_id: int | None = None, body_html: str = ""
) -> OutgoingEmail:
    """Queue an email; it is sent once the current transaction commits.

    Without ``body_html`` the HTML part is made from the text when the email
    is sent, by the worker: the request that causes it does not wait for it.
    """
    from beffroi.notifications.tasks import deliver_email

    email = row_insert(
        OutgoingEmail(
            to=to,
            subject=subject.replace("\n", " ").strip()[:300],
            body_text=body_text,
            body_html=body_html,
            case_id=case_id,
            next_attempt_at=timezone.now(),
        )
    )
    enqueue_on_commit(deliver_email, email_id=email.pk)
    return email


def email_deliver(*, email_id: int) -> bool:
    """Send one queued email; safe to call twice (the second call does nothing).

    Returns whether it was sent by this call.
    """
    now = timezone.now()
    claimed = OutgoingEmail.objects.filter(
        Q(status=OutgoingEmail.Status.QUEUED)
        | Q(status=OutgoingEmail.Status.SENDING, next_attempt_at__lte=now - STALE_SENDING),
        pk=email_id,
        next_attempt_at__lte=now,
    ).update(status=OutgoingEmail.Status.SENDING, next_attempt_at=now)
    if not claimed:
        return False
    email = OutgoingEmail.objects.get(pk=email_id)
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
    )
    message.attach_alternative(
        email.body_html or html_from_text(email.body_text, title=email.subject), "text/html"
    )
    try:
        message.send()
    except Exception as error:  # any transport failure: retry later
        attempts = email.attempts + 1
        failed = attempts > len(RETRY_DELAYS)
        OutgoingEmail.objects.filter(pk=email.pk).update(
            attempts=attempts,
            status=OutgoingEmail.Status.FAILED if failed else OutgoingEmail.Status.QUEUED,
            next_attempt_at=now + (RETRY_DELAYS[-1] if failed else RETRY_DELAYS[attempts - 1]),
            last_error=f"{type(error).__name__}: {error}"[:500],
        )
        logger.warning(
            "Email %s not sent (attempt %s): %s", email.pk, attempts, type(error).__name__
        )
        return False
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=OutgoingEmail.Status.SENT, attempts=email.attempts + 1, sent_at=timezone.now()
    )
    return True


def emails_due() -> list[int]:
    """Ids of emails whose next attempt has come (queued, or stuck sending)."""
    now = timezone.now()
    return list(
        OutgoingEmail.objects.filter(
            Q(status=OutgoingEmail.Status.QUEUED, next_attempt_at__lte=now)
            | Q(status=OutgoingEmail.Status.SENDING, next_attempt_at__lte=now - STALE_SENDING)
        ).values_list("pk", flat=True)[:500]
    )


@transaction.atomic
def email_retry_now(*, email_id: int) -> None:
    OutgoingEmail.objects.filter(pk=email_id, status=OutgoingEmail.Status.FAILED).update(
        status=OutgoingEmail.Status.QUEUED, next_attempt_at=timezone.now()
    )
