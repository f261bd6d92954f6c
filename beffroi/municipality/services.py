from __future__ import annotations

from typing import Any

from django.db import transaction

from beffroi.audit.services import audit_event_record
from beffroi.core.actors import AnyActor
from beffroi.core.revisions import MUNICIPALITY, revision_bump
from beffroi.core.tenancy import current_municipality_id, municipality_scope
from beffroi.municipality.config import SECRET_FIELDS
from beffroi.municipality.models import Membership, Municipality, MunicipalityConfig, Service
from beffroi.municipality.selectors import forget_seats

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
    config, created = MunicipalityConfig.objects.get_or_create(municipality_id=municipality_id)
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
    rows = list(MunicipalityConfig.objects.select_for_update().order_by("pk"))
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
