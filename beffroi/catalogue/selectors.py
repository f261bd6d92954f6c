from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

import yaml
from django.core.cache import caches
from django.db.models import F, Prefetch
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from beffroi.catalogue.definition import ProcedureDefinition
from beffroi.catalogue.models import (
    Category,
    Procedure,
    ProcedureTemplate,
    ProcedureTemplateVersion,
    ProcedureVersion,
    TemplateAdoption,
)
from beffroi.core.revisions import CATALOGUE, revisions_current
from beffroi.core.text import search_terms

# Weight of a match in each part of a procedure when ranking search results.
_WEIGHTS = (("title", 5), ("keywords", 3), ("summary", 1), ("audience", 1))


def catalogue_revision() -> int:
    return revisions_current(CATALOGUE)[CATALOGUE]


def categories_with_procedures() -> list[Category]:
    """Published procedures grouped by category, in two queries."""
    published = (
        Procedure.objects.published().select_related("service").order_by("position", "title")
    )
    categories = Category.objects.prefetch_related(
        Prefetch("procedures", queryset=published, to_attr="published_procedures")
    )
    return [category for category in categories if category.published_procedures]


def procedure_published(
    *, slug: str, for_display: bool = True, revision: int | None = None
) -> Procedure | None:
    """The published procedure of ``slug``; with its category and service to show it.

    Every page of every filing reads it: each process keeps it until the
    catalogue's ``revision`` changes (every change to a procedure bumps it;
    a page passes the one it read for the request), and each caller gets its
    own copy (the cache hands out copies).
    """
    if revision is None:
        revision = catalogue_revision()
    cache = caches["fragments"]
    key = f"procedure:{revision}:{slug}:{int(for_display)}"
    found: tuple[Procedure | None] | None = cache.get(key)
    if found is None:
        procedures = Procedure.objects.published()
        if for_display:
            procedures = procedures.select_related("category", "service")
        found = (procedures.filter(slug=slug).first(),)
        cache.set(key, found, timeout=None)
    return found[0]


@dataclass(frozen=True)
class _IndexEntry:
    procedure_id: int
    fields: tuple[tuple[int, frozenset[str]], ...]


def _search_index(revision: int) -> list[_IndexEntry]:
    """Folded words of every published procedure, cached per catalogue revision."""
    cache = caches["fragments"]
    key = f"catalogue-index:{revision}"
    index: list[_IndexEntry] | None = cache.get(key)
    if index is None:
        index = []
        for procedure in Procedure.objects.published().only(
            "id", "title", "keywords", "summary", "audience"
        ):
            texts = {
                "title": procedure.title,
                "keywords": " ".join(procedure.keywords),
                "summary": procedure.summary,
                "audience": procedure.audience,
            }
            index.append(
                _IndexEntry(
                    procedure_id=procedure.pk,
                    fields=tuple(
                        (weight, frozenset(search_terms(texts[name]))) for name, weight in _WEIGHTS
                    ),
                )
            )
        cache.set(key, index, timeout=None)
    return index


def _score(entry: _IndexEntry, terms: list[str]) -> int:
    total = 0
    for term in terms:
        best = 0
        for weight, words in entry.fields:
            if weight > best and any(word.startswith(term) for word in words):
                best = weight
        if best == 0:
            return 0  # every term must match somewhere
        total += best
    return total


def procedures_search(*, query: str, revision: int | None = None) -> list[Procedure]:
    """Published procedures matching every word of ``query``, best first.

    Accents and case are ignored, plural and verb forms folded, and each
    procedure's keywords carry the everyday words people use for it.
    """
    terms = search_terms(query)
    if not terms:
        return []
    index = _search_index(catalogue_revision() if revision is None else revision)
    scored = [(score, entry.procedure_id) for entry in index if (score := _score(entry, terms))]
    if not scored:
        return []
    scored.sort(key=lambda item: (-item[0], item[1]))
    ranked_ids = [procedure_id for _, procedure_id in scored]
    procedures = Procedure.objects.select_related("category", "service").in_bulk(ranked_ids)
    return [procedures[pk] for pk in ranked_ids if pk in procedures]


def procedure_as_file(*, slug: str) -> dict[str, Any] | None:
    """A procedure as its definition file says it (shared pieces expanded)."""
    procedure = (
        Procedure.objects.select_related("category", "service", "current_version")
        .filter(slug=slug)
        .first()
    )
    if procedure is None:
        return None
    data: dict[str, Any] = {
        "slug": procedure.slug,
        "title": procedure.title,
        "category": procedure.category.slug,
        "service": procedure.service.code,
        "position": procedure.position,
        "summary": procedure.summary,
        "audience": procedure.audience,
        "prepare": list(procedure.prepare),
        "steps": list(procedure.steps),
        "fee": {
            "amount": f"{procedure.fee_amount or 0:.2f}",
            "label": procedure.fee_label,
        },
        "processing_days": procedure.processing_days,
        "legal_deadline_days": procedure.legal_deadline_days,
        "eid_required": procedure.requires_eid,
        "anonymous": procedure.allows_anonymous,
        "legal_basis": procedure.legal_basis,
        "keywords": list(procedure.keywords),
    }
    if procedure.current_version is not None:
        data.update(procedure.current_version.definition)
    return data


# Published versions never change, so their parsed definitions are kept for
# the life of the process (tests clear this between tests, see conftest.py).
_SPECS: dict[int, tuple[ProcedureDefinition, int]] = {}


def _published_version(version_id: int) -> tuple[ProcedureDefinition, int]:
    known = _SPECS.get(version_id)
    if known is None:
        definition, number = ProcedureVersion.objects.values_list("definition", "number").get(
            pk=version_id
        )
        known = _SPECS[version_id] = (ProcedureDefinition(definition), number)
    return known


def version_spec(version_id: int) -> ProcedureDefinition:
    """The parsed definition of a published version, parsed once per process."""
    return _published_version(version_id)[0]


def version_number(version_id: int) -> int:
    """The number of a published version (read with its definition)."""
    return _published_version(version_id)[1]


def version_spec_cache_clear() -> None:
    _SPECS.clear()


def organisation_mode(procedure: Procedure) -> str:
    """ "optional" or "required" when the procedure is filed for an organisation, else ""."""
    if procedure.current_version_id is None:
        return ""
    return str(version_spec(procedure.current_version_id).options.get("organisation", ""))


# -- The cooperative's shared templates ------------------------------------------------

StrOrPromise = str | Promise

# The parts of a template file, as the diff page names them (in the file's order).
TEMPLATE_PARTS: tuple[tuple[str, StrOrPromise], ...] = (
    ("title", gettext_lazy("Titre")),
    ("category", gettext_lazy("Catégorie proposée")),
    ("service", gettext_lazy("Service proposé")),
    ("position", gettext_lazy("Ordre")),
    ("summary", gettext_lazy("En bref")),
    ("audience", gettext_lazy("Pour qui")),
    ("prepare", gettext_lazy("À préparer")),
    ("steps", gettext_lazy("Comment ça se passe")),
    ("fee", gettext_lazy("Coût")),
    ("processing_days", gettext_lazy("Délai habituel")),
    ("legal_deadline_days", gettext_lazy("Délai légal")),
    ("eid_required", gettext_lazy("Carte d'identité électronique requise")),
    ("anonymous", gettext_lazy("Possible sans compte")),
    ("legal_basis", gettext_lazy("Base légale")),
    ("keywords", gettext_lazy("Mots-clés")),
    ("form", gettext_lazy("Formulaire")),
    ("workflow", gettext_lazy("Circuit de traitement")),
    ("documents", gettext_lazy("Documents délivrés")),
    ("emails", gettext_lazy("Courriels au demandeur")),
    ("tracking_check", gettext_lazy("Vérification du suivi")),
    ("routing", gettext_lazy("Orientation vers les services")),
    ("options", gettext_lazy("Options")),
)


def template_version_as_file(version: ProcedureTemplateVersion) -> dict[str, Any]:
    """A template version in the shipped format (without its slug, the template's)."""
    definition = dict(version.definition)
    fee = definition.pop("fee", None) or {
        "amount": f"{version.fee_amount or 0:.2f}",
        "label": version.fee_label,
    }
    data: dict[str, Any] = {
        "title": version.title,
        "category": version.suggested_category,
        "service": version.suggested_service,
        "position": version.position,
        "summary": version.summary,
        "audience": version.audience,
        "prepare": list(version.prepare),
        "steps": list(version.steps),
        "fee": fee,
        "processing_days": version.processing_days,
        "legal_deadline_days": version.legal_deadline_days,
        "eid_required": version.requires_eid,
        "anonymous": version.allows_anonymous,
        "legal_basis": version.legal_basis,
        "keywords": list(version.keywords),
    }
    data.update(definition)
    return data


def template_version_yaml(version: ProcedureTemplateVersion) -> str:
    return yaml.safe_dump(
        template_version_as_file(version), allow_unicode=True, sort_keys=False, width=100
    )


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "added", "removed", "context" or "hunk"
    text: str


@dataclass(frozen=True)
class TemplateDiff:
    """What changed from one template version to another: the parts, named in
    French, and the lines of the two files (a unified diff)."""

    old_number: int
    new_number: int
    changed_parts: list[str]
    lines: list[DiffLine]


def template_version_diff(
    *, old: ProcedureTemplateVersion, new: ProcedureTemplateVersion
) -> TemplateDiff:
    old_file, new_file = template_version_as_file(old), template_version_as_file(new)
    named = dict(TEMPLATE_PARTS)
    keys = [key for key, _label in TEMPLATE_PARTS]
    keys += sorted((set(old_file) | set(new_file)) - set(keys))
    changed = [str(named.get(key, key)) for key in keys if old_file.get(key) != new_file.get(key)]
    lines = []
    for line in difflib.unified_diff(
        template_version_yaml(old).splitlines(),
        template_version_yaml(new).splitlines(),
        fromfile=f"version {old.number}",
        tofile=f"version {new.number}",
        lineterm="",
        n=2,
    ):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            kind = "hunk"
        elif line.startswith("+"):
            kind = "added"
        elif line.startswith("-"):
            kind = "removed"
        else:
            kind = "context"
        lines.append(DiffLine(kind=kind, text=line))
    return TemplateDiff(
        old_number=old.number, new_number=new.number, changed_parts=changed, lines=lines
    )


@dataclass(frozen=True)
class TemplateRow:
    """A template as the municipality at hand sees it: its latest version and
    whether (and at which version) the municipality adopted it."""

    template: ProcedureTemplate
    latest: ProcedureTemplateVersion
    adoption: TemplateAdoption | None

    @property
    def has_new_version(self) -> bool:
        return self.adoption is not None and self.adoption.template_version_id != self.latest.pk


def templates_for_municipality() -> list[TemplateRow]:
    """Every published template, with the current municipality's adoption, in two queries."""
    adoptions = {
        adoption.template_id: adoption
        for adoption in TemplateAdoption.objects.select_related("template_version", "procedure")
    }
    templates = (
        ProcedureTemplate.objects.filter(latest_version__isnull=False)
        .select_related("latest_version")
        .order_by("title", "pk")
    )
    rows = []
    for template in templates:
        assert template.latest_version is not None  # filtered above
        rows.append(
            TemplateRow(
                template=template,
                latest=template.latest_version,
                adoption=adoptions.get(template.pk),
            )
        )
    return rows


def template_adoptions_outdated() -> list[TemplateAdoption]:
    """The current municipality's adoptions whose template has a newer version."""
    return list(
        TemplateAdoption.objects.exclude(template_version=F("template__latest_version"))
        .select_related("template__latest_version", "template_version", "procedure")
        .order_by("template__title")
    )


def template_adoption_of(*, template: ProcedureTemplate) -> TemplateAdoption | None:
    """The current municipality's adoption of ``template``, if any."""
    return (
        TemplateAdoption.objects.select_related("template_version", "procedure")
        .filter(template=template)
        .first()
    )
