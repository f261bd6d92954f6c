"""What a visitor without an account keeps in their session: their drafts
(which also open the confirmation of the requests filed from them) and the
cases they unlocked with a code."""

from __future__ import annotations

from django.http import HttpRequest

from beffroi.cases.models import Case, Draft

_DRAFTS = "beffroi_drafts"
_UNLOCKED = "beffroi_unlocked"
_KEEP = 50  # the most recent ones are enough


def _remember(request: HttpRequest, key: str, value: str | int) -> None:
    items = [item for item in request.session.get(key, []) if item != value]
    request.session[key] = [*items, value][-_KEEP:]


def remember_draft(request: HttpRequest, draft: Draft) -> None:
    _remember(request, _DRAFTS, str(draft.pk))


def session_drafts(request: HttpRequest) -> list[str]:
    return list(request.session.get(_DRAFTS, []))


def unlock_case(request: HttpRequest, case: Case) -> None:
    """The visitor proved they hold the code and the check answers."""
    _remember(request, _UNLOCKED, case.pk)


def unlocked_case_ids(request: HttpRequest) -> set[int]:
    return set(request.session.get(_UNLOCKED, []))
