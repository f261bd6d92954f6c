"""Who acts, as the apps below ``accounts`` see it (they cannot name its User)."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

# Any account, a visitor without one, or None for the system itself.
# ``beffroi.accounts.actors.Actor`` is the same, narrowed to Beffroi's User.
AnyActor: TypeAlias = AbstractBaseUser | AnonymousUser | None
