"""What a visitor without an account keeps between requests.

Their drafts are listed in a signed cookie of their own (which also opens
the confirmation of the requests filed from them): filing without an
account then needs no session on the server at all, so starting a request
writes nothing but the draft. The cases they unlocked with a code are kept
in their session.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from beffroi.cases.models import Case, Draft

_DRAFTS_COOKIE = "beffroi_drafts"
_DRAFTS_SALT = "beffroi.portal.drafts"
_UNLOCKED = "beffroi_unlocked"
_KEEP = 50  # the most recent ones are enough (and keep the cookie under 2 KB)


def _remember(request: HttpRequest, key: str, value: str | int) -> None:
    items = [item for item in request.session.get(key, []) if item != value]
    request.session[key] = [*items, value][-_KEEP:]


def remember_draft(request: HttpRequest, response: HttpResponse, draft: Draft) -> None:
    """Let this browser come back to ``draft`` (a draft without an owner)."""
    kept = [item for item in session_drafts(request) if item != str(draft.pk)]
    value = ",".join(uuid.UUID(item).hex for item in [*kept, str(draft.pk)][-_KEEP:])
    response.set_signed_cookie(
        _DRAFTS_COOKIE,
        value,
        salt=_DRAFTS_SALT,
        max_age=settings.SESSION_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def session_drafts(request: HttpRequest) -> list[str]:
    """The drafts this browser started without an account (ids as text)."""
    value = request.get_signed_cookie(
        _DRAFTS_COOKIE, default="", salt=_DRAFTS_SALT, max_age=settings.SESSION_COOKIE_AGE
    )
    drafts = []
    for item in (value or "").split(","):
        try:
            drafts.append(str(uuid.UUID(item)))
        except ValueError:
            continue
    return drafts


def unlock_case(request: HttpRequest, case: Case) -> None:
    """The visitor proved they hold the code and the check answers."""
    _remember(request, _UNLOCKED, case.pk)


def unlocked_case_ids(request: HttpRequest) -> set[int]:
    return set(request.session.get(_UNLOCKED, []))
