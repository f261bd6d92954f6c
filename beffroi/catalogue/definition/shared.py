"""Shared pieces: fragments of fields and whole workflows that procedures
include, expanded when a file is read (a published version is self-contained)."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import yaml

from beffroi.catalogue.definition.problems import Problems


class SharedPieceError(Exception):
    """A shared fragment or workflow file that cannot be read."""


def read_yaml(path: Path) -> Any:
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
    problems = Problems()
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
    data: dict[str, Any], workflow: dict[str, Any], shared_dir: Path, problems: Problems
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
        shared = read_yaml(file)
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


def _fragment(item: dict[str, Any], shared_dir: Path, path: str, problems: Problems) -> list[Any]:
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
        fields = copy.deepcopy(read_yaml(file))
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
