from __future__ import annotations

from typing import Any

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
