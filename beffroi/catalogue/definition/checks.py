"""``definition_problems``: every problem of a procedure's fileable
definition, each saying where and why in French."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from beffroi.catalogue.conditions import condition_problems
from beffroi.catalogue.definition.fees import fee_problems
from beffroi.catalogue.definition.form import check_form
from beffroi.catalogue.definition.problems import ID, Problems, check_keys, check_text
from beffroi.catalogue.definition.templates import check_template
from beffroi.catalogue.definition.workflow import check_workflow

OPTION_KEYS = {"summary_fields", "applicant", "min_days_before", "organisation"}
ORGANISATION_MODES = ("optional", "required")
APPLICANT_KEYS = {"first_name", "last_name", "email", "birth_date"}


def definition_problems(
    definition: Mapping[str, Any], *, previous_types: Mapping[str, str] | None = None
) -> list[str]:
    """Every problem in a procedure's fileable definition (empty when valid).

    ``previous_types`` (field id -> type of the last published version) makes
    sure a field keeps its type when it keeps its id.
    """
    problems = Problems()
    fields = check_form(definition.get("form"), problems)
    if previous_types:
        for field_id, field_type in fields.items():
            before = previous_types.get(field_id)
            if before is not None and before != field_type:
                problems.add(
                    f"form: champ {field_id}",
                    f"était de type {before} dans la version publiée : un champ garde son type "
                    "tant qu'il garde son identifiant (donnez-lui un nouvel identifiant)",
                )
    documents = _check_documents(definition.get("documents", []), problems)
    statuses = check_workflow(definition.get("workflow"), fields, documents, problems)
    _check_emails(definition.get("emails", {}), statuses, problems)
    _check_tracking(definition.get("tracking_check", []), fields, problems)
    _check_routing(definition.get("routing", []), fields, problems)
    _check_options(definition.get("options", {}), fields, problems)
    _check_organisation_answers(definition, problems)
    if "fee" in definition:
        problems.extend(fee_problems(definition["fee"], fields, definition.get("workflow")))
    return list(problems)


def _check_organisation_answers(definition: Mapping[str, Any], problems: Problems) -> None:
    """A question answered by the choice of an organisation needs a procedure
    filed for one."""
    options = definition.get("options")
    if isinstance(options, Mapping) and options.get("organisation"):
        return
    form = definition.get("form")
    pages = form.get("pages") if isinstance(form, Mapping) else None
    for page_index, page in enumerate(pages if isinstance(pages, list) else []):
        page_fields = page.get("fields") if isinstance(page, Mapping) else None
        for field_index, item in enumerate(page_fields if isinstance(page_fields, list) else []):
            if isinstance(item, Mapping) and "organisation_answer" in item:
                problems.add(
                    f"form.pages[{page_index}].fields[{field_index}].organisation_answer",
                    "la démarche ne se fait pas au nom d'une organisation (options.organisation)",
                )


def _check_documents(documents: Any, problems: Problems) -> set[str]:
    if not isinstance(documents, list):
        problems.add("documents", "une liste est attendue")
        return set()
    ids: set[str] = set()
    for index, document in enumerate(documents):
        path = f"documents[{index}]"
        if not isinstance(document, Mapping):
            problems.add(path, "un document (dictionnaire) est attendu")
            continue
        check_keys(document, {"id", "title", "filename", "body"}, path, problems)
        document_id = document.get("id")
        if not isinstance(document_id, str) or not ID.match(document_id) or document_id in ids:
            problems.add(f"{path}.id", "identifiant unique attendu")
        else:
            ids.add(document_id)
        check_text(document, "title", path, problems)
        filename = document.get("filename")
        if not isinstance(filename, str) or not re.fullmatch(r"[a-z0-9-]+", filename):
            problems.add(f"{path}.filename", "nom de fichier attendu (minuscules, chiffres, -)")
        check_template(document.get("body"), f"{path}.body", problems)
    return ids


def _check_emails(emails: Any, statuses: set[str], problems: Problems) -> None:
    if not isinstance(emails, Mapping):
        problems.add("emails", "un dictionnaire (statut -> message) est attendu")
        return
    for status_id, email in emails.items():
        path = f"emails.{status_id}"
        if status_id not in statuses:
            problems.add(path, f"statut inconnu « {status_id} »")
        if not isinstance(email, Mapping) or set(email) != {"subject", "body"}:
            problems.add(path, "« subject » et « body » sont attendus")
            continue
        check_template(email["subject"], f"{path}.subject", problems)
        check_template(email["body"], f"{path}.body", problems)


def _check_tracking(check: Any, fields: Mapping[str, str], problems: Problems) -> None:
    if not isinstance(check, list):
        problems.add("tracking_check", "une liste de champs est attendue")
        return
    for field_id in check:
        if fields.get(field_id) not in {"text", "date", "national_number", "email"}:
            problems.add("tracking_check", f"champ inconnu ou inutilisable « {field_id} »")


def _check_routing(rules: Any, fields: Mapping[str, str], problems: Problems) -> None:
    if not isinstance(rules, list):
        problems.add("routing", "une liste de règles est attendue")
        return
    for index, rule in enumerate(rules):
        path = f"routing[{index}]"
        if not isinstance(rule, Mapping) or set(rule) != {"when", "service"}:
            problems.add(path, "« when » et « service » sont attendus")
            continue
        problems.extend(
            condition_problems(rule["when"], fields=fields, path=f"{path}.when", allow_case=False)
        )


def _check_options(options: Any, fields: Mapping[str, str], problems: Problems) -> None:
    if not isinstance(options, Mapping):
        problems.add("options", "un dictionnaire est attendu")
        return
    check_keys(options, OPTION_KEYS, "options", problems)
    if "organisation" in options and options["organisation"] not in ORGANISATION_MODES:
        problems.add("options.organisation", "optional ou required attendu")
    for field_id in options.get("summary_fields", []):
        if field_id not in fields:
            problems.add("options.summary_fields", f"champ inconnu « {field_id} »")
    applicant = options.get("applicant", {})
    if not isinstance(applicant, Mapping) or set(applicant) - APPLICANT_KEYS:
        problems.add("options.applicant", f"clés possibles : {', '.join(sorted(APPLICANT_KEYS))}")
    else:
        for key, field_id in applicant.items():
            if field_id not in fields:
                problems.add(f"options.applicant.{key}", f"champ inconnu « {field_id} »")
    window = options.get("min_days_before")
    if window is not None and (
        not isinstance(window, Mapping)
        or fields.get(str(window.get("field"))) != "date"
        or not isinstance(window.get("days"), int)
    ):
        problems.add("options.min_days_before", "{field: <champ date>, days: <entier>} attendu")
