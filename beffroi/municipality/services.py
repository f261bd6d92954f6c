from __future__ import annotations

from typing import Any

from django.db import transaction

from beffroi.audit.services import audit_event_record
from beffroi.core.actors import AnyActor
from beffroi.core.revisions import MUNICIPALITY, revision_bump
from beffroi.core.tenancy import current_municipality_id
from beffroi.municipality.models import Membership, Municipality, Service
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
