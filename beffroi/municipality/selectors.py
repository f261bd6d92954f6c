from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches

from beffroi.core.revisions import MUNICIPALITY, revisions_current
from beffroi.municipality.models import Membership, Municipality, Service


def current_municipality(*, revision: int | None = None) -> Municipality:
    """The city's identity, cached in this process until its revision changes."""
    if revision is None:
        revision = revisions_current(MUNICIPALITY)[MUNICIPALITY]
    cache = caches["fragments"]
    key = f"municipality:{revision}"
    municipality: Municipality | None = cache.get(key)
    if municipality is None:
        municipality = Municipality.objects.order_by("pk").first() or Municipality(
            name=settings.BEFFROI_MUNICIPALITY_NAME
        )
        cache.set(key, municipality, timeout=None)
    return municipality


def services_active() -> list[Service]:
    return list(Service.objects.filter(is_active=True).order_by("name"))


@dataclass(frozen=True)
class Seat:
    """One of an agent's places: a service, known by id and code, and a role there."""

    service_id: int
    service_code: str
    role: str


def seats_of(user: Any) -> tuple[Seat, ...]:
    """The user's memberships, read once per request and kept on the user object.

    Every back-office page asks several times (is this an agent, which
    services, a mail clerk, the College's secretariat?): one query answers all.
    """
    cached: tuple[Seat, ...] | None = getattr(user, "_seats", None)
    if cached is None:
        cached = (
            tuple(
                Seat(service_id, code, role)
                for service_id, code, role in Membership.objects.filter(user=user)
                .order_by("service_id", "role")
                .values_list("service_id", "service__code", "role")
            )
            if getattr(user, "pk", None) is not None
            else ()
        )
        user._seats = cached
    return cached


def forget_seats(user: Any) -> None:
    """After a change of the user's memberships, in the same request."""
    for attribute in ("_seats", "is_agent"):  # is_agent: a cached_property
        with contextlib.suppress(AttributeError):
            delattr(user, attribute)


def roles_in(user: Any, service_id: int | None) -> set[str]:
    """The user's roles in one service (none for a visitor or the system)."""
    return {seat.role for seat in seats_of(user) if seat.service_id == service_id}


def is_member(user: Any, service_id: int | None) -> bool:
    """Whether the user has a place in the service: the one answer to "is this agent in it"."""
    return bool(roles_in(user, service_id))


def is_functional_admin(user: Any) -> bool:
    """A functional administrator (of any service): edits the city's texts."""
    return any(seat.role == Membership.Role.FUNCTIONAL_ADMIN for seat in seats_of(user))
