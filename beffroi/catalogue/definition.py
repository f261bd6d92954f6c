"""The fileable part of a procedure: form, workflow, documents and emails.

``definition_problems`` checks a definition and says, in French, where and
why it is wrong; ``ProcedureDefinition`` is the read-only view the form
engine, the workflow engine and the document generator use. The format is
described in docs/procedure-definitions.md.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.template import Engine, Template, TemplateSyntaxError

from beffroi.core.conditions import condition_problems, referenced_fields

ID = re.compile(r"^[a-z][a-z0-9_]{0,62}$")

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
}
DATE_BOUND = re.compile(r"^(today|past|future|[+-]\d{1,5}|\d{4}-\d{2}-\d{2})$")

# Actions a status may run on entering it, with the keys each accepts. Domain
# apps add theirs (cases.workflow.workflow_action); a check function, when
# given, returns the problems of one use of the action.
ACTIONS: dict[str, set[str]] = {
    "set_deadline": {"working_days", "days"},
    "extend_deadline": {"working_days", "days"},
    "generate_document": {"document"},
    "notify_service": {"message"},
}
ActionCheck = Callable[[Mapping[str, Any], "DefinitionContext"], list[str]]
ACTION_CHECKS: dict[str, ActionCheck] = {}


@dataclass(frozen=True)
class DefinitionContext:
    """What an action's check may need to know about the definition."""

    fields: Mapping[str, str]
    documents: set[str]


def register_action(name: str, keys: set[str], check: ActionCheck | None = None) -> None:
    ACTIONS[name] = set(keys)
    if check is not None:
        ACTION_CHECKS[name] = check


TIMER_DELAYS = ("after_working_days", "after_days", "after_hours")
ROLES = ("agent", "head", "mail_clerk", "functional_admin")
COMMENT_MODES = ("none", "optional", "required")
STYLES = ("primary", "secondary", "danger")
OPTION_KEYS = {"summary_fields", "applicant", "min_days_before", "organisation"}
ORGANISATION_MODES = ("optional", "required")
APPLICANT_KEYS = {"first_name", "last_name", "email", "birth_date"}

# Document and email templates are rendered by an engine with no loader and
# no extra libraries: a definition cannot reach files or custom tags.
TEMPLATE_ENGINE = Engine(
    loaders=[("django.template.loaders.locmem.Loader", {})],
    libraries={},
    builtins=["django.templatetags.i18n", "django.contrib.humanize.templatetags.humanize"],
    autoescape=True,
)


@functools.lru_cache(maxsize=512)
def definition_template(source: str) -> Template:
    """A template written in a definition (email, document), compiled once per
    process: published versions never change, so the same text is sent again
    and again (a syntax error is raised each time, never kept)."""
    return TEMPLATE_ENGINE.from_string(source)


class _Problems(list[str]):
    def add(self, path: str, message: str) -> None:
        self.append(f"{path}: {message}")


# --- Shared pieces -----------------------------------------------------------


class SharedPieceError(Exception):
    """A shared fragment or workflow file that cannot be read."""


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"ligne {mark.line + 1}, colonne {mark.column + 1}" if mark else ""
        raise SharedPieceError(
            f"{path.parent.name}/{path.name}: {where}: YAML illisible"
        ) from error


def expand_shared_pieces(data: dict[str, Any], shared_dir: Path) -> list[str]:
    """Replace ``{include: ...}`` fields and ``workflow: {use: ...}`` in place.

    Returns the problems met (unknown fragment or workflow).
    """
    problems = _Problems()
    form = data.get("form")
    if isinstance(form, dict) and isinstance(form.get("pages"), list):
        for page_index, page in enumerate(form["pages"]):
            if not isinstance(page, dict) or not isinstance(page.get("fields"), list):
                continue
            expanded: list[Any] = []
            for field_index, item in enumerate(page["fields"]):
                if isinstance(item, dict) and "include" in item:
                    path = f"form.pages[{page_index}].fields[{field_index}].include"
                    expanded += _fragment(item, shared_dir, path, problems)
                else:
                    expanded.append(item)
            page["fields"] = expanded
    workflow = data.get("workflow")
    if isinstance(workflow, dict) and "use" in workflow:
        _use_shared_workflow(data, workflow, shared_dir, problems)
    return problems


def _use_shared_workflow(
    data: dict[str, Any], workflow: dict[str, Any], shared_dir: Path, problems: _Problems
) -> None:
    """``workflow: {use: name, add_actions: {status: [actions]}}``: a shared
    workflow, with actions this procedure adds on entering some statuses."""
    unknown = set(workflow) - {"use", "add_actions"}
    if unknown:
        problems.add("workflow", f"clés inconnues à côté de « use » : {sorted(unknown)}")
        return
    name = str(workflow["use"])
    file = shared_dir / "workflows" / f"{name}.yaml"
    if not re.fullmatch(r"[a-z0-9-]+", name) or not file.exists():
        problems.add("workflow.use", f"circuit partagé inconnu « {name} »")
        return
    try:
        shared = _read_yaml(file)
    except SharedPieceError as error:
        problems.add("workflow.use", str(error))
        return
    additions = workflow.get("add_actions", {})
    if not isinstance(additions, dict):
        problems.add("workflow.add_actions", "un dictionnaire {statut: [actions]} est attendu")
        return
    statuses = {
        status.get("id"): status
        for status in (shared.get("statuses") or [])
        if isinstance(status, dict)
    }
    for status_id, actions in additions.items():
        if status_id not in statuses:
            problems.add("workflow.add_actions", f"statut inconnu « {status_id} » dans « {name} »")
        elif not isinstance(actions, list):
            problems.add(f"workflow.add_actions.{status_id}", "une liste d'actions est attendue")
        else:
            statuses[status_id]["on_enter"] = [*statuses[status_id].get("on_enter", []), *actions]
    data["workflow"] = shared


def _fragment(item: dict[str, Any], shared_dir: Path, path: str, problems: _Problems) -> list[Any]:
    name = str(item["include"])
    unknown = set(item) - {"include", "prefix", "labels"}
    if unknown:
        problems.add(path, f"clés inconnues {sorted(unknown)}")
        return []
    file = shared_dir / "fragments" / f"{name}.yaml"
    if not re.fullmatch(r"[a-z0-9-]+", name) or not file.exists():
        problems.add(path, f"fragment inconnu « {name} »")
        return []
    try:
        fields = copy.deepcopy(_read_yaml(file))
    except SharedPieceError as error:
        problems.add(path, str(error))
        return []
    if not isinstance(fields, list):
        problems.add(path, f"le fragment « {name} » doit être une liste de champs")
        return []
    prefix = str(item.get("prefix", ""))
    labels = item.get("labels") or {}
    ids = {field.get("id") for field in fields if isinstance(field, dict)}
    for field in fields:
        if not isinstance(field, dict):
            continue
        original = field.get("id")
        if original in labels:
            field["label"] = labels[original]
        if prefix:
            field["id"] = f"{prefix}{original}"
            _prefix_conditions(field, prefix, ids)
    return list(fields)


def _prefix_conditions(field: dict[str, Any], prefix: str, ids: set[Any]) -> None:
    def rename(condition: Any) -> Any:
        if isinstance(condition, dict):
            renamed = {key: rename(value) for key, value in condition.items()}
            if condition.get("field") in ids:
                renamed["field"] = f"{prefix}{condition['field']}"
            return renamed
        if isinstance(condition, list):
            return [rename(item) for item in condition]
        return condition

    for key in ("visible_if", "required_if"):
        if key in field:
            field[key] = rename(field[key])


# --- Checks --------------------------------------------------------------------


def definition_problems(
    definition: Mapping[str, Any], *, previous_types: Mapping[str, str] | None = None
) -> list[str]:
    """Every problem in a procedure's fileable definition (empty when valid).

    ``previous_types`` (field id -> type of the last published version) makes
    sure a field keeps its type when it keeps its id.
    """
    problems = _Problems()
    fields = _check_form(definition.get("form"), problems)
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
    statuses = _check_workflow(definition.get("workflow"), fields, documents, problems)
    _check_emails(definition.get("emails", {}), statuses, problems)
    _check_tracking(definition.get("tracking_check", []), fields, problems)
    _check_routing(definition.get("routing", []), fields, problems)
    _check_options(definition.get("options", {}), fields, problems)
    return list(problems)


def _check_keys(data: Mapping[str, Any], allowed: set[str], path: str, problems: _Problems) -> None:
    for key in data:
        if key not in allowed:
            problems.add(path, f"clé inconnue « {key} »")


def _check_text(data: Mapping[str, Any], key: str, path: str, problems: _Problems) -> None:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.add(f"{path}.{key}", "un texte non vide est attendu")


def _check_form(form: Any, problems: _Problems) -> dict[str, str]:
    """Check pages and fields; return field id -> type."""
    if not isinstance(form, Mapping):
        problems.add("form", "un formulaire (dictionnaire avec « pages ») est attendu")
        return {}
    _check_keys(form, {"pages"}, "form", problems)
    pages = form.get("pages")
    if not isinstance(pages, list) or not pages:
        problems.add("form.pages", "une liste non vide de pages est attendue")
        return {}
    types: dict[str, str] = {}
    page_ids: set[str] = set()
    pending_conditions: list[tuple[str, Any, set[str]]] = []
    for page_index, page in enumerate(pages):
        path = f"form.pages[{page_index}]"
        if not isinstance(page, Mapping):
            problems.add(path, "une page (dictionnaire) est attendue")
            continue
        _check_keys(page, {"id", "title", "intro", "fields", "visible_if"}, path, problems)
        page_id = page.get("id")
        if not isinstance(page_id, str) or not ID.match(page_id):
            problems.add(f"{path}.id", "identifiant attendu (minuscules, chiffres, _)")
        elif page_id in page_ids or page_id in {"verifier", "envoyer"}:
            problems.add(f"{path}.id", f"identifiant de page en double ou réservé « {page_id} »")
        else:
            page_ids.add(page_id)
        _check_text(page, "title", path, problems)
        earlier = set(types)
        if "visible_if" in page:
            pending_conditions.append((f"{path}.visible_if", page["visible_if"], earlier))
        page_fields = page.get("fields")
        if not isinstance(page_fields, list) or not page_fields:
            problems.add(f"{path}.fields", "une liste non vide de champs est attendue")
            continue
        for field_index, field in enumerate(page_fields):
            field_path = f"{path}.fields[{field_index}]"
            field_type = _check_field(field, field_path, problems)
            if field_type is None:
                continue
            field_id = field["id"]
            if field_id in types:
                problems.add(f"{field_path}.id", f"identifiant de champ en double « {field_id} »")
                continue
            types[field_id] = field_type
            for key in ("visible_if", "required_if"):
                if key in field:
                    # A field's condition may read any field up to its own page.
                    pending_conditions.append((f"{field_path}.{key}", field[key], set()))
    page_order = {f: i for i, f in enumerate(types)}
    for path, condition, earlier in pending_conditions:
        readable = {f: t for f, t in types.items() if t != "info"}
        found = condition_problems(condition, fields=readable, path=path, allow_case=False)
        problems.extend(found)
        if not found and ".fields[" not in path:
            later = sorted(referenced_fields(condition) - earlier)
            if later:
                problems.add(
                    path, f"une page ne dépend que des pages précédentes : {', '.join(later)}"
                )
        if not found and ".fields[" in path:
            own_id = _field_id_at(pages, path)
            if own_id in referenced_fields(condition):
                problems.add(path, "un champ ne peut pas dépendre de lui-même")
            elif own_id is not None:
                later = [
                    f for f in referenced_fields(condition) if page_order[f] > page_order[own_id]
                ]
                if later:
                    problems.add(path, f"dépend de champs demandés plus loin : {', '.join(later)}")
    return types


def _field_id_at(pages: list[Any], path: str) -> str | None:
    match = re.match(r"form\.pages\[(\d+)\]\.fields\[(\d+)\]", path)
    if not match:
        return None
    field = pages[int(match.group(1))]["fields"][int(match.group(2))]
    return field.get("id") if isinstance(field, Mapping) else None


def _check_field(field: Any, path: str, problems: _Problems) -> str | None:
    if not isinstance(field, Mapping):
        problems.add(path, "un champ (dictionnaire) est attendu")
        return None
    field_id, field_type = field.get("id"), field.get("type")
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
    _check_keys(field, COMMON_FIELD_KEYS | FIELD_TYPES[field_type], path, problems)
    if field_type == "info":
        _check_text(field, "text", path, problems)
        return "info"
    _check_text(field, "label", path, problems)
    if "required" in field and not isinstance(field["required"], bool):
        problems.add(f"{path}.required", "true ou false est attendu")
    prefill = field.get("prefill")
    if prefill is not None and field_type not in PREFILL_SOURCES.get(prefill, set()):
        problems.add(
            f"{path}.prefill", f"préremplissage impossible « {prefill} » pour un champ {field_type}"
        )
    if field_type in {"choice", "multichoice"}:
        _check_choices(field.get("choices"), f"{path}.choices", problems)
    if field_type == "choice" and field.get("widget", "radio") not in {"radio", "select"}:
        problems.add(f"{path}.widget", "radio ou select est attendu")
    if field_type == "date":
        for bound in ("min", "max"):
            if bound in field and not DATE_BOUND.match(str(field[bound])):
                problems.add(
                    f"{path}.{bound}", "today, past, future, +N, -N ou une date AAAA-MM-JJ"
                )
    for key in (
        "min",
        "max",
        "decimals",
        "max_length",
        "min_choices",
        "max_choices",
        "max_files",
        "max_size_mb",
    ):
        if key in field and field_type != "date":
            value = field[key]
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                problems.add(f"{path}.{key}", "un nombre positif est attendu")
    if field_type == "file":
        accept = field.get("accept", ["pdf", "jpeg", "png"])
        if not isinstance(accept, list) or not accept or set(accept) - set(FILE_KINDS):
            problems.add(f"{path}.accept", f"liste de types parmi {', '.join(FILE_KINDS)}")
    if field_type == "address" and "countries" in field:
        countries = field["countries"]
        if not isinstance(countries, list) or not all(
            isinstance(c, str) and len(c) == 2 for c in countries
        ):
            problems.add(f"{path}.countries", "liste de codes pays à deux lettres (BE, FR…)")
    return str(field_type)


def _check_choices(choices: Any, path: str, problems: _Problems) -> None:
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


def _check_template(source: Any, path: str, problems: _Problems) -> None:
    if not isinstance(source, str) or not source.strip():
        problems.add(path, "un texte non vide est attendu")
        return
    try:
        TEMPLATE_ENGINE.from_string(source)
    except TemplateSyntaxError as error:
        problems.add(path, f"modèle illisible ({error})")


def _check_documents(documents: Any, problems: _Problems) -> set[str]:
    if not isinstance(documents, list):
        problems.add("documents", "une liste est attendue")
        return set()
    ids: set[str] = set()
    for index, document in enumerate(documents):
        path = f"documents[{index}]"
        if not isinstance(document, Mapping):
            problems.add(path, "un document (dictionnaire) est attendu")
            continue
        _check_keys(document, {"id", "title", "filename", "body"}, path, problems)
        document_id = document.get("id")
        if not isinstance(document_id, str) or not ID.match(document_id) or document_id in ids:
            problems.add(f"{path}.id", "identifiant unique attendu")
        else:
            ids.add(document_id)
        _check_text(document, "title", path, problems)
        filename = document.get("filename")
        if not isinstance(filename, str) or not re.fullmatch(r"[a-z0-9-]+", filename):
            problems.add(f"{path}.filename", "nom de fichier attendu (minuscules, chiffres, -)")
        _check_template(document.get("body"), f"{path}.body", problems)
    return ids


def _check_workflow(
    workflow: Any, fields: Mapping[str, str], documents: set[str], problems: _Problems
) -> set[str]:
    if not isinstance(workflow, Mapping):
        problems.add("workflow", "un circuit (dictionnaire) est attendu")
        return set()
    _check_keys(workflow, {"initial", "statuses", "transitions"}, "workflow", problems)
    statuses = workflow.get("statuses")
    if not isinstance(statuses, list) or not statuses:
        problems.add("workflow.statuses", "une liste non vide de statuts est attendue")
        return set()
    ids: list[str] = []
    for index, status in enumerate(statuses):
        path = f"workflow.statuses[{index}]"
        if not isinstance(status, Mapping):
            problems.add(path, "un statut (dictionnaire) est attendu")
            continue
        allowed = {
            "id",
            "label",
            "agent_label",
            "next_step",
            "final",
            "waits_for_citizen",
            "on_enter",
            "timers",
            "college",
        }
        _check_keys(status, allowed, path, problems)
        status_id = status.get("id")
        if not isinstance(status_id, str) or not ID.match(status_id) or status_id in ids:
            problems.add(f"{path}.id", "identifiant unique attendu")
            continue
        ids.append(status_id)
        _check_text(status, "label", path, problems)
        for flag in ("final", "waits_for_citizen"):
            if flag in status and not isinstance(status[flag], bool):
                problems.add(f"{path}.{flag}", "true ou false est attendu")
        if status.get("final") and status.get("waits_for_citizen"):
            problems.add(path, "un statut final n'attend pas de réponse du citoyen")
        context = DefinitionContext(fields=fields, documents=documents)
        _check_actions(status.get("on_enter", []), f"{path}.on_enter", context, problems)
    known = set(ids)
    transition_ids = _check_transitions(workflow.get("transitions"), known, fields, problems)
    for index, status in enumerate(statuses):
        if isinstance(status, Mapping) and "college" in status:
            _check_college(status, f"workflow.statuses[{index}].college", workflow, problems)
    for index, status in enumerate(statuses):
        if isinstance(status, Mapping) and "timers" in status:
            _check_timers(
                status["timers"], f"workflow.statuses[{index}].timers", transition_ids, problems
            )
    initial = workflow.get("initial")
    if initial not in known:
        problems.add("workflow.initial", f"statut initial inconnu « {initial} »")
    if not any(isinstance(s, Mapping) and s.get("final") for s in statuses):
        problems.add("workflow.statuses", "au moins un statut final est attendu")
    return known


def _check_actions(
    actions: Any, path: str, context: DefinitionContext, problems: _Problems
) -> None:
    if not isinstance(actions, list):
        problems.add(path, "une liste d'actions est attendue")
        return
    for index, action in enumerate(actions):
        item = f"{path}[{index}]"
        if not isinstance(action, Mapping) or action.get("do") not in ACTIONS:
            problems.add(item, f"action inconnue (possibles : {', '.join(ACTIONS)})")
            continue
        _check_keys(action, {"do"} | ACTIONS[action["do"]], item, problems)
        if action["do"] in {"set_deadline", "extend_deadline"}:
            amounts = [key for key in ("working_days", "days") if key in action]
            if (
                len(amounts) != 1
                or not isinstance(action[amounts[0]], int)
                or action[amounts[0]] <= 0
            ):
                problems.add(item, "indiquez working_days ou days (nombre entier positif)")
        if action["do"] == "generate_document" and action.get("document") not in context.documents:
            problems.add(f"{item}.document", f"document inconnu « {action.get('document')} »")
        check = ACTION_CHECKS.get(action["do"])
        if check is not None:
            for problem in check(action, context):
                problems.add(item, problem)


def _check_transitions(
    transitions: Any, statuses: set[str], fields: Mapping[str, str], problems: _Problems
) -> set[str]:
    if not isinstance(transitions, list) or not transitions:
        problems.add("workflow.transitions", "une liste non vide de transitions est attendue")
        return set()
    ids: set[str] = set()
    for index, transition in enumerate(transitions):
        path = f"workflow.transitions[{index}]"
        if not isinstance(transition, Mapping):
            problems.add(path, "une transition (dictionnaire) est attendue")
            continue
        _check_keys(
            transition,
            {"id", "label", "from", "to", "roles", "comment", "when", "style", "authority"},
            path,
            problems,
        )
        transition_id = transition.get("id")
        if (
            not isinstance(transition_id, str)
            or not ID.match(transition_id)
            or transition_id in ids
        ):
            problems.add(f"{path}.id", "identifiant unique attendu")
        else:
            ids.add(transition_id)
        _check_text(transition, "label", path, problems)
        sources = transition.get("from")
        if not isinstance(sources, list) or not sources:
            problems.add(f"{path}.from", "une liste de statuts (ou [any]) est attendue")
        else:
            for source in sources:
                if source != "any" and source not in statuses:
                    problems.add(f"{path}.from", f"statut inconnu « {source} »")
        if transition.get("to") not in statuses:
            problems.add(f"{path}.to", f"statut inconnu « {transition.get('to')} »")
        roles = transition.get("roles", list(ROLES))
        if not isinstance(roles, list) or not roles or set(roles) - set(ROLES):
            problems.add(f"{path}.roles", f"liste de rôles parmi {', '.join(ROLES)}")
        if transition.get("comment", "optional") not in COMMENT_MODES:
            problems.add(f"{path}.comment", "none, optional ou required")
        if transition.get("authority", "college") != "college":
            problems.add(f"{path}.authority", "seule l'autorité « college » existe")
        if transition.get("style", "secondary") not in STYLES:
            problems.add(f"{path}.style", "primary, secondary ou danger")
        if "when" in transition:
            problems.extend(
                condition_problems(transition["when"], fields=fields, path=f"{path}.when")
            )
    return ids


COLLEGE_DECISIONS = ("authorised", "authorised_with_conditions", "refused")


def _check_college(
    status: Mapping[str, Any], path: str, workflow: Mapping[str, Any], problems: _Problems
) -> None:
    """``college: {authorised: <transition>, …}``: the College decides cases in
    this status, and each decision takes its transition."""
    mapping = status["college"]
    if not isinstance(mapping, Mapping) or not mapping:
        problems.add(
            path,
            f"un dictionnaire {{décision: transition}} est attendu ({', '.join(COLLEGE_DECISIONS)})",
        )
        return
    transitions = {
        t.get("id"): t for t in workflow.get("transitions") or [] if isinstance(t, Mapping)
    }
    for decision, transition_id in mapping.items():
        if decision not in COLLEGE_DECISIONS:
            problems.add(path, f"décision inconnue « {decision} »")
        transition = transitions.get(transition_id)
        if transition is None:
            problems.add(f"{path}.{decision}", f"transition inconnue « {transition_id} »")
        elif status.get("id") not in (transition.get("from") or []) and "any" not in (
            transition.get("from") or []
        ):
            problems.add(
                f"{path}.{decision}", f"la transition « {transition_id} » ne part pas de ce statut"
            )


def _check_timers(timers: Any, path: str, transitions: set[str], problems: _Problems) -> None:
    if not isinstance(timers, list):
        problems.add(path, "une liste de minuteries est attendue")
        return
    for index, timer in enumerate(timers):
        item = f"{path}[{index}]"
        if not isinstance(timer, Mapping):
            problems.add(item, "une minuterie (dictionnaire) est attendue")
            continue
        _check_keys(timer, {*TIMER_DELAYS, "do", "transition"}, item, problems)
        delays = [key for key in TIMER_DELAYS if key in timer]
        if len(delays) != 1 or not isinstance(timer[delays[0]], int) or timer[delays[0]] <= 0:
            problems.add(
                item, f"un délai est attendu parmi {', '.join(TIMER_DELAYS)} (entier positif)"
            )
        if ("do" in timer) == ("transition" in timer):
            problems.add(item, "indiquez soit « do: remind », soit « transition »")
        elif "do" in timer and timer["do"] != "remind":
            problems.add(f"{item}.do", "seule l'action « remind » est possible")
        elif "transition" in timer and timer["transition"] not in transitions:
            problems.add(f"{item}.transition", f"transition inconnue « {timer['transition']} »")


def _check_emails(emails: Any, statuses: set[str], problems: _Problems) -> None:
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
        _check_template(email["subject"], f"{path}.subject", problems)
        _check_template(email["body"], f"{path}.body", problems)


def _check_tracking(check: Any, fields: Mapping[str, str], problems: _Problems) -> None:
    if not isinstance(check, list):
        problems.add("tracking_check", "une liste de champs est attendue")
        return
    for field_id in check:
        if fields.get(field_id) not in {"text", "date", "national_number", "email"}:
            problems.add("tracking_check", f"champ inconnu ou inutilisable « {field_id} »")


def _check_routing(rules: Any, fields: Mapping[str, str], problems: _Problems) -> None:
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


def _check_options(options: Any, fields: Mapping[str, str], problems: _Problems) -> None:
    if not isinstance(options, Mapping):
        problems.add("options", "un dictionnaire est attendu")
        return
    _check_keys(options, OPTION_KEYS, "options", problems)
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


# --- Read-only view --------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    id: str
    title: str
    intro: str
    fields: tuple[dict[str, Any], ...]
    visible_if: dict[str, Any] | None


class ProcedureDefinition:
    """A valid definition, with the lookups the engines need."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        form = data.get("form") or {"pages": []}
        self.pages = tuple(
            Page(
                id=page["id"],
                title=page["title"],
                intro=page.get("intro", ""),
                fields=tuple(page["fields"]),
                visible_if=page.get("visible_if"),
            )
            for page in form["pages"]
        )
        self.fields: dict[str, dict[str, Any]] = {
            field["id"]: field for page in self.pages for field in page.fields
        }
        workflow = data.get("workflow") or {}
        self.statuses: dict[str, dict[str, Any]] = {
            s["id"]: s for s in workflow.get("statuses", [])
        }
        self.transitions: dict[str, dict[str, Any]] = {
            t["id"]: t for t in workflow.get("transitions", [])
        }
        self.initial_status: str = workflow.get("initial", "")
        self.documents: dict[str, dict[str, Any]] = {d["id"]: d for d in data.get("documents", [])}
        self.emails: Mapping[str, dict[str, str]] = data.get("emails", {})
        self.tracking_check: list[str] = list(data.get("tracking_check", []))
        self.routing: list[dict[str, Any]] = list(data.get("routing", []))
        self.options: Mapping[str, Any] = data.get("options", {})

    @property
    def is_fileable(self) -> bool:
        return bool(self.pages and self.statuses)

    def page(self, page_id: str) -> Page | None:
        return next((page for page in self.pages if page.id == page_id), None)

    def input_fields(self) -> Iterator[dict[str, Any]]:
        return (field for field in self.fields.values() if field["type"] != "info")

    def field_types(self) -> dict[str, str]:
        return {field_id: field["type"] for field_id, field in self.fields.items()}

    def status_label(self, status_id: str, *, agent: bool = False) -> str:
        status = self.statuses.get(status_id, {})
        if agent:
            return str(status.get("agent_label") or status.get("label") or status_id)
        return str(status.get("label") or status_id)

    def is_final(self, status_id: str) -> bool:
        return bool(self.statuses.get(status_id, {}).get("final"))

    def transitions_from(self, status_id: str) -> list[dict[str, Any]]:
        return [
            t for t in self.transitions.values() if status_id in t["from"] or "any" in t["from"]
        ]

    def choice_label(self, field_id: str, value: Any) -> str:
        field = self.fields.get(field_id, {})
        for choice in field.get("choices", []):
            if choice["value"] == value:
                return str(choice["label"])
        return str(value)
