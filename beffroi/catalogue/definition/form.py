"""The checks of a definition's form: pages, fields and their conditions."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from beffroi.catalogue.conditions import condition_problems, referenced_fields
from beffroi.catalogue.definition.problems import ID, Problems, check_keys, check_text

# Keys every field may have, and the extra keys each type accepts.
COMMON_FIELD_KEYS = {
    "id",
    "type",
    "label",
    "help",
    "required",
    "required_if",
    "visible_if",
    "prefill",
    "organisation_answer",
}
FIELD_TYPES: dict[str, set[str]] = {
    "text": {"max_length"},
    "textarea": {"max_length"},
    "number": {"min", "max", "decimals", "unit"},
    "date": {"min", "max"},
    "choice": {"choices", "widget"},
    "multichoice": {"choices", "min_choices", "max_choices"},
    "yesno": set(),
    "email": set(),
    "phone": set(),
    "address": {"countries"},
    "national_number": set(),
    "enterprise_number": set(),
    "iban": set(),
    "file": {"accept", "max_files", "max_size_mb"},
    "info": {"text"},
}
FILE_KINDS = ("pdf", "jpeg", "png", "tiff", "webp", "heic", "docx", "odt", "xlsx", "ods")
PREFILL_SOURCES = {
    "profile.first_name": {"text"},
    "profile.last_name": {"text"},
    "profile.birth_date": {"date"},
    "profile.national_number": {"national_number"},
    "profile.email": {"email"},
    "profile.phone": {"phone"},
    "profile.address": {"address"},
    # The organisation a request is made for (options.organisation).
    "organisation.name": {"text"},
    "organisation.enterprise_number": {"enterprise_number"},
    "organisation.address": {"address"},
    "organisation.email": {"email"},
    "organisation.phone": {"phone"},
    "organisation.website": {"text"},
    "organisation.legal_form": {"choice"},
}
DATE_BOUND = re.compile(r"^(today|past|future|[+-]\d{1,5}|\d{4}-\d{2}-\d{2})$")
# Keys holding a positive number, whatever the type (a date's bounds are words).
NUMBER_KEYS = (
    "min",
    "max",
    "decimals",
    "max_length",
    "min_choices",
    "max_choices",
    "max_files",
    "max_size_mb",
)
PAGE_KEYS = {"id", "title", "intro", "fields", "visible_if", "checks"}
# A page's checks compare two answers of the same kind (docs/procedure-definitions.md).
CHECK_OPERATORS = ("gt", "gte", "lt", "lte")
CHECKED_TYPES = ("date", "number")


@dataclass
class _FormScan:
    """What reading the pages found, for the checks that need every field."""

    types: dict[str, str] = field(default_factory=dict)
    page_ids: set[str] = field(default_factory=set)
    # (path, condition, ids of the fields of earlier pages: None for a field's)
    conditions: list[tuple[str, Any, set[str] | None]] = field(default_factory=list)
    # (path, checks, ids of the page's fields, types of the fields up to this page)
    checks: list[tuple[str, Any, set[str], dict[str, str]]] = field(default_factory=list)


def check_form(form: Any, problems: Problems) -> dict[str, str]:
    """Check pages and fields; return field id -> type."""
    if not isinstance(form, Mapping):
        problems.add("form", "un formulaire (dictionnaire avec « pages ») est attendu")
        return {}
    check_keys(form, {"pages"}, "form", problems)
    pages = form.get("pages")
    if not isinstance(pages, list) or not pages:
        problems.add("form.pages", "une liste non vide de pages est attendue")
        return {}
    scan = _FormScan()
    for page_index, page in enumerate(pages):
        _check_page(page, f"form.pages[{page_index}]", scan, problems)
    _check_conditions(pages, scan, problems)
    for path, checks, own, readable in scan.checks:
        _check_page_checks(checks, path, own, readable, problems)
    return scan.types


def _check_page(page: Any, path: str, scan: _FormScan, problems: Problems) -> None:
    if not isinstance(page, Mapping):
        problems.add(path, "une page (dictionnaire) est attendue")
        return
    check_keys(page, PAGE_KEYS, path, problems)
    page_id = page.get("id")
    if not isinstance(page_id, str) or not ID.match(page_id):
        problems.add(f"{path}.id", "identifiant attendu (minuscules, chiffres, _)")
    elif page_id in scan.page_ids or page_id in {"verifier", "envoyer"}:
        problems.add(f"{path}.id", f"identifiant de page en double ou réservé « {page_id} »")
    else:
        scan.page_ids.add(page_id)
    check_text(page, "title", path, problems)
    if "visible_if" in page:
        scan.conditions.append((f"{path}.visible_if", page["visible_if"], set(scan.types)))
    page_fields = page.get("fields")
    if not isinstance(page_fields, list) or not page_fields:
        problems.add(f"{path}.fields", "une liste non vide de champs est attendue")
        return
    for field_index, item in enumerate(page_fields):
        field_path = f"{path}.fields[{field_index}]"
        field_type = check_field(item, field_path, problems)
        if field_type is None:
            continue
        field_id = item["id"]
        if field_id in scan.types:
            problems.add(f"{field_path}.id", f"identifiant de champ en double « {field_id} »")
            continue
        scan.types[field_id] = field_type
        for key in ("visible_if", "required_if"):
            if key in item:
                # A field's condition may read any field up to its own page.
                scan.conditions.append((f"{field_path}.{key}", item[key], None))
    if "checks" in page:
        own = {item["id"] for item in page_fields if isinstance(item, Mapping) and "id" in item}
        scan.checks.append((f"{path}.checks", page["checks"], own, dict(scan.types)))


def _check_page_checks(
    checks: Any, path: str, own: set[str], readable: Mapping[str, str], problems: Problems
) -> None:
    """``checks: [{field: end, gte: start, message: …}]``: two answers compared."""
    if not isinstance(checks, list) or not checks:
        problems.add(path, "une liste non vide de vérifications est attendue")
        return
    for index, check in enumerate(checks):
        item = f"{path}[{index}]"
        if not isinstance(check, Mapping):
            problems.add(item, "une vérification {field, gte: <autre champ>, message} est attendue")
            continue
        check_keys(check, {"field", "message", *CHECK_OPERATORS}, item, problems)
        field_id = check.get("field")
        if field_id not in own or readable.get(field_id) not in CHECKED_TYPES:
            problems.add(
                f"{item}.field", f"champ date ou nombre de cette page attendu (« {field_id} »)"
            )
            continue
        operators = [key for key in CHECK_OPERATORS if key in check]
        if len(operators) != 1:
            problems.add(item, f"un seul opérateur est attendu parmi {', '.join(CHECK_OPERATORS)}")
            continue
        other = check[operators[0]]
        if other == field_id or readable.get(other) != readable[field_id]:
            problems.add(
                f"{item}.{operators[0]}",
                f"un autre champ de type {readable[field_id]} de cette page ou d'une page "
                f"précédente est attendu (« {other} »)",
            )
        if "message" in check:
            check_text(check, "message", item, problems)


def _check_conditions(pages: list[Any], scan: _FormScan, problems: Problems) -> None:
    page_order = {f: i for i, f in enumerate(scan.types)}
    readable = {f: t for f, t in scan.types.items() if t != "info"}
    for path, condition, earlier in scan.conditions:
        found = condition_problems(condition, fields=readable, path=path, allow_case=False)
        problems.extend(found)
        if found:
            continue
        read = referenced_fields(condition)
        if earlier is not None:
            later = sorted(read - earlier)
            if later:
                problems.add(
                    path, f"une page ne dépend que des pages précédentes : {', '.join(later)}"
                )
            continue
        own_id = _field_id_at(pages, path)
        if own_id in read:
            problems.add(path, "un champ ne peut pas dépendre de lui-même")
        elif own_id is not None:
            later_fields = [f for f in read if page_order[f] > page_order[own_id]]
            if later_fields:
                problems.add(
                    path, f"dépend de champs demandés plus loin : {', '.join(later_fields)}"
                )


def _field_id_at(pages: list[Any], path: str) -> str | None:
    match = re.match(r"form\.pages\[(\d+)\]\.fields\[(\d+)\]", path)
    if not match:
        return None
    item = pages[int(match.group(1))]["fields"][int(match.group(2))]
    return item.get("id") if isinstance(item, Mapping) else None


def check_field(item: Any, path: str, problems: Problems) -> str | None:
    """Check one field; return its type (None when it cannot be read)."""
    if not isinstance(item, Mapping):
        problems.add(path, "un champ (dictionnaire) est attendu")
        return None
    field_id, field_type = item.get("id"), item.get("type")
    if not isinstance(field_id, str) or not ID.match(field_id):
        problems.add(
            f"{path}.id", "identifiant attendu (minuscules, chiffres, _ ; commence par une lettre)"
        )
        return None
    if field_type not in FIELD_TYPES:
        problems.add(
            f"{path}.type", f"type inconnu « {field_type} » (possibles : {', '.join(FIELD_TYPES)})"
        )
        return None
    check_keys(item, COMMON_FIELD_KEYS | FIELD_TYPES[field_type], path, problems)
    if field_type == "info":
        check_text(item, "text", path, problems)
        return "info"
    check_text(item, "label", path, problems)
    if "required" in item and not isinstance(item["required"], bool):
        problems.add(f"{path}.required", "true ou false est attendu")
    prefill = item.get("prefill")
    if prefill is not None and field_type not in PREFILL_SOURCES.get(prefill, set()):
        problems.add(
            f"{path}.prefill", f"préremplissage impossible « {prefill} » pour un champ {field_type}"
        )
    _check_type_keys(item, str(field_type), path, problems)
    if "organisation_answer" in item:
        _check_organisation_answer(item, str(field_type), path, problems)
    return str(field_type)


def _check_organisation_answer(
    item: Mapping[str, Any], field_type: str, path: str, problems: Problems
) -> None:
    """The answer a request made for an organisation gives (the question is not asked)."""
    answer = item["organisation_answer"]
    if field_type == "yesno":
        if not isinstance(answer, bool):
            problems.add(f"{path}.organisation_answer", "true ou false est attendu")
    elif field_type == "choice":
        values = [c.get("value") for c in item.get("choices") or [] if isinstance(c, Mapping)]
        if answer not in values:
            problems.add(
                f"{path}.organisation_answer",
                f"une des valeurs des choix est attendue (« {answer} »)",
            )
    else:
        problems.add(
            f"{path}.organisation_answer", "seul un champ choice ou yesno peut être répondu ainsi"
        )


def _check_type_keys(
    item: Mapping[str, Any], field_type: str, path: str, problems: Problems
) -> None:
    """The keys only some types have: choices, bounds, files, countries."""
    if field_type in {"choice", "multichoice"}:
        _check_choices(item.get("choices"), f"{path}.choices", problems)
    if field_type == "choice" and item.get("widget", "radio") not in {"radio", "select"}:
        problems.add(f"{path}.widget", "radio ou select est attendu")
    if field_type == "date":
        for bound in ("min", "max"):
            if bound in item and not DATE_BOUND.match(str(item[bound])):
                problems.add(
                    f"{path}.{bound}", "today, past, future, +N, -N ou une date AAAA-MM-JJ"
                )
    for key in NUMBER_KEYS:
        if key in item and field_type != "date":
            value = item[key]
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                problems.add(f"{path}.{key}", "un nombre positif est attendu")
    if field_type == "file":
        accept = item.get("accept", ["pdf", "jpeg", "png"])
        if not isinstance(accept, list) or not accept or set(accept) - set(FILE_KINDS):
            problems.add(f"{path}.accept", f"liste de types parmi {', '.join(FILE_KINDS)}")
    if field_type == "address" and "countries" in item:
        countries = item["countries"]
        if not isinstance(countries, list) or not all(
            isinstance(c, str) and len(c) == 2 for c in countries
        ):
            problems.add(f"{path}.countries", "liste de codes pays à deux lettres (BE, FR…)")


def _check_choices(choices: Any, path: str, problems: Problems) -> None:
    if not isinstance(choices, list) or not choices:
        problems.add(path, "une liste non vide de choix {value, label} est attendue")
        return
    seen: set[str] = set()
    for index, choice in enumerate(choices):
        if not isinstance(choice, Mapping) or set(choice) != {"value", "label"}:
            problems.add(f"{path}[{index}]", "un choix a exactement « value » et « label »")
            continue
        value = choice["value"]
        if not isinstance(value, str) or not re.fullmatch(r"[a-z0-9_-]+", value):
            problems.add(f"{path}[{index}].value", "valeur attendue (minuscules, chiffres, - et _)")
        elif value in seen:
            problems.add(f"{path}[{index}].value", f"valeur en double « {value} »")
        seen.add(str(value))
