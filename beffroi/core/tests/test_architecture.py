"""The shape of the code: apps in layers, imports at the top, public APIs only.

These read the source (not the imported modules), so they see every module,
including those no test imports.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "beffroi"

# From the bottom up: an app may import the apps of the layers below its own,
# and those listed before it in its own layer (docs/architecture.md).
LAYERS: list[list[str]] = [
    ["__init__", "env", "settings", "settings_test", "urls", "wsgi", "core"],
    ["audit", "municipality", "accounts", "notifications"],
    ["signatures", "documents"],
    ["catalogue"],
    ["cases"],
    ["organisations", "college", "agenda", "mail", "payments"],
    ["portal", "backoffice", "cooperative"],
    ["demo"],
    ["testing"],
]
ORDER = {
    app: (layer, position) for layer, apps in enumerate(LAYERS) for position, app in enumerate(apps)
}
# The project's wiring reads every app's URLs and settings: not a domain layer.
WIRING = {"urls", "settings", "settings_test", "wsgi"}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, as a path relative to the project
    line: int
    target: str  # the imported module
    in_function: bool
    in_type_checking: bool


def _app_of(module_path: Path) -> str:
    relative = module_path.relative_to(PACKAGE)
    return relative.parts[0].removesuffix(".py")


def _source_modules(*, tests: bool = False) -> Iterator[Path]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "migrations" in parts:
            continue
        if ("tests" in parts) != tests and not (tests and parts[0] == "testing"):
            continue
        yield path


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path) -> Iterator[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    relative = str(path.relative_to(ROOT))

    def walk(node: ast.AST, in_function: bool, in_type_checking: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                if isinstance(child, ast.Import):
                    targets = [alias.name for alias in child.names]
                elif child.level:  # a relative import: resolved against the package
                    base = path.relative_to(ROOT).with_suffix("").parts[: -child.level]
                    targets = [".".join([*base, child.module or ""]).rstrip(".")]
                else:
                    targets = [child.module or ""]
                for target in targets:
                    yield Import(relative, child.lineno, target, in_function, in_type_checking)
            function = isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            checking = isinstance(child, ast.If) and _is_type_checking(child)
            yield from walk(child, in_function or function, in_type_checking or checking)

    yield from walk(tree, False, False)


def _is_ready_hook(item: Import) -> bool:
    """``AppConfig.ready()`` importing receivers, actions and hooks: Django's
    documented way of connecting them once the apps are loaded (the layers
    still apply to these imports)."""
    return item.module.endswith("/apps.py")


def test_no_app_imports_an_app_above_it() -> None:
    wrong = []
    for path in _source_modules():
        app = _app_of(path)
        if app in WIRING or app not in ORDER:
            continue
        for item in _imports(path):
            if not item.target.startswith("beffroi."):
                continue
            target_app = item.target.split(".")[1]
            if target_app == app or target_app not in ORDER:
                continue
            if ORDER[target_app] > ORDER[app]:
                wrong.append(f"{item.module}:{item.line} {app} imports {item.target}")
    assert not wrong, "Imports that point up the layers:\n" + "\n".join(wrong)


def test_every_app_is_in_a_layer() -> None:
    apps = {_app_of(path) for path in _source_modules()}
    assert apps <= set(ORDER), sorted(apps - set(ORDER))


def test_no_import_of_beffroi_is_hidden_in_a_function() -> None:
    hidden = [
        f"{item.module}:{item.line} {item.target}"
        for path in _source_modules()
        for item in _imports(path)
        if item.in_function and item.target.startswith("beffroi.") and not _is_ready_hook(item)
    ]
    assert not hidden, "Imports inside functions (a cycle dodged?):\n" + "\n".join(hidden)


def test_no_cycle_between_the_modules_of_an_app() -> None:
    graph: dict[str, set[str]] = {}
    for path in _source_modules():
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        graph[name] = {
            item.target
            for item in _imports(path)
            if item.target.startswith("beffroi.") and not item.in_type_checking
        }
    # A module imported as a package name also depends on the package's __init__.
    cycles = []
    visiting: list[str] = []
    done: set[str] = set()

    def visit(node: str) -> None:
        if node in done:
            return
        if node in visiting:
            cycles.append(" -> ".join([*visiting[visiting.index(node) :], node]))
            return
        visiting.append(node)
        for target in sorted(graph.get(node, ())):
            if target in graph:
                visit(target)
        visiting.pop()
        done.add(node)

    for node in sorted(graph):
        visit(node)
    assert not cycles, "Import cycles:\n" + "\n".join(cycles)


# --- Public APIs only --------------------------------------------------------------------

# A name with one leading underscore is private to whoever defines it.
# ``self._x`` must be defined in the same file (a class of ours using its own
# members, not a subclass reaching into its library parent's); ``obj._x``
# and ``from m import _x`` must name something Beffroi defines (a test
# reaching a helper of ours).
# Django documents ``Model._meta`` as the public Model _meta API.
_PUBLIC_BY_DOCUMENTATION = {"_meta"}


def _defined_names(tree: ast.AST) -> set[str]:
    """Names with a leading underscore that a module defines."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {name for name in names if name.startswith("_") and not name.startswith("__")}


# Packages whose private names are ours to use.
OURS = {"beffroi", "bench", "scripts"}


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _python_files() -> Iterator[Path]:
    yield from _source_modules()
    yield from _source_modules(tests=True)
    yield from sorted((ROOT / "bench").glob("*.py"))
    yield from sorted((ROOT / "scripts").glob("*.py"))
    yield ROOT / "conftest.py"


# Private keys Django keeps in a request's META.
_PRIVATE_KEYS = {"CSRF_COOKIE_NEEDS_UPDATE", "CSRF_COOKIE"}


def _strings_named_in(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Call):
        function = node.func
        name = function.id if isinstance(function, ast.Name) else getattr(function, "attr", "")
        if name in {"getattr", "hasattr", "setattr", "delattr", "get", "pop", "setdefault"}:
            return [
                a.value
                for a in node.args[:2]
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            ]
        return []
    if isinstance(node, ast.Subscript):
        key = node.slice
        return [key.value] if isinstance(key, ast.Constant) and isinstance(key.value, str) else []
    if isinstance(node, ast.Dict):
        return [
            k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)
        ]
    return []


def _scanned_files() -> Iterator[Path]:
    """Every Python file but this one (which spells the names it looks for)."""
    return (path for path in _python_files() if path != Path(__file__).resolve())


def _is_super_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"
    )


def test_no_private_name_of_django_or_of_a_library_is_used() -> None:
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in _scanned_files()}
    ours = set().union(*(_defined_names(tree) for tree in trees.values()))
    found = []
    for path, tree in trees.items():
        relative = path.relative_to(ROOT)
        here = _defined_names(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] not in OURS:
                for alias in node.names:
                    if _private(alias.name):
                        found.append(
                            f"{relative}:{node.lineno} from {node.module} import {alias.name}"
                        )
                if any(_private(part) for part in (node.module or "").split(".")):
                    found.append(f"{relative}:{node.lineno} from {node.module}")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if any(_private(part) for part in alias.name.split(".")):
                        found.append(f"{relative}:{node.lineno} import {alias.name}")
            elif isinstance(node, ast.Attribute):
                name = node.attr
                if not name.startswith("_") or name.startswith("__"):
                    continue
                if name in _PUBLIC_BY_DOCUMENTATION:
                    continue
                owner = node.value
                if _is_super_call(owner):
                    # super()._x reaches into a parent's internals, even when
                    # this class overrides _x.
                    found.append(f"{relative}:{node.lineno} super().{name}")
                elif isinstance(owner, ast.Name) and owner.id in {"self", "cls"}:
                    if name in here:
                        continue
                    found.append(f"{relative}:{node.lineno} {owner.id}.{name} (not defined here)")
                elif name not in ours:
                    found.append(f"{relative}:{node.lineno} .{name}")
            elif isinstance(node, ast.Call | ast.Subscript | ast.Dict):
                # A private name spelt as a string: getattr(obj, "_x"),
                # session["_x"], {"_x": ...} posted to Django's admin.
                for spelt in _strings_named_in(node):
                    if (_private(spelt) and spelt not in ours) or spelt in _PRIVATE_KEYS:
                        found.append(f"{relative}:{node.lineno} {spelt!r}")
    assert not found, "Private names of Django or of a library:\n" + "\n".join(found)


def test_no_connection_internals_are_touched() -> None:
    """The data layer is Django's: no state kept on its connection objects."""
    found = []
    for path in _scanned_files():
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), start=1):
            if re.search(r"\.__dict__\b", line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "Reaching into objects' __dict__:\n" + "\n".join(found)
