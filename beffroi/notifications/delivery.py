"""Sending the queued emails: run by the background worker, never by a request."""

from __future__ import annotations

import logging
from datetime import timedelta
from email.utils import formataddr, make_msgid, parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from beffroi.municipality.models import Municipality
from beffroi.municipality.selectors import (
    current_municipality,
    municipalities_having,
    municipality_config,
)
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


def html_from_text(text: str, *, title: str, municipality: Municipality | None = None) -> str:
    """The HTML alternative of a plain-text email, in the city's layout.

    The template escapes the text and turns its blank lines into paragraphs
    (Django's ``linebreaks`` filter), so the reader sees the words, not tags.
    """
    return render_to_string(
        "notifications/email.html",
        {
            "body_text": text,
            "title": title,
            "municipality": municipality or current_municipality(),
        },
    )


def sender_address(municipality: Municipality) -> str:
    """The municipality's sender (« Ville de Tournai <eguichet@tournai.be> »),
    else « Ville de Tournai — e-guichet <DEFAULT_FROM_EMAIL> »: mail clients
    show the name."""
    name, address = parseaddr(municipality_config().email_from)
    return formataddr((name or f"{municipality.name} — e-guichet", address))


def message_of(email: OutgoingEmail) -> EmailMultiAlternatives:
    """The MIME message of a queued email, with the headers a robot's mail carries."""
    municipality = current_municipality()
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=sender_address(municipality),
        to=[email.to],
        headers={
            # RFC 5322: an id on our own domain, so replies and bounces thread.
            "Message-ID": make_msgid(
                idstring=f"email{email.pk}", domain=urlsplit(settings.SITE_URL).hostname
            ),
            # RFC 3834: sent by a program; out-of-office robots must not answer.
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(
        email.body_html
        or html_from_text(email.body_text, title=email.subject, municipality=municipality),
        "text/html",
    )
    return message


def _claim(email_id: int) -> bool:
    """Mark the email "sending" if it is due; False when another worker has it."""
    now = timezone.now()
    return bool(
        OutgoingEmail.objects.filter(
            Q(status=OutgoingEmail.Status.QUEUED)
            | Q(status=OutgoingEmail.Status.SENDING, next_attempt_at__lte=now - STALE_SENDING),
            pk=email_id,
            next_attempt_at__lte=now,
        ).update(status=OutgoingEmail.Status.SENDING, next_attempt_at=now)
    )


def _record_failure(email: OutgoingEmail, error: Exception) -> None:
    attempts = email.attempts + 1
    failed = attempts > len(RETRY_DELAYS)
    OutgoingEmail.objects.filter(pk=email.pk).update(
        attempts=attempts,
        status=OutgoingEmail.Status.FAILED if failed else OutgoingEmail.Status.QUEUED,
        next_attempt_at=timezone.now()
        + (RETRY_DELAYS[-1] if failed else RETRY_DELAYS[attempts - 1]),
        last_error=f"{type(error).__name__}: {error}"[:500],
    )
    logger.warning("Email %s not sent (attempt %s): %s", email.pk, attempts, type(error).__name__)


def email_deliver(*, email_id: int) -> bool:
    """Send one queued email; safe to call twice (the second call does nothing).

    Returns whether it was sent by this call.
    """
    if not _claim(email_id):
        return False
    email = OutgoingEmail.objects.get(pk=email_id)
    try:
        message_of(email).send()
    except Exception as error:  # any transport failure: retry later
        _record_failure(email, error)
        return False
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=OutgoingEmail.Status.SENT, attempts=email.attempts + 1, sent_at=timezone.now()
    )
    return True


def _due(emails: QuerySet[OutgoingEmail]) -> QuerySet[OutgoingEmail]:
    """Those of ``emails`` whose next attempt has come (queued, or stuck sending)."""
    now = timezone.now()
    return emails.filter(
        Q(status=OutgoingEmail.Status.QUEUED, next_attempt_at__lte=now)
        | Q(status=OutgoingEmail.Status.SENDING, next_attempt_at__lte=now - STALE_SENDING)
    )


def emails_due() -> list[int]:
    """Ids of emails whose next attempt has come (queued, or stuck sending)."""
    return list(_due(OutgoingEmail.objects.all()).values_list("pk", flat=True)[:500])


def municipalities_with_emails_due() -> list[int]:
    """The retry job's ``pending``: one probe of the due e-mails' index per municipality."""
    return municipalities_having(_due(OutgoingEmail.all_municipalities.all()))


@transaction.atomic
def email_retry_now(*, email_id: int) -> None:
    OutgoingEmail.objects.filter(pk=email_id, status=OutgoingEmail.Status.FAILED).update(
        status=OutgoingEmail.Status.QUEUED, next_attempt_at=timezone.now()
    )
