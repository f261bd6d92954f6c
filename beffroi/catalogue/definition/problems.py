"""What every check of a definition shares: the list of problems found, and
the checks of a key set and of a text."""

from __future__ import annotations

import re
from collections.abc import Mapping

ID = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


class Problems(list[str]):
    """Problems found so far, each as ``path: reason`` in French."""

    def add(self, path: str, message: str) -> None:
        self.append(f"{path}: {message}")


def check_keys(
    data: Mapping[str, object], allowed: set[str], path: str, problems: Problems
) -> None:
    for key in data:
        if key not in allowed:
            problems.add(path, f"clé inconnue « {key} »")


def check_text(data: Mapping[str, object], key: str, path: str, problems: Problems) -> None:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.add(f"{path}.{key}", "un texte non vide est attendu")
