"""The case's history: the one place that writes its lines.

Other apps (opinions, the College, the agenda, issued documents) add their
lines through :func:`case_history_add`, in their own service's transaction.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from beffroi.accounts.actors import Actor, actor_user
from beffroi.cases.models import CaseEvent


def case_history_add(
    *,
    case_id: int,
    kind: str,
    text: str,
    actor: Actor = None,
    visible_to_citizen: bool = False,
    at: datetime.datetime | None = None,
) -> CaseEvent:
    """Write one line of a case's history (the system and visitors are no actor)."""
    return CaseEvent.objects.create(
        case_id=case_id,
        kind=kind,
        actor=actor_user(actor),
        text=text,
        visible_to_citizen=visible_to_citizen,
        at=at or timezone.now(),
    )
