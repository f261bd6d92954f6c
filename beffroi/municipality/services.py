from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils.translation import gettext as _

from beffroi.audit.services import audit_event_record
from beffroi.core.actors import AnyActor
from beffroi.core.revisions import MUNICIPALITY, revision_bump
from beffroi.core.tenancy import current_municipality_id, municipality_scope
from beffroi.municipality.config import SECRET_FIELDS
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
from beffroi.municipality.selectors import directory_forget, forget_seats
from beffroi.municipality.validators import validate_host

# Fields of Municipality an administrator may change.
MUNICIPALITY_FIELDS = frozenset(
    f.name
    for f in Municipality._meta.get_fields()
    if getattr(f, "editable", False) and f.name != "id"
)


@transaction.atomic
def municipality_update(*, actor: AnyActor, values: dict[str, Any]) -> Municipality:
    unknown = set(values) - MUNICIPALITY_FIELDS
    if unknown:
        raise ValueError(f"Unknown municipality fields: {sorted(unknown)}")
    municipality_id = current_municipality_id()
    municipality = (
        None
        if municipality_id is None
        else Municipality.objects.select_for_update().filter(pk=municipality_id).first()
    )
    creating = municipality is None
    if municipality is None:
        municipality = Municipality()
    for name, value in values.items():
        setattr(municipality, name, value)
    municipality.full_clean()
    if creating:
        municipality.save()
    else:
        municipality.save(update_fields=sorted(values))
    audit_event_record(
        actor=actor,
        action="municipality.created" if creating else "municipality.updated",
        target=municipality,
        data={"fields": sorted(values)},
    )
    revision_bump(key=MUNICIPALITY)
    return municipality


# Fields of MunicipalityConfig that may be set (its municipality never moves).
CONFIG_FIELDS = frozenset(
    f.name
    for f in MunicipalityConfig._meta.get_fields()
    if getattr(f, "editable", False) and f.name not in {"id", "municipality", "updated_at"}
)


@transaction.atomic
def municipality_config_update(
    *, actor: AnyActor, municipality_id: int, values: dict[str, Any]
) -> MunicipalityConfig:
    """Set some of a municipality's settings; the journal names the fields
    changed, never a secret's value."""
    unknown = set(values) - CONFIG_FIELDS
    if unknown:
        raise ValueError(f"Unknown municipality config fields: {sorted(unknown)}")
    # The journal's event and the revision are the municipality's own.
    with municipality_scope(municipality_id):
        return _config_update(actor=actor, municipality_id=municipality_id, values=values)


def _config_update(
    *, actor: AnyActor, municipality_id: int, values: dict[str, Any]
) -> MunicipalityConfig:
    Municipality.objects.select_for_update().get(pk=municipality_id)
    config, created = MunicipalityConfig.all_municipalities.get_or_create(
        municipality_id=municipality_id
    )
    changed = sorted(name for name, value in values.items() if getattr(config, name) != value)
    if not changed and not created:
        return config
    for name in changed:
        setattr(config, name, values[name])
    config.full_clean()
    config.save(update_fields=[*changed, "updated_at"] if changed else None)
    audit_event_record(
        actor=actor,
        action="municipality.config_updated",
        target=config,
        data={
            "fields": [name for name in changed if name not in SECRET_FIELDS],
            "secrets_changed": [name for name in changed if name in SECRET_FIELDS],
        },
    )
    # The settings are cached under the municipality's revision.
    revision_bump(key=MUNICIPALITY)
    return config


@transaction.atomic
def municipality_config_secrets_rotate(*, actor: AnyActor) -> int:
    """Encrypt every municipality's secrets again under the first of
    BEFFROI_SECRETS_KEYS (read with any of them), so an old key can go."""
    rows = list(MunicipalityConfig.all_municipalities.select_for_update().order_by("pk"))
    for config in rows:
        # Read decrypted with any key, written encrypted with the first one.
        config.save(update_fields=list(SECRET_FIELDS))
        with municipality_scope(config.municipality_id):
            audit_event_record(
                actor=actor, action="municipality.config_secrets_rotated", target=config
            )
    return len(rows)


@transaction.atomic
def service_upsert(*, actor: AnyActor, code: str, values: dict[str, Any]) -> Service:
    service, created = Service.objects.select_for_update().get_or_create(code=code, defaults=values)
    if not created:
        changed = [name for name, value in values.items() if getattr(service, name) != value]
        if not changed:
            return service
        for name in changed:
            setattr(service, name, values[name])
        service.full_clean()
        service.save(update_fields=changed)
    audit_event_record(
        actor=actor,
        action="service.created" if created else "service.updated",
        target=service,
        data={"code": code},
    )
    return service


@transaction.atomic
def membership_grant(*, actor: AnyActor, user: Any, service: Service, role: str) -> Membership:
    membership, created = Membership.objects.get_or_create(user=user, service=service, role=role)
    if created:
        audit_event_record(
            actor=actor,
            action="membership.granted",
            target=membership,
            data={"user_id": user.pk, "service": service.code, "role": role},
        )
        forget_seats(user)
    return membership


def municipality_registration_check(*, slug: str, name: str, hosts: list[str]) -> list[str]:
    """The normalised hosts, or a ValidationError naming every wrong input in French."""
    errors: dict[str, list[str]] = {}
    try:
        validate_slug(slug)
    except ValidationError:
        errors.setdefault("slug", []).append(
            _(
                "L'identifiant « %(slug)s » ne peut contenir que des lettres sans accent, des chiffres et des tirets."
            )
            % {"slug": slug}
        )
    else:
        if Municipality.objects.filter(slug=slug).exists():
            errors.setdefault("slug", []).append(
                _("L'identifiant « %(slug)s » est déjà celui d'une autre commune.") % {"slug": slug}
            )
    if not name.strip():
        errors.setdefault("name", []).append(_("Indiquez le nom de la commune."))
    normalised: list[str] = []
    for raw in hosts:
        host = normalise_host(raw)
        if not host or host in normalised:
            continue
        try:
            validate_host(host)
        except ValidationError as error:
            errors.setdefault("hosts", []).extend(error.messages)
            continue
        normalised.append(host)
    if not normalised and "hosts" not in errors:
        errors.setdefault("hosts", []).append(_("Indiquez au moins une adresse du guichet."))
    taken = sorted(
        MunicipalityHost.objects.filter(host__in=normalised).values_list("host", flat=True)
    )
    for host in taken:
        errors.setdefault("hosts", []).append(
            _("L'adresse « %(host)s » est déjà celle d'une autre commune.") % {"host": host}
        )
    if errors:
        raise ValidationError(errors)
    return normalised


@transaction.atomic
def municipality_register(
    *, actor: AnyActor, slug: str, name: str, hosts: list[str]
) -> Municipality:
    """Record a new municipality and the hosts its portal answers on."""
    normalised = municipality_registration_check(slug=slug, name=name, hosts=hosts)
    municipality = Municipality(slug=slug, name=name.strip())
    municipality.full_clean()
    municipality.save()
    MunicipalityHost.objects.bulk_create(
        [MunicipalityHost(municipality=municipality, host=host) for host in normalised]
    )
    # bulk_create sends no post_save: the router must learn the new hosts.
    directory_forget()
    # In the new municipality's own journal, as what follows in its scope.
    with municipality_scope(municipality.pk):
        audit_event_record(
            actor=actor,
            action="municipality.created",
            target=municipality,
            data={"slug": slug, "hosts": normalised},
        )
    return municipality


@transaction.atomic
def municipality_hosts_add(
    *, actor: AnyActor, municipality: Municipality, hosts: list[str]
) -> list[str]:
    """More hosts for a municipality's portal; those it has already are kept.

    Returns the hosts added (none when it had them all), or raises a
    ValidationError naming every wrong or taken host in French.
    """
    own = set(municipality.hosts.values_list("host", flat=True))
    wanted = [
        host for host in dict.fromkeys(normalise_host(raw) for raw in hosts) if host not in own
    ]
    errors: list[str] = []
    for host in wanted:
        try:
            validate_host(host)
        except ValidationError as error:
            errors.extend(error.messages)
    for host in sorted(
        MunicipalityHost.objects.filter(host__in=wanted).values_list("host", flat=True)
    ):
        errors.append(
            _("L'adresse « %(host)s » est déjà celle d'une autre commune.") % {"host": host}
        )
    if errors:
        raise ValidationError({"hosts": errors})
    if not wanted:
        return []
    MunicipalityHost.objects.bulk_create(
        [MunicipalityHost(municipality=municipality, host=host) for host in wanted]
    )
    directory_forget()  # bulk_create sends no post_save
    with municipality_scope(municipality.pk):
        audit_event_record(
            actor=actor,
            action="municipality.hosts_added",
            target=municipality,
            data={"hosts": wanted},
        )
    return wanted


@transaction.atomic
def municipality_suspend(*, actor: AnyActor, municipality: Municipality, reason: str) -> bool:
    """Its portal and back-office answer « service suspendu » (False if it was already)."""
    return _suspension_set(actor=actor, municipality=municipality, suspended=True, reason=reason)


@transaction.atomic
def municipality_resume(*, actor: AnyActor, municipality: Municipality, reason: str = "") -> bool:
    """Its hosts serve it again (False if it was not suspended)."""
    return _suspension_set(actor=actor, municipality=municipality, suspended=False, reason=reason)


def _suspension_set(
    *, actor: AnyActor, municipality: Municipality, suspended: bool, reason: str
) -> bool:
    locked = Municipality.objects.select_for_update().get(pk=municipality.pk)
    if locked.is_suspended == suspended:
        return False
    locked.is_suspended = suspended
    locked.save(update_fields=["is_suspended"])  # post_save clears the router's directory
    municipality.is_suspended = suspended
    with municipality_scope(locked.pk):  # in the municipality's own journal
        audit_event_record(
            actor=actor,
            action="municipality.suspended" if suspended else "municipality.resumed",
            target=locked,
            data={"reason": reason},
        )
    return True


# --- Partner zones (the cooperative's) ----------------------------------------------------
#
# A zone is the installation's; what it may see is each commune's business, so
# a change of its agents or services is journaled in the journal of every
# commune it serves (each in its own scope). Its creation and renaming, which
# open nothing of any commune, go to the journal of the work at hand.


def _zone_communes_journal(
    *, zone: PartnerZone, actor: AnyActor, action: str, data: dict[str, Any]
) -> None:
    communes = sorted(set(zone.links.values_list("commune_id", flat=True)))
    if not communes:
        # A zone that serves no commune yet: the journal of the work at hand.
        audit_event_record(actor=actor, action=action, target=zone, data=data)
    for commune_id in communes:
        with municipality_scope(commune_id):
            audit_event_record(actor=actor, action=action, target=zone, data=data)


def partner_zone_check(*, name: str, slug: str, zone: PartnerZone | None = None) -> None:
    """A ValidationError naming each wrong input in French, if any."""
    errors: dict[str, list[str]] = {}
    name = name.strip()
    slug = slug.strip()
    others = PartnerZone.objects.exclude(pk=zone.pk) if zone is not None else PartnerZone.objects
    if not name:
        errors["name"] = [
            _("Indiquez le nom de la zone, par exemple « Zone de police du Tournaisis ».")
        ]
    elif others.filter(name__iexact=name).exists():
        errors["name"] = [_("Une autre zone s'appelle déjà « %(name)s ».") % {"name": name}]
    try:
        validate_slug(slug)
    except ValidationError:
        errors["slug"] = [
            _(
                "L'identifiant « %(slug)s » ne peut contenir que des lettres sans accent, "
                "des chiffres et des tirets."
            )
            % {"slug": slug}
        ]
    else:
        if others.filter(slug=slug).exists():
            errors["slug"] = [
                _("L'identifiant « %(slug)s » est déjà celui d'une autre zone.") % {"slug": slug}
            ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def partner_zone_save(
    *,
    actor: AnyActor,
    name: str,
    slug: str,
    is_active: bool = True,
    zone: PartnerZone | None = None,
) -> PartnerZone:
    """Create a partner zone, or change its name, identifier or activity.

    Raises a ValidationError naming each wrong input in French.
    """
    partner_zone_check(name=name, slug=slug, zone=zone)
    name = name.strip()
    slug = slug.strip()
    creating = zone is None
    if zone is None:
        zone = PartnerZone(name=name, slug=slug, is_active=is_active)
        zone.save()
        changed = ["name", "slug", "is_active"]
    else:
        zone = PartnerZone.objects.select_for_update().get(pk=zone.pk)
        values = {"name": name, "slug": slug, "is_active": is_active}
        changed = sorted(key for key, value in values.items() if getattr(zone, key) != value)
        if not changed:
            return zone
        for key in changed:
            setattr(zone, key, values[key])
        zone.save(update_fields=changed)
    audit_event_record(
        actor=actor,
        action="partner_zone.created" if creating else "partner_zone.updated",
        target=zone,
        data={"slug": zone.slug, "fields": changed},
    )
    if not creating and "is_active" in changed:
        # Whether its agents see the communes' opinions: each commune's business.
        _zone_communes_journal(
            zone=zone,
            actor=actor,
            action="partner_zone.activated" if is_active else "partner_zone.deactivated",
            data={"slug": zone.slug},
        )
    return zone


@transaction.atomic
def partner_zone_member_add(*, actor: AnyActor, zone: PartnerZone, email: str) -> PartnerZoneMember:
    """Make the account with this address an agent of the zone (its seats in
    the communes' services, if any, are unchanged)."""
    user_model = get_user_model()
    address = email.strip().lower()
    user = user_model.objects.filter(email__iexact=address).first() if address else None
    if user is None:
        raise ValidationError(
            {
                "email": [
                    _(
                        "Aucun compte n'a l'adresse « %(email)s » : la personne doit d'abord "
                        "créer son compte sur l'e-guichet, ou une commune le lui créer."
                    )
                    % {"email": address}
                    if address
                    else _("Indiquez l'adresse e-mail de l'agent.")
                ]
            }
        )
    member, created = PartnerZoneMember.objects.get_or_create(zone=zone, user=user)
    if not created:
        raise ValidationError(
            {"email": [_("%(email)s est déjà agent de cette zone.") % {"email": user.email}]}
        )
    _zone_communes_journal(
        zone=zone,
        actor=actor,
        action="partner_zone.member_added",
        data={"slug": zone.slug, "user_id": user.pk},
    )
    forget_seats(user)
    return member


@transaction.atomic
def partner_zone_member_remove(*, actor: AnyActor, member: PartnerZoneMember) -> None:
    zone, user = member.zone, member.user
    deleted, _rows = PartnerZoneMember.objects.filter(pk=member.pk).delete()
    if deleted:
        _zone_communes_journal(
            zone=zone,
            actor=actor,
            action="partner_zone.member_removed",
            data={"slug": zone.slug, "user_id": user.pk},
        )
        forget_seats(user)


@transaction.atomic
def partner_zone_service_link(
    *, actor: AnyActor, zone: PartnerZone, commune: Municipality, service_code: str
) -> PartnerZoneService:
    """The commune's partner service ``service_code`` stands for the zone there:
    the opinions the commune asks of it are the zone's agents' to give."""
    code = service_code.strip()
    with municipality_scope(commune.pk):
        service = Service.objects.filter(code=code).first() if code else None
        if service is None:
            raise ValidationError(
                {
                    "service_code": [
                        _("La commune %(commune)s n'a pas de service « %(code)s ».")
                        % {"commune": commune.name, "code": code}
                        if code
                        else _("Indiquez le code du service de la commune, par exemple « police ».")
                    ]
                }
            )
        if service.kind != Service.Kind.PARTNER:
            raise ValidationError(
                {
                    "service_code": [
                        _(
                            "Le service « %(service)s » de %(commune)s est un service communal : "
                            "seul un partenaire externe peut être rattaché à une zone."
                        )
                        % {"service": service.name, "commune": commune.name}
                    ]
                }
            )
        taken = PartnerZoneService.objects.filter(service=service).select_related("zone").first()
        if taken is not None:
            raise ValidationError(
                {
                    "service_code": [
                        _(
                            "Le service « %(service)s » de %(commune)s est déjà rattaché à « %(zone)s »."
                        )
                        % {
                            "service": service.name,
                            "commune": commune.name,
                            "zone": taken.zone.name,
                        }
                    ]
                }
            )
        link = PartnerZoneService.objects.create(zone=zone, commune=commune, service=service)
        audit_event_record(
            actor=actor,
            action="partner_zone.service_linked",
            target=zone,
            data={
                "slug": zone.slug,
                "service": service.code,
                "service_id": service.pk,
                # Who may now see the commune's opinions asked of this service.
                "member_ids": sorted(zone.members.values_list("user_id", flat=True)),
            },
        )
    return link


@transaction.atomic
def partner_zone_service_unlink(*, actor: AnyActor, link: PartnerZoneService) -> None:
    """The service stops standing for the zone: its opinions are its own members' again."""
    zone, commune_id, service_id = link.zone, link.commune_id, link.service_id
    deleted, _rows = PartnerZoneService.objects.filter(pk=link.pk).delete()
    if deleted:
        with municipality_scope(commune_id):
            audit_event_record(
                actor=actor,
                action="partner_zone.service_unlinked",
                target=zone,
                data={"slug": zone.slug, "service_id": service_id},
            )
