"""Outgoing email: queued with the change that causes it, sent after commit."""

from __future__ import annotations

from django.utils import timezone

from beffroi.core.jobs import enqueue_on_commit
from beffroi.notifications.models import OutgoingEmail
from beffroi.notifications.tasks import deliver_email


def email_queue(
    *, to: str, subject: str, body_text: str, case_id: int | None = None, body_html: str = ""
) -> OutgoingEmail:
    """Queue an email; it is sent once the current transaction commits.

    Without ``body_html`` the HTML part is made from the text when the email
    is sent, by the worker: the request that causes it does not wait for it.
    """
    email = OutgoingEmail.objects.create(
        to=to,
        subject=subject.replace("\n", " ").strip()[:300],
        body_text=body_text,
        body_html=body_html,
        case_id=case_id,
        next_attempt_at=timezone.now(),
    )
    enqueue_on_commit(deliver_email, email_id=email.pk)
    return email
