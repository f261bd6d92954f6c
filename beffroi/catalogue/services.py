from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from beffroi.accounts.actors import Actor
from beffroi.audit.services import audit_event_record
from beffroi.catalogue.definition import ProcedureDefinition, definition_problems
from beffroi.catalogue.loader import (
    SHIPPED_DIR,
    CategoryData,
    DefinitionError,
    ProcedureData,
    read_catalogue,
)
from beffroi.catalogue.models import Category, Procedure, ProcedureVersion
from beffroi.core.revisions import CATALOGUE, revision_bump
from beffroi.municipality.models import Service


@dataclass(frozen=True)
class ImportReport:
    created: list[str]
    updated: list[str]
    unchanged: list[str]
    versions: list[str]


def definition_checksum(definition: dict[str, Any]) -> str:
    canonical = json.dumps(definition, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _known_field_types(procedure: Procedure) -> dict[str, str]:
    """Field id -> type over every published version (later versions win)."""
    types: dict[str, str] = {}
    for definition in procedure.versions.order_by("number").values_list("definition", flat=True):
        types.update(ProcedureDefinition(definition).field_types())
    return types


def procedure_version_publish(
    *, actor: Actor, procedure: Procedure, definition: dict[str, Any], source: str
) -> ProcedureVersion | None:
    """Publish ``definition`` as the procedure's next version, if it changed.

    Returns the new version, or None when the definition is the current one.
    Raises DefinitionError when it does not validate against earlier versions.
    """
    checksum = definition_checksum(definition)
    current = procedure.current_version
    if current is not None and current.checksum == checksum:
        return None
    problems = definition_problems(definition, previous_types=_known_field_types(procedure))
    known_services = set(Service.objects.values_list("code", flat=True))
    for index, rule in enumerate(definition.get("routing", [])):
        if rule.get("service") not in known_services:
            problems.append(f"routing[{index}].service: service inconnu « {rule.get('service')} »")
    if problems:
        raise DefinitionError([f"{source}: {problem}" for problem in problems])
    last = procedure.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=last + 1,
        definition=definition,
        checksum=checksum,
        published_at=timezone.now(),
    )
    procedure.current_version = version
    procedure.save(update_fields=["current_version", "updated_at"])
    audit_event_record(
        actor=actor,
        action="procedure.version_published",
        target=procedure,
        data={"version": version.number, "checksum": checksum},
    )
    return version


def _procedure_values(data: ProcedureData, category: Category, service: Service) -> dict[str, Any]:
    return {
        "category": category,
        "service": service,
        "title": data.title,
        "summary": data.summary,
        "audience": data.audience,
        "prepare": data.prepare,
        "steps": data.steps,
        "fee_amount": data.fee_amount,
        "fee_label": data.fee_label,
        "processing_days": data.processing_days,
        "legal_deadline_days": data.legal_deadline_days,
        "requires_eid": data.eid_required,
        "allows_anonymous": data.anonymous,
        "legal_basis": data.legal_basis,
        "keywords": data.keywords,
        "position": data.position,
    }


@dataclass(frozen=True)
class _Upserted:
    procedure: Procedure
    change: str  # "created", "updated" or ""
    version: ProcedureVersion | None


def _procedure_upsert(
    *, actor: Actor, data: ProcedureData, category: Category, service: Service
) -> _Upserted:
    values = _procedure_values(data, category, service)
    procedure = Procedure.objects.filter(slug=data.slug).first()
    change = ""
    if procedure is None:
        procedure = Procedure.objects.create(slug=data.slug, **values)
        change = "created"
    else:
        changed = [name for name, value in values.items() if getattr(procedure, name) != value]
        if changed:
            for name in changed:
                setattr(procedure, name, values[name])
            procedure.save(update_fields=[*changed, "updated_at"])
            change = "updated"
    if change:
        audit_event_record(
            actor=actor, action=f"procedure.{change}", target=procedure, data={"slug": data.slug}
        )
    version = None
    if data.definition:
        version = procedure_version_publish(
            actor=actor, procedure=procedure, definition=data.definition, source=f"{data.slug}.yaml"
        )
    return _Upserted(procedure=procedure, change=change, version=version)


def _services_of(procedures: list[ProcedureData]) -> dict[str, Service]:
    services = {service.code: service for service in Service.objects.all()}
    missing = sorted(
        f"{p.slug}.yaml: service: service inconnu « {p.service} »"
        for p in procedures
        if p.service not in services
    )
    if missing:
        raise DefinitionError(missing)
    return services


@transaction.atomic
def procedure_import(*, actor: Actor, data: ProcedureData) -> Procedure:
    """Create or update one procedure (its category must exist) from its file."""
    services = _services_of([data])
    category = Category.objects.filter(slug=data.category).first()
    if category is None:
        raise DefinitionError(
            [f"{data.slug}.yaml: category: catégorie inconnue « {data.category} »"]
        )
    result = _procedure_upsert(
        actor=actor, data=data, category=category, service=services[data.service]
    )
    revision_bump(key=CATALOGUE)
    return result.procedure


@transaction.atomic
def catalogue_import(*, actor: Actor, directory: Path = SHIPPED_DIR) -> ImportReport:
    """Create or update categories and procedures from definition files.

    Everything is checked before anything is written: a catalogue with one
    bad file changes nothing.
    """
    categories, procedures = read_catalogue(directory)
    return catalogue_load(actor=actor, categories=categories, procedures=procedures)


@transaction.atomic
def catalogue_load(
    *, actor: Actor, categories: list[CategoryData], procedures: list[ProcedureData]
) -> ImportReport:
    """Create or update the given categories and procedures (already read
    and checked), e.g. a part of the shipped catalogue a municipality offers."""
    services = _services_of(procedures)
    by_slug: dict[str, Category] = {}
    for category_data in categories:
        category, _ = Category.objects.update_or_create(
            slug=category_data.slug,
            defaults={
                "name": category_data.name,
                "description": category_data.description,
                "position": category_data.position,
            },
        )
        by_slug[category_data.slug] = category
    report = ImportReport(created=[], updated=[], unchanged=[], versions=[])
    for data in procedures:
        result = _procedure_upsert(
            actor=actor, data=data, category=by_slug[data.category], service=services[data.service]
        )
        if result.change == "created":
            report.created.append(data.slug)
        elif result.change == "updated":
            report.updated.append(data.slug)
        if result.version is not None:
            report.versions.append(f"{data.slug} v{result.version.number}")
        elif not result.change:
            report.unchanged.append(data.slug)
    revision_bump(key=CATALOGUE)
    return report
