"""The one condition language of procedure definitions.

Conditions are JSON (written as YAML in definition files) and always
evaluated on the server. They decide whether a field or page is shown or
required, which service a case is routed to, and whether a workflow
transition is open. See docs/procedure-definitions.md.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from operator import ge, gt, le, lt
from typing import Any

from django.utils import timezone

COMPARISONS = ("equals", "not_equals", "in", "not_in", "contains", "gt", "gte", "lt", "lte")
DATE_WINDOWS = ("days_from_today_lt", "days_from_today_gte")
SUBJECT_KEYS = ("field", "case")
CASE_ATTRIBUTES = (
    "channel",
    "status",
    "service",
    "opinions_requested",
    "opinions_pending",
    "opinions_unfavourable",
    # The procedure's fee is paid (payments app, read through the case's payments).
    "fee_paid",
    # Amounts an agent asked for (« Demander un paiement ») and not paid yet.
    "amounts_unpaid",
)
Condition = Mapping[str, Any]
ORDERINGS: dict[str, Callable[[Any, Any], bool]] = {
    "gt": gt,
    "gte": ge,
    "lt": lt,
    "lte": le,
}


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _comparable(value: Any) -> Any:
    """Numbers compare as decimals and ISO dates as dates; the rest as given."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            pass
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _ordered(left: Any, right: Any, test: Callable[[Any, Any], bool]) -> bool:
    a, b = _comparable(left), _comparable(right)
    if type(a) is not type(b):
        return False
    try:
        return test(a, b)
    except TypeError:
        return False


def _days_from_today(value: Any, today: datetime.date) -> int | None:
    day = _comparable(value)
    if not isinstance(day, datetime.date):
        return None
    return (day - today).days


def evaluate(
    condition: Condition | None,
    answers: Mapping[str, Any],
    *,
    case: Mapping[str, Any] | None = None,
    today: datetime.date | None = None,
) -> bool:
    """Whether ``condition`` holds for these answers (and case attributes).

    An absent condition holds. A malformed one never does (definitions are
    checked at import, so this only guards against hand-edited data).
    """
    if condition is None:
        return True
    if "all" in condition:
        return all(evaluate(c, answers, case=case, today=today) for c in condition["all"])
    if "any" in condition:
        return any(evaluate(c, answers, case=case, today=today) for c in condition["any"])
    if "not" in condition:
        return not evaluate(condition["not"], answers, case=case, today=today)
    if "field" in condition:
        value = answers.get(condition["field"])
    elif "case" in condition:
        value = (case or {}).get(condition["case"])
    else:
        return False
    if "filled" in condition:
        return (not _is_empty(value)) is bool(condition["filled"])
    for window in DATE_WINDOWS:
        if window in condition:
            days = _days_from_today(value, today or timezone.localdate())
            if days is None:
                return False
            limit = int(condition[window])
            return days < limit if window.endswith("_lt") else days >= limit
    if "equals" in condition:
        return bool(_comparable(value) == _comparable(condition["equals"]))
    if "not_equals" in condition:
        return bool(_comparable(value) != _comparable(condition["not_equals"]))
    if "in" in condition:
        return value in condition["in"]
    if "not_in" in condition:
        return value not in condition["not_in"]
    if "contains" in condition:
        return isinstance(value, list) and condition["contains"] in value
    for operator in ORDERINGS:
        if operator in condition:
            return compare(value, operator, condition[operator])
    return False


def compare(left: Any, operator: str, right: Any) -> bool:
    """Whether ``left`` is gt, gte, lt or lte ``right``: numbers compare as
    decimals and ISO dates as dates; values of different kinds never do."""
    return _ordered(left, right, ORDERINGS[operator])


def condition_problems(
    condition: Any, *, fields: Mapping[str, str], path: str, allow_case: bool = True
) -> list[str]:
    """Everything wrong with ``condition``, as ``path: reason`` in French.

    ``fields`` maps the field ids a condition may refer to onto their types.
    """
    if not isinstance(condition, Mapping) or not condition:
        return [f"{path}: une condition (dictionnaire) est attendue"]
    for group in ("all", "any"):
        if group in condition:
            items = condition[group]
            if len(condition) != 1 or not isinstance(items, list) or not items:
                return [f"{path}.{group}: une liste non vide de conditions est attendue, seule"]
            problems: list[str] = []
            for index, item in enumerate(items):
                problems += condition_problems(
                    item, fields=fields, path=f"{path}.{group}[{index}]", allow_case=allow_case
                )
            return problems
    if "not" in condition:
        if len(condition) != 1:
            return [f"{path}.not: « not » s'emploie seul"]
        return condition_problems(
            condition["not"], fields=fields, path=f"{path}.not", allow_case=allow_case
        )
    return _comparison_problems(condition, fields=fields, path=path, allow_case=allow_case)


def _comparison_problems(
    condition: Mapping[str, Any], *, fields: Mapping[str, str], path: str, allow_case: bool
) -> list[str]:
    """The problems of one comparison: a subject, one operator, its operand."""
    subjects = [key for key in SUBJECT_KEYS if key in condition]
    if len(subjects) != 1:
        return [f"{path}: indiquez « field » (une réponse) ou « case » (le dossier)"]
    subject = subjects[0]
    if subject == "case":
        if not allow_case:
            return [f"{path}: « case » n'a pas de sens ici (pas encore de dossier)"]
        if condition["case"] not in CASE_ATTRIBUTES:
            return [
                f"{path}.case: attribut inconnu « {condition['case']} » "
                f"(possibles : {', '.join(CASE_ATTRIBUTES)})"
            ]
    elif condition["field"] not in fields:
        return [f"{path}.field: champ inconnu « {condition['field']} »"]
    operators = [key for key in condition if key != subject]
    known = (*COMPARISONS, *DATE_WINDOWS, "filled")
    if len(operators) != 1 or operators[0] not in known:
        return [f"{path}: un seul opérateur est attendu parmi {', '.join(known)}"]
    operator = operators[0]
    operand = condition[operator]
    if operator in {"in", "not_in"} and not isinstance(operand, list):
        return [f"{path}.{operator}: une liste de valeurs est attendue"]
    if operator in DATE_WINDOWS:
        if isinstance(operand, bool) or not isinstance(operand, int):
            return [f"{path}.{operator}: un nombre de jours (entier) est attendu"]
        if subject == "field" and fields[condition["field"]] != "date":
            return [f"{path}.{operator}: ne s'applique qu'à un champ de type date"]
    if (
        operator == "contains"
        and subject == "field"
        and fields[condition["field"]] != "multichoice"
    ):
        return [f"{path}.contains: ne s'applique qu'à un champ à choix multiples"]
    if operator == "filled" and not isinstance(operand, bool):
        return [f"{path}.filled: true ou false est attendu"]
    return []


def referenced_fields(condition: Any) -> set[str]:
    """The field ids a (valid) condition reads."""
    if not isinstance(condition, Mapping):
        return set()
    found: set[str] = set()
    for group in ("all", "any"):
        for item in condition.get(group, []):
            found |= referenced_fields(item)
    if "not" in condition:
        found |= referenced_fields(condition["not"])
    if "field" in condition:
        found.add(str(condition["field"]))
    return found
