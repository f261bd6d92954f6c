"""The signed link to an amount asked for, sent by email: it works with or
without an account, expires, and names one amount only.

The token is the amount's public key signed with Django's
``TimestampSigner`` (under ``SECRET_KEY`` and a salt of its own): changing
one character, or putting another amount's key in it, breaks the signature.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from beffroi.core.tenancy import current_municipality_id
from beffroi.payments.models import AmountDue

SALT = "beffroi.payments.amount-due"
# Long enough for the citizen to find the email again, short enough that an
# old email found later opens nothing; a new link is on the tracking page.
LINK_MAX_AGE = datetime.timedelta(days=30)


class LinkRefused(Exception):
    """A link that opens nothing; ``expired`` tells why (else: altered or unknown)."""

    def __init__(self, *, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def amount_due_token(amount_due: AmountDue) -> str:
    return signing.TimestampSigner(salt=SALT).sign(amount_due.key.hex)


def amount_due_url(amount_due: AmountDue, *, absolute: bool = False) -> str:
    path = reverse("portal:amount_due", args=[amount_due_token(amount_due)])
    return settings.SITE_URL + path if absolute else path


def amount_due_from_token(token: str) -> AmountDue:
    """The amount the token names, in this municipality; ``LinkRefused`` otherwise."""
    signer = signing.TimestampSigner(salt=SALT)
    try:
        key = signer.unsign(token, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise LinkRefused(expired=True) from None
    except signing.BadSignature:
        raise LinkRefused(expired=False) from None
    amounts = AmountDue.objects.select_related("case__procedure", "case__service")
    municipality_id = current_municipality_id()
    if municipality_id is not None:
        amounts = amounts.filter(municipality_id=municipality_id)
    amount_due = amounts.filter(key=key).first() if len(key) == 32 else None
    if amount_due is None:
        raise LinkRefused(expired=False)
    return amount_due


@dataclass(frozen=True)
class AmountDueLink:
    amount_due: AmountDue
    url: str


def amount_due_links(amounts: list[AmountDue]) -> list[AmountDueLink]:
    """Each amount with a fresh link to its page (a page the applicant may open)."""
    return [AmountDueLink(amount_due=a, url=amount_due_url(a)) for a in amounts]
