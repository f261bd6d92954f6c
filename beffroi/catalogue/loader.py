"""Read the catalogue's definition files and check them.

Files are YAML, one per procedure, plus ``categories.yaml``. A file that does
not validate is refused with every problem listed as ``file: path: reason``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from beffroi.catalogue.definition import (
    FEE_KEYS,
    definition_problems,
    expand_shared_pieces,
    fee_has_definition,
)

SHIPPED_DIR = Path(__file__).resolve().parent / "shipped"

CATEGORY_KEYS = {"slug": str, "name": str, "description": str, "position": int}
PROCEDURE_REQUIRED = {
    "slug": str,
    "title": str,
    "category": str,
    "service": str,
    "position": int,
    "summary": str,
    "audience": str,
    "prepare": list,
    "steps": list,
    "fee": dict,
    "processing_days": int,
    "legal_deadline_days": (int, type(None)),
    "eid_required": bool,
    "anonymous": bool,
    "legal_basis": str,
    "keywords": list,
}
# Parts of a definition read by later layers (forms, workflow, documents).
PROCEDURE_OPTIONAL: dict[str, type | tuple[type, ...]] = {
    "form": dict,
    "workflow": dict,
    "documents": list,
    "emails": dict,
    "tracking_check": list,
    "routing": list,
    "options": dict,
}


class DefinitionError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Problems:
    source: str
    items: list[str] = field(default_factory=list)

    def add(self, path: str, message: str) -> None:
        self.items.append(
            f"{self.source}: {path}: {message}" if path else f"{self.source}: {message}"
        )


@dataclass(frozen=True)
class CategoryData:
    slug: str
    name: str
    description: str
    position: int


@dataclass(frozen=True)
class ProcedureData:
    slug: str
    title: str
    category: str
    service: str
    position: int
    summary: str
    audience: str
    prepare: list[str]
    steps: list[str]
    fee_amount: Decimal | None
    fee_label: str
    processing_days: int
    legal_deadline_days: int | None
    eid_required: bool
    anonymous: bool
    legal_basis: str
    keywords: list[str]
    definition: dict[str, Any]


def _type_name(expected: type | tuple[type, ...]) -> str:
    names = {
        str: "un texte",
        int: "un nombre entier",
        bool: "true ou false",
        list: "une liste",
        dict: "un dictionnaire",
        type(None): "null",
    }
    if isinstance(expected, tuple):
        return " ou ".join(names.get(t, t.__name__) for t in expected)
    return names.get(expected, expected.__name__)


def _check_keys(
    data: Any,
    required: dict[str, Any],
    optional: dict[str, Any],
    problems: Problems,
    path: str = "",
) -> bool:
    if not isinstance(data, dict):
        problems.add(path, "un dictionnaire est attendu")
        return False
    for key, expected in required.items():
        if key not in data:
            problems.add(path, f"clé obligatoire « {key} » absente")
        elif not isinstance(data[key], expected) or (
            expected is int and isinstance(data[key], bool)
        ):
            problems.add(f"{path}{key}", f"{_type_name(expected)} est attendu")
    for key, value in data.items():
        if key in required:
            continue
        if key not in optional:
            problems.add(path, f"clé inconnue « {key} »")
        elif not isinstance(value, optional[key]):
            problems.add(f"{path}{key}", f"{_type_name(optional[key])} est attendu")
    return not problems.items


def _str_list(value: list[Any], path: str, problems: Problems) -> list[str]:
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            problems.add(f"{path}[{index}]", "un texte non vide est attendu")
    return [str(item).strip() for item in value]


def load_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"ligne {mark.line + 1}, colonne {mark.column + 1}" if mark else ""
        raise DefinitionError([f"{path.name}: {where}: YAML illisible ({error})"]) from error


def read_yaml_text(text: str, source: str) -> Any:
    """A definition sent as text (an uploaded file): its problems said like a file's."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"ligne {mark.line + 1}, colonne {mark.column + 1}: " if mark else ""
        # PyYAML's reasons are English: the place and what to check are said in French.
        raise DefinitionError(
            [
                f"{source}: {where}YAML illisible (vérifiez l'indentation, les deux-points "
                "et les guillemets)"
            ]
        ) from error


def parse_categories(data: Any, source: str = "categories.yaml") -> list[CategoryData]:
    problems = Problems(source)
    if not isinstance(data, list):
        raise DefinitionError([f"{source}: une liste de catégories est attendue"])
    categories = []
    for index, item in enumerate(data):
        sub = Problems(source)
        if _check_keys(item, CATEGORY_KEYS, {}, sub, f"[{index}]."):
            categories.append(CategoryData(**item))
        problems.items.extend(sub.items)
    if problems.items:
        raise DefinitionError(problems.items)
    return categories


def parse_procedure(data: Any, source: str, *, shared_dir: Path = SHIPPED_DIR) -> ProcedureData:
    problems = Problems(source)
    if isinstance(data, dict):
        for problem in expand_shared_pieces(data, shared_dir):
            problems.add("", problem)
    if not _check_keys(data, PROCEDURE_REQUIRED, PROCEDURE_OPTIONAL, problems):
        raise DefinitionError(problems.items)
    prepare = _str_list(data["prepare"], "prepare", problems)
    steps = _str_list(data["steps"], "steps", problems)
    keywords = _str_list(data["keywords"], "keywords", problems)
    fee = data["fee"]
    amount: Decimal | None = None
    if not {"amount", "label"} <= set(fee) or not set(fee) <= FEE_KEYS:
        problems.add(
            "fee",
            "les clés « amount » et « label » sont attendues (et au plus "
            f"{', '.join(sorted(FEE_KEYS - {'amount', 'label'}))})",
        )
    else:
        try:
            amount = Decimal(str(fee["amount"]))
            if amount < 0:
                problems.add("fee.amount", "le montant ne peut pas être négatif")
        except InvalidOperation:
            problems.add("fee.amount", f"montant illisible « {fee['amount']} »")
    if data["processing_days"] <= 0:
        problems.add("processing_days", "le délai habituel doit être positif")
    if Path(source).stem != data["slug"] and source.endswith(".yaml"):
        problems.add("slug", f"doit être le nom du fichier (« {Path(source).stem} »)")
    definition = {key: data[key] for key in PROCEDURE_OPTIONAL if key in data}
    if definition and fee_has_definition(fee):
        # Computed or paid at filing: versioned with the form and workflow it reads.
        definition["fee"] = fee
    if definition and not problems.items:
        for problem in definition_problems(definition):
            problems.add("", problem)
    if problems.items:
        raise DefinitionError(problems.items)
    return ProcedureData(
        slug=data["slug"],
        title=data["title"].strip(),
        category=data["category"],
        service=data["service"],
        position=data["position"],
        summary=data["summary"].strip(),
        audience=data["audience"].strip(),
        prepare=prepare,
        steps=steps,
        fee_amount=amount if amount else None,
        fee_label=str(fee.get("label", "")).strip(),
        processing_days=data["processing_days"],
        legal_deadline_days=data["legal_deadline_days"],
        eid_required=data["eid_required"],
        anonymous=data["anonymous"],
        legal_basis=data["legal_basis"].strip(),
        keywords=keywords,
        definition=definition,
    )


def read_catalogue(directory: Path = SHIPPED_DIR) -> tuple[list[CategoryData], list[ProcedureData]]:
    """Parse a catalogue folder; raise DefinitionError listing every problem."""
    problems: list[str] = []
    categories: list[CategoryData] = []
    try:
        categories = parse_categories(load_yaml(directory / "categories.yaml"))
    except DefinitionError as error:
        problems.extend(error.problems)
    except FileNotFoundError:
        problems.append("categories.yaml: fichier absent")
    procedures: list[ProcedureData] = []
    for path in _procedure_files(directory):
        try:
            procedures.append(parse_procedure(load_yaml(path), path.name, shared_dir=directory))
        except DefinitionError as error:
            problems.extend(error.problems)
    known = {category.slug for category in categories}
    for procedure in procedures:
        if categories and procedure.category not in known:
            problems.append(
                f"{procedure.slug}.yaml: category: catégorie inconnue « {procedure.category} »"
            )
    if problems:
        raise DefinitionError(problems)
    return categories, procedures


def _procedure_files(directory: Path) -> Iterator[Path]:
    yield from sorted((directory / "procedures").glob("*.yaml"))
