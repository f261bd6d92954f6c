"""Who acts: the type every service takes as ``actor``."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser

from beffroi.accounts.models import User

# A logged-in citizen or agent, a visitor without an account (filing or
# following a request with its tracking code), or None: the system itself
# (timers, periodic jobs, imports).
Actor: TypeAlias = User | AnonymousUser | None


def actor_user(actor: Actor) -> User | None:
    """The account behind ``actor``, None for a visitor or the system."""
    return actor if isinstance(actor, User) and actor.is_authenticated else None
