from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import caches
from django.db.models import Prefetch

from beffroi.catalogue.definition import ProcedureDefinition
from beffroi.catalogue.models import Category, Procedure, ProcedureVersion
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
