from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from beffroi.accounts.actors import Actor, actor_user
from beffroi.accounts.models import User
from beffroi.audit.services import audit_event_record
from beffroi.catalogue.definition import ProcedureDefinition, definition_problems
from beffroi.catalogue.loader import (
    SHIPPED_DIR,
    CategoryData,
    DefinitionError,
    ProcedureData,
    parse_procedure,
    read_catalogue,
)
from beffroi.catalogue.models import (
    Category,
    Procedure,
    ProcedureTemplate,
    ProcedureTemplateVersion,
    ProcedureVersion,
    TemplateAdoption,
)
from beffroi.catalogue.selectors import template_version_as_file
from beffroi.core.revisions import CATALOGUE, revision_bump
from beffroi.core.tenancy import current_municipality_id, municipality_scope
from beffroi.municipality.models import Membership, Municipality, Service
from beffroi.municipality.selectors import municipality_site_url
from beffroi.notifications.services import email_queue


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


def _catalogue_fields(data: ProcedureData) -> dict[str, Any]:
    """What the catalogue shows of a procedure file: a procedure's fields, and
    a template version's."""
    return {
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


def _procedure_values(data: ProcedureData, category: Category, service: Service) -> dict[str, Any]:
    return {"category": category, "service": service, **_catalogue_fields(data)}


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


# -- The cooperative's shared templates ------------------------------------------------


@dataclass(frozen=True)
class TemplatePublication:
    template: ProcedureTemplate
    version: ProcedureTemplateVersion
    is_new_version: bool
    municipalities_told: int


def _template_version_values(data: ProcedureData) -> dict[str, Any]:
    return {
        **_catalogue_fields(data),
        "suggested_category": data.category,
        "suggested_service": data.service,
        "definition": data.definition,
    }


def template_parse(*, data: Any, source: str) -> ProcedureData:
    """A template file checked like a shipped procedure's (DefinitionError in French)."""
    return parse_procedure(data, source)


@transaction.atomic
def template_publish(*, actor: Actor, data: Any, source: str) -> TemplatePublication:
    """Publish a template file (the shipped format) as its template's next version.

    The file is checked like a shipped procedure's; a file equal to the latest
    version (same checksum over texts and definition) publishes nothing. A new
    version of a template municipalities adopted tells each of them: their
    functional administrators are emailed once it commits, and each
    municipality's journal records it.
    """
    parsed = template_parse(data=data, source=source)
    values = _template_version_values(parsed)
    checksum = definition_checksum(template_version_as_file(ProcedureTemplateVersion(**values)))
    template = ProcedureTemplate.objects.select_for_update().filter(slug=parsed.slug).first()
    if template is None:
        template = ProcedureTemplate.objects.create(slug=parsed.slug, title=parsed.title)
    latest = template.latest_version
    if latest is not None and latest.checksum == checksum:
        return TemplatePublication(
            template=template, version=latest, is_new_version=False, municipalities_told=0
        )
    version = ProcedureTemplateVersion.objects.create(
        template=template,
        number=(latest.number if latest is not None else 0) + 1,
        checksum=checksum,
        published_at=timezone.now(),
        published_by=actor_user(actor),
        **values,
    )
    template.latest_version = version
    template.title = parsed.title
    template.save(update_fields=["latest_version", "title", "updated_at"])
    # Journaled where the cooperative works (the municipality of its host).
    audit_event_record(
        actor=actor,
        action="procedure_template.version_published",
        target=template,
        data={"slug": template.slug, "version": version.number, "checksum": checksum},
    )
    told = 0 if latest is None else _template_new_version_tell(actor=actor, version=version)
    return TemplatePublication(
        template=template, version=version, is_new_version=True, municipalities_told=told
    )


def _template_new_version_tell(*, actor: Actor, version: ProcedureTemplateVersion) -> int:
    """Tell every municipality that adopted the template; how many were told.

    Each municipality is read in its own scope: its adoptions and its
    administrators are its rows (row-level security shows no other's).
    """
    told = 0
    for municipality in Municipality.objects.order_by("pk"):
        with municipality_scope(municipality.pk):
            adoption = (
                TemplateAdoption.objects.filter(template=version.template)
                .select_related("template_version", "procedure")
                .first()
            )
            if adoption is None:
                continue
            admins = (
                User.objects.filter(
                    memberships__in=Membership.objects.filter(
                        role=Membership.Role.FUNCTIONAL_ADMIN
                    ),
                    is_active=True,
                )
                .distinct()
                .order_by("pk")
            )
            url = municipality_site_url() + reverse(
                "backoffice:template_update", kwargs={"slug": version.template.slug}
            )
            context = {
                "municipality": municipality,
                "version": version,
                "adoption": adoption,
                "url": url,
            }
            subject = _(
                "Nouvelle version du modèle « %(title)s » de la coopérative (version %(number)d)"
            ) % {"title": version.title, "number": version.number}
            body = render_to_string("catalogue/template_new_version_email.txt", context)
            for admin in admins:
                email_queue(to=admin.email, subject=subject, body_text=body)
            audit_event_record(
                actor=actor,
                action="procedure_template.new_version_available",
                target=adoption,
                data={
                    "template": version.template.slug,
                    "version": version.number,
                    "adopted_version": adoption.template_version.number,
                    "administrators_emailed": len(admins),
                },
            )
            told += 1
    return told


@dataclass(frozen=True)
class TemplateOverrides:
    """What a municipality changes in a template: blank or None follows the template."""

    title: str = ""
    summary: str = ""
    audience: str = ""
    fee_amount: Decimal | None = None
    fee_label: str = ""


def _adapted_definition(
    version: ProcedureTemplateVersion, overrides: TemplateOverrides
) -> dict[str, Any]:
    definition: dict[str, Any] = copy.deepcopy(version.definition)
    fee = definition.get("fee")
    if isinstance(fee, dict):
        # A fee paid at filing or computed is charged from the definition.
        if overrides.fee_amount is not None:
            fee["amount"] = f"{overrides.fee_amount:.2f}"
        if overrides.fee_label:
            fee["label"] = overrides.fee_label
    return definition


def _adopted_values(
    version: ProcedureTemplateVersion, overrides: TemplateOverrides
) -> dict[str, Any]:
    return {
        "title": overrides.title or version.title,
        "summary": overrides.summary or version.summary,
        "audience": overrides.audience or version.audience,
        "prepare": list(version.prepare),
        "steps": list(version.steps),
        "fee_amount": version.fee_amount if overrides.fee_amount is None else overrides.fee_amount,
        "fee_label": overrides.fee_label or version.fee_label,
        "processing_days": version.processing_days,
        "legal_deadline_days": version.legal_deadline_days,
        "requires_eid": version.requires_eid,
        "allows_anonymous": version.allows_anonymous,
        "legal_basis": version.legal_basis,
        "keywords": list(version.keywords),
    }


def template_adopt_check(
    *, template: ProcedureTemplate, category: Category, service: Service, slug: str
) -> None:
    """Every reason the current municipality cannot adopt, in French (by field)."""
    municipality_id = current_municipality_id()
    if municipality_id is None:
        raise ValidationError(_("Aucune commune n'est enregistrée."))
    if category.municipality_id != municipality_id or service.municipality_id != municipality_id:
        # The forms offer only the municipality's own: anything else is forged.
        raise PermissionDenied("A municipality adopts with its own category and service.")
    errors: dict[str, list[str]] = {}
    if template.latest_version_id is None:
        errors.setdefault("__all__", []).append(_("Ce modèle n'a encore aucune version."))
    if TemplateAdoption.objects.filter(template=template).exists():
        errors.setdefault("__all__", []).append(_("La commune a déjà adopté ce modèle."))
    if Procedure.objects.filter(slug=slug).exists():
        errors.setdefault("slug", []).append(
            _(
                "L'adresse « %(slug)s » est déjà celle d'une démarche de la commune ; "
                "choisissez-en une autre."
            )
            % {"slug": slug}
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def template_adopt(
    *,
    actor: Actor,
    template: ProcedureTemplate,
    category: Category,
    service: Service,
    slug: str,
    overrides: TemplateOverrides,
    publish: bool = True,
) -> TemplateAdoption:
    """The current municipality's procedure made from the template's latest version.

    Raises ValidationError (by field) or DefinitionError (the definition does
    not fit the municipality, e.g. a routing rule names a service it lacks).
    """
    template = ProcedureTemplate.objects.select_for_update().get(pk=template.pk)
    template_adopt_check(template=template, category=category, service=service, slug=slug)
    version = template.latest_version
    assert version is not None  # checked above
    procedure = Procedure.objects.create(
        slug=slug,
        category=category,
        service=service,
        position=version.position,
        is_published=publish,
        **_adopted_values(version, overrides),
    )
    if version.definition:
        procedure_version_publish(
            actor=actor,
            procedure=procedure,
            definition=_adapted_definition(version, overrides),
            source=f"{template.slug} v{version.number}",
        )
    adoption = TemplateAdoption.objects.create(
        procedure=procedure,
        template=template,
        template_version=version,
        title=overrides.title,
        summary=overrides.summary,
        audience=overrides.audience,
        fee_amount=overrides.fee_amount,
        fee_label=overrides.fee_label,
    )
    audit_event_record(
        actor=actor,
        action="procedure_template.adopted",
        target=adoption,
        data={
            "template": template.slug,
            "version": version.number,
            "procedure_id": procedure.pk,
            "overrides": sorted(_override_names(overrides)),
        },
    )
    revision_bump(key=CATALOGUE)
    return adoption


def _override_names(overrides: TemplateOverrides) -> list[str]:
    return [
        name
        for name in ("title", "summary", "audience", "fee_amount", "fee_label")
        if getattr(overrides, name) not in ("", None)
    ]


def adoption_overrides(adoption: TemplateAdoption) -> TemplateOverrides:
    return TemplateOverrides(
        title=adoption.title,
        summary=adoption.summary,
        audience=adoption.audience,
        fee_amount=adoption.fee_amount,
        fee_label=adoption.fee_label,
    )


def _procedure_adapted(
    *,
    actor: Actor,
    adoption: TemplateAdoption,
    version: ProcedureTemplateVersion,
    overrides: TemplateOverrides,
    also: dict[str, Any] | None = None,
) -> tuple[list[str], ProcedureVersion | None]:
    """The adopted procedure made ``version`` with ``overrides`` (and ``also``):
    the fields that changed, and the procedure version published for it."""
    procedure = adoption.procedure
    values: dict[str, Any] = {**_adopted_values(version, overrides), **(also or {})}
    changed = [name for name, value in values.items() if getattr(procedure, name) != value]
    for name in changed:
        setattr(procedure, name, values[name])
    if changed:
        procedure.save(update_fields=[*changed, "updated_at"])
    published = None
    if version.definition:
        published = procedure_version_publish(
            actor=actor,
            procedure=procedure,
            definition=_adapted_definition(version, overrides),
            source=f"{adoption.template.slug} v{version.number}",
        )
    return changed, published


@transaction.atomic
def template_adoption_update(*, actor: Actor, adoption: TemplateAdoption) -> TemplateAdoption:
    """Follow the template's latest version, keeping the municipality's changes.

    The procedure's texts and delays become the new version's (where the
    municipality kept the template's), and its definition is published as a
    new procedure version: running cases keep the version they were filed with.
    Nothing happens when the adoption already follows the latest version.
    """
    adoption = (
        # Only the adoption's row is locked: PostgreSQL locks no nullable side
        # of an outer join (the template's latest version).
        TemplateAdoption.objects.select_for_update(of=("self",))
        .select_related("template__latest_version", "template_version", "procedure")
        .get(pk=adoption.pk)
    )
    new = adoption.template.latest_version
    if new is None or new.pk == adoption.template_version_id:
        return adoption
    previous = adoption.template_version
    changed, published = _procedure_adapted(
        actor=actor, adoption=adoption, version=new, overrides=adoption_overrides(adoption)
    )
    adoption.template_version = new
    adoption.save(update_fields=["template_version", "updated_at"])
    audit_event_record(
        actor=actor,
        action="procedure_template.adoption_updated",
        target=adoption,
        data={
            "template": adoption.template.slug,
            "from_version": previous.number,
            "to_version": new.number,
            "procedure_version": published.number if published is not None else None,
            "fields": changed,
        },
    )
    revision_bump(key=CATALOGUE)
    return adoption


@transaction.atomic
def template_adoption_adapt(
    *,
    actor: Actor,
    adoption: TemplateAdoption,
    category: Category,
    service: Service,
    overrides: TemplateOverrides,
) -> TemplateAdoption:
    """Change what the municipality adapted in the template it follows: its
    category, service, texts and fee. A fee charged from the definition
    publishes a new procedure version; running cases keep theirs."""
    municipality_id = current_municipality_id()
    if category.municipality_id != municipality_id or service.municipality_id != municipality_id:
        raise PermissionDenied("A municipality adapts with its own category and service.")
    adoption = (
        TemplateAdoption.objects.select_for_update(of=("self",))
        .select_related("template", "template_version", "procedure")
        .get(pk=adoption.pk)
    )
    changed, published = _procedure_adapted(
        actor=actor,
        adoption=adoption,
        version=adoption.template_version,
        overrides=overrides,
        also={"category": category, "service": service},
    )
    adoption.title = overrides.title
    adoption.summary = overrides.summary
    adoption.audience = overrides.audience
    adoption.fee_amount = overrides.fee_amount
    adoption.fee_label = overrides.fee_label
    adoption.save(
        update_fields=["title", "summary", "audience", "fee_amount", "fee_label", "updated_at"]
    )
    audit_event_record(
        actor=actor,
        action="procedure_template.adoption_adapted",
        target=adoption,
        data={
            "template": adoption.template.slug,
            "fields": changed,
            "procedure_version": published.number if published is not None else None,
        },
    )
    revision_bump(key=CATALOGUE)
    return adoption
