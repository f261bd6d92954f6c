from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import caches
from django.db.models import Exists, OuterRef, QuerySet

from beffroi.core.revisions import MUNICIPALITY, revisions_current
from beffroi.core.tenancy import (
    GLOBAL_CACHE_KEY,
    MunicipalityScopeMissing,
    current_municipality_id,
    municipality_scope,
)
from beffroi.municipality.config import PAYMENT_CREDENTIALS, SEAL_SETTINGS
from beffroi.municipality.models import (
    Membership,
    Municipality,
    MunicipalityConfig,
    MunicipalityHost,
    PartnerZone,
    PartnerZoneMember,
    PartnerZoneService,
    Service,
    normalise_host,
)


def current_municipality(*, revision: int | None = None) -> Municipality:
    """The current municipality's identity, cached in this process until its
    revision changes (an unsaved one on an installation not set up yet)."""
    if revision is None:
        revision = revisions_current(MUNICIPALITY)[MUNICIPALITY]
    cache = caches["fragments"]
    key = f"municipality:{revision}"  # the cache's key function adds the municipality
    municipality: Municipality | None = cache.get(key)
    if municipality is None:
        municipality_id = current_municipality_id()
        found = (
            None
            if municipality_id is None
            else Municipality.objects.filter(pk=municipality_id).first()
        )
        municipality = found or Municipality(name=settings.BEFFROI_MUNICIPALITY_NAME)
        cache.set(key, municipality, timeout=None)
    return municipality


@dataclass(frozen=True)
class Config:
    """The current municipality's settings, the installation's where it sets none.

    Holds what the municipality set (blank: nothing); the fallbacks are read
    from the settings when asked. ``values`` holds, by the installation
    setting they stand in for, the provider's and the seal's values it set;
    ``setting()`` answers for any of them.
    """

    counter_hours: str = ""
    own_languages: tuple[str, ...] = ()
    own_email_from: str = ""
    own_payment_provider: str = ""
    own_seal_backend: str = ""
    values: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def languages(self) -> tuple[str, ...]:
        """The portal's languages: those offered here that the installation has."""
        known = {code for code, _name in settings.LANGUAGES}
        offered = tuple(code for code in self.own_languages if code in known)
        return offered or (settings.LANGUAGE_CODE,)

    @property
    def email_from(self) -> str:
        return self.own_email_from or str(settings.DEFAULT_FROM_EMAIL)

    @property
    def payment_provider(self) -> str:
        return self.own_payment_provider or str(settings.PAYMENT_PROVIDER)

    @property
    def seal_backend(self) -> str:
        return self.own_seal_backend or str(settings.SEAL_BACKEND)

    def setting(self, name: str) -> Any:
        """A provider's or the seal's setting (``MOLLIE_API_KEY``, ``SEAL_PKCS12_FILE``…)."""
        if name in self.values:
            return self.values[name]
        return getattr(settings, name)


def _config_values(row: MunicipalityConfig) -> dict[str, str]:
    values: dict[str, str] = {}
    for names in PAYMENT_CREDENTIALS.values():
        own = {name: str(getattr(row, name.lower())) for name in names}
        # All of a provider's values or none: never a key of one account
        # with the webhook secret of another.
        if any(own.values()):
            values.update(own)
    if row.seal_backend:
        values.update({name: str(getattr(row, name.lower())) for name in SEAL_SETTINGS})
    return values


def config_of(row: MunicipalityConfig | None) -> Config:
    if row is None:
        return Config()
    return Config(
        counter_hours=row.counter_hours,
        own_languages=tuple(str(code) for code in row.languages),
        own_email_from=row.email_from,
        own_payment_provider=row.payment_provider,
        own_seal_backend=row.seal_backend,
        values=_config_values(row),
    )


def municipality_config_row() -> MunicipalityConfig | None:
    municipality_id = current_municipality_id()
    if municipality_id is None:
        return None
    return MunicipalityConfig.objects.filter(municipality_id=municipality_id).first()


def municipality_config(*, revision: int | None = None) -> Config:
    """The current municipality's settings, kept in this process (never in a
    shared cache: they hold its secrets in clear) until its revision changes."""
    if revision is None:
        revision = revisions_current(MUNICIPALITY)[MUNICIPALITY]
    cache = caches["fragments"]
    key = f"municipality-config:{revision}"  # the key function adds the municipality
    config: Config | None = cache.get(key)
    if config is None:
        config = config_of(municipality_config_row())
        cache.set(key, config, timeout=None)
    return config


@dataclass(frozen=True)
class Directory:
    """The installation's municipalities as the request router needs them."""

    by_host: dict[str, int]
    by_slug: dict[str, int]
    suspended: frozenset[int]
    ids: tuple[int, ...]
    read_at: float = 0.0  # time.time() of its reading


DIRECTORY_KEY = f"{GLOBAL_CACHE_KEY}municipality-directory"
# Bumped by every change: the host routes read before it are forgotten.
DIRECTORY_GENERATION_KEY = f"{GLOBAL_CACHE_KEY}municipality-directory-generation"


def municipality_directory() -> Directory:
    """Every municipality's hosts, kept in this process: a change clears it
    here at once (``directory_forget``) and in the others within
    ``BEFFROI_MUNICIPALITY_DIRECTORY_FRESH_S``."""
    cache = caches["fragments"]
    directory: Directory | None = cache.get(DIRECTORY_KEY)
    if directory is None:
        rows = list(Municipality.objects.order_by("pk").values_list("pk", "slug", "is_suspended"))
        directory = Directory(
            # In the order recorded: a municipality's first host is its address.
            by_host=dict(
                MunicipalityHost.objects.order_by("pk").values_list("host", "municipality_id")
            ),
            by_slug={slug: pk for pk, slug, _ in rows if slug},
            suspended=frozenset(pk for pk, _, suspended in rows if suspended),
            ids=tuple(pk for pk, _, _ in rows),
            read_at=time.time(),
        )
        cache.set(DIRECTORY_KEY, directory, timeout=settings.BEFFROI_MUNICIPALITY_DIRECTORY_FRESH_S)
    return directory


def directory_forget(**_: Any) -> None:
    """A municipality or a host changed (connected to their save and delete)."""
    cache = caches["fragments"]
    cache.delete(DIRECTORY_KEY)
    try:
        cache.incr(DIRECTORY_GENERATION_KEY)
    except ValueError:  # not set yet, or expired
        cache.set(DIRECTORY_GENERATION_KEY, 1, timeout=None)


@dataclass(frozen=True)
class HostRoute:
    """What a request's router needs to know of its host."""

    municipality_id: int | None
    suspended: bool
    installation_has_municipalities: bool


def host_route(host: str) -> HostRoute:
    """The directory's answer for one host, kept in this process as long as
    the directory it was read from, and forgotten with it.

    The per-process cache unpickles what it returns: a few bytes per request
    here, where the whole directory (every municipality's hosts: some 36 KB
    for 300) cost about half a millisecond each time.
    """
    cache = caches["fragments"]
    generation = cache.get(DIRECTORY_GENERATION_KEY, 0)
    key = f"{GLOBAL_CACHE_KEY}host-route:{generation}:{normalise_host(host)}"
    route: HostRoute | None = cache.get(key)
    if route is None:
        directory = municipality_directory()
        municipality_id = municipality_for_host(host, directory=directory)
        route = HostRoute(
            municipality_id=municipality_id,
            suspended=municipality_id in directory.suspended,
            installation_has_municipalities=bool(directory.ids),
        )
        fresh_for = (
            directory.read_at + settings.BEFFROI_MUNICIPALITY_DIRECTORY_FRESH_S - time.time()
        )
        if fresh_for > 0:
            cache.set(key, route, timeout=fresh_for)
    return route


def municipality_for_host(host: str, *, directory: Directory | None = None) -> int | None:
    """The municipality a request's host names; the fallback (``MUNICIPALITY_FALLBACK``,
    or the sole municipality of a lone city's installation) for any other host."""
    directory = directory or municipality_directory()
    found = directory.by_host.get(normalise_host(host))
    if found is not None:
        return found
    if settings.MUNICIPALITY_FALLBACK:
        return directory.by_slug.get(settings.MUNICIPALITY_FALLBACK)
    return directory.ids[0] if len(directory.ids) == 1 else None


def active_municipality_ids() -> tuple[int, ...]:
    """The municipalities background work runs for (a suspended one's waits)."""
    directory = municipality_directory()
    return tuple(pk for pk in directory.ids if pk not in directory.suspended)


def municipalities_having(rows: QuerySet[Any]) -> list[int]:
    """The active municipalities some of ``rows`` (read through a model's
    ``all_municipalities``) belong to, in one query: a periodic job's
    ``pending`` (core/periodic.py).

    One ``EXISTS`` per municipality, each filtered on its id: the indexes that
    lead with the municipality (due timers, e-mails to send) answer each in a
    probe, where a ``DISTINCT`` over every municipality's rows would read them
    all. Outside any scope, so on PostgreSQL it sees across municipalities only
    for a role that row-level security lets (``core.periodic`` checks).
    """
    return list(
        Municipality.objects.filter(pk__in=active_municipality_ids())
        .filter(Exists(rows.filter(municipality_id=OuterRef("pk"))))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def municipality_site_url() -> str:
    """The current municipality's portal address, for links that leave the
    site (a provider's webhook, the payer's way back): ``SITE_URL`` when its
    host is the municipality's or it has none, else its first host on
    ``SITE_URL``'s scheme and port."""
    site = urlsplit(settings.SITE_URL)
    municipality_id = current_municipality_id()
    directory = municipality_directory()
    site_host = normalise_host(site.hostname or "")
    if municipality_id is None or directory.by_host.get(site_host) == municipality_id:
        return str(settings.SITE_URL)
    own = [host for host, owner in directory.by_host.items() if owner == municipality_id]
    if not own:
        return str(settings.SITE_URL)
    port = f":{site.port}" if site.port else ""
    return f"{site.scheme}://{own[0]}{port}"


def sole_municipality_id() -> int | None:
    """The municipality of work that names none: the lone city's, None before
    one is recorded; an installation with several must always say which."""
    ids = municipality_directory().ids
    if len(ids) > 1:
        raise MunicipalityScopeMissing(
            "This installation serves several municipalities: run the work inside "
            "municipality_scope(...)."
        )
    return ids[0] if ids else None


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
    # is_agent and is_zone_agent: cached properties of the user.
    for attribute in ("_seats", "_zone_seats", "is_agent", "is_zone_agent"):
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


# --- Partner zones ------------------------------------------------------------------------


@dataclass(frozen=True)
class ZoneSeat:
    """A zone the user is an agent of, and one commune's service it stands for
    there (``commune_id`` and ``service_id`` None: a zone linked to no commune yet)."""

    zone_id: int
    zone_name: str
    zone_slug: str
    commune_id: int | None
    commune_name: str
    service_id: int | None


def zone_seats_of(user: Any) -> tuple[ZoneSeat, ...]:
    """The user's seats in active partner zones, with the communes' services
    each stands for, read in one query (installation-wide tables: the same
    answer in every municipality's scope) and kept on the user object.

    A suspended commune's services are left out, as its back-office is.
    """
    cached: tuple[ZoneSeat, ...] | None = getattr(user, "_zone_seats", None)
    if cached is None:
        if getattr(user, "pk", None) is None or not getattr(user, "is_active", True):
            cached = ()
        else:
            rows = (
                PartnerZoneMember.objects.filter(user_id=user.pk, zone__is_active=True)
                .order_by("zone__name", "zone__links__commune__name", "zone__links__service_id")
                .values_list(
                    "zone_id",
                    "zone__name",
                    "zone__slug",
                    "zone__links__commune_id",
                    "zone__links__commune__name",
                    "zone__links__service_id",
                    "zone__links__commune__is_suspended",
                )
            )
            cached = tuple(
                ZoneSeat(zone_id, name, slug, None, "", None)
                if suspended
                else ZoneSeat(zone_id, name, slug, commune_id, commune_name or "", service_id)
                for zone_id, name, slug, commune_id, commune_name, service_id, suspended in rows
            )
        user._zone_seats = cached
    return cached


def is_zone_agent(user: Any) -> bool:
    """Whether the user is an agent of an active partner zone."""
    return bool(zone_seats_of(user))


@dataclass(frozen=True)
class ZoneCommune:
    """A commune a user's zones serve, with the services that stand for them there."""

    commune_id: int
    commune_name: str
    service_ids: frozenset[int]


def zone_communes_of(user: Any) -> list[ZoneCommune]:
    """The communes the user's zones serve, by name."""
    by_commune: dict[int, tuple[str, set[int]]] = {}
    for seat in zone_seats_of(user):
        if seat.commune_id is None or seat.service_id is None:
            continue
        by_commune.setdefault(seat.commune_id, (seat.commune_name, set()))[1].add(seat.service_id)
    communes = [
        ZoneCommune(commune_id, name, frozenset(service_ids))
        for commune_id, (name, service_ids) in by_commune.items()
    ]
    return sorted(communes, key=lambda commune: (commune.commune_name, commune.commune_id))


def zone_commune_of(user: Any, commune_id: int) -> ZoneCommune | None:
    """One of the communes the user's zones serve (None: not one of them)."""
    return next((c for c in zone_communes_of(user) if c.commune_id == commune_id), None)


def advises_for_zone(user: Any, service_id: int | None) -> bool:
    """Whether the user is an agent of a zone this service stands for."""
    return service_id is not None and any(
        seat.service_id == service_id for seat in zone_seats_of(user)
    )


def partner_services_by_commune() -> list[tuple[Municipality, list[Service]]]:
    """Every commune's active partner services, each commune read in its own
    scope (the cooperative's form that links a service to a zone)."""
    found = []
    for municipality in Municipality.objects.order_by("name", "pk"):
        with municipality_scope(municipality.pk):
            services = list(
                Service.objects.filter(kind=Service.Kind.PARTNER, is_active=True).order_by("name")
            )
        found.append((municipality, services))
    return found


@dataclass(frozen=True)
class ZoneLink:
    link: PartnerZoneService
    commune_name: str
    service_name: str
    service_code: str


def zone_links_described(zone: PartnerZone) -> list[ZoneLink]:
    """The zone's services with their names, read in each commune's scope."""
    links = list(zone.links.select_related("commune").order_by("commune__name", "pk"))
    names: dict[int, tuple[str, str]] = {}
    for commune_id in sorted({link.commune_id for link in links}):
        with municipality_scope(commune_id):
            rows = Service.objects.filter(
                pk__in=[link.service_id for link in links if link.commune_id == commune_id]
            ).values_list("pk", "name", "code")
            names.update({pk: (name, code) for pk, name, code in rows})
    return [
        ZoneLink(link, link.commune.name, *names.get(link.service_id, ("—", ""))) for link in links
    ]


def zone_link_of_service(service_id: int) -> PartnerZoneService | None:
    """The zone a commune's service stands for, if any (and active)."""
    return (
        PartnerZoneService.objects.filter(service_id=service_id, zone__is_active=True)
        .select_related("zone")
        .first()
    )
