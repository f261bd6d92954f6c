"""What a procedure costs: a fixed amount, or one computed from the answers.

In a definition file::

    fee:
      amount: "2.00"                 # the amount, or the rate when ``per`` is given
      label: 2 €                     # what the catalogue says
      pay: filing                    # paid online when the request is sent
      paid_transition: payment_received   # taken when it is paid

    fee:
      amount: "0.50"
      label: 0,50 € par m² et par jour (minimum 10 €)
      per:                           # the rate times each factor
        - {field: surface, unit: m²}
        - {days_between: [start_date, end_date]}   # both days counted
      minimum: "10.00"

The catalogue's own keys (``amount``, ``label``) are read by the loader; a
fee with any other key is part of the fileable definition, checked here
against its form and workflow, and versioned with them.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

FEE_KEYS = {"amount", "label", "per", "minimum", "pay", "paid_transition"}
# Keys that make a fee part of the fileable definition.
FEE_DEFINITION_KEYS = FEE_KEYS - {"amount", "label"}
PAY_MOMENTS = ("filing",)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class FeeQuote:
    """An amount due, and how it was computed (for the citizen, in French)."""

    amount: Decimal
    explanation: str
    at_filing: bool


def euros(amount: Decimal) -> str:
    """« 2,00 € », as Belgian French writes it (a space that never breaks)."""
    return f"{amount.quantize(CENT):.2f}".replace(".", ",") + "\u00a0€"


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def fee_has_definition(fee: Any) -> bool:
    return isinstance(fee, Mapping) and bool(set(fee) & FEE_DEFINITION_KEYS)


# --- Checks -------------------------------------------------------------------------------


def _factor_problems(factor: Any, path: str, fields: Mapping[str, str]) -> list[str]:
    if not isinstance(factor, Mapping):
        return [f"{path}: un facteur {{field, unit}} ou {{days_between}} est attendu"]
    if "days_between" in factor:
        if set(factor) != {"days_between"}:
            return [f"{path}: « days_between » s'écrit seul"]
        pair = factor["days_between"]
        if not isinstance(pair, list) or len(pair) != 2:
            return [f"{path}.days_between: deux champs de type date sont attendus [début, fin]"]
        return [
            f"{path}.days_between: « {field_id} » n'est pas un champ de type date"
            for field_id in pair
            if fields.get(str(field_id)) != "date"
        ]
    unknown = set(factor) - {"field", "unit"}
    if unknown:
        return [f"{path}: clé inconnue « {sorted(unknown)[0]} »"]
    if fields.get(str(factor.get("field"))) != "number":
        return [f"{path}.field: « {factor.get('field')} » n'est pas un champ de type nombre"]
    if not isinstance(factor.get("unit", ""), str):
        return [f"{path}.unit: un texte est attendu (par exemple m²)"]
    return []


def _pay_problems(fee: Mapping[str, Any], workflow: Any) -> list[str]:
    if fee["pay"] not in PAY_MOMENTS:
        return [f"fee.pay: seul « {', '.join(PAY_MOMENTS)} » est possible (payé à l'envoi)"]
    amount = _decimal(fee.get("amount"))
    if amount is None or amount <= 0:
        return ["fee.pay: un montant positif est nécessaire pour un paiement à l'envoi"]
    transition_id = fee.get("paid_transition")
    if not isinstance(transition_id, str):
        return ["fee.paid_transition: la transition prise une fois payé est attendue"]
    workflow = workflow if isinstance(workflow, Mapping) else {}
    transitions = {
        t.get("id"): t for t in workflow.get("transitions") or [] if isinstance(t, Mapping)
    }
    transition = transitions.get(transition_id)
    if transition is None:
        return [f"fee.paid_transition: transition inconnue « {transition_id} »"]
    if workflow.get("initial") not in (transition.get("from") or []):
        return [
            f"fee.paid_transition: la transition « {transition_id} » doit partir du "
            f"statut initial « {workflow.get('initial')} » (la demande attend son paiement)"
        ]
    return []


def fee_problems(fee: Any, fields: Mapping[str, str], workflow: Any) -> list[str]:
    """Every problem of a definition's ``fee``, in French."""
    if not isinstance(fee, Mapping):
        return ["fee: un dictionnaire est attendu"]
    problems = [f"fee: clé inconnue « {key} »" for key in fee if key not in FEE_KEYS]
    amount = _decimal(fee.get("amount"))
    if amount is None or amount < 0:
        problems.append('fee.amount: un montant positif ou nul est attendu, par exemple "2.00"')
    if "per" in fee:
        factors = fee["per"]
        if not isinstance(factors, list) or not factors:
            problems.append("fee.per: une liste non vide de facteurs est attendue")
        else:
            for index, factor in enumerate(factors):
                problems += _factor_problems(factor, f"fee.per[{index}]", fields)
    if "minimum" in fee:
        minimum = _decimal(fee["minimum"])
        if "per" not in fee:
            problems.append("fee.minimum: n'a de sens qu'avec un montant calculé (fee.per)")
        elif minimum is None or minimum < 0:
            problems.append("fee.minimum: un montant positif ou nul est attendu")
    if "paid_transition" in fee and "pay" not in fee:
        problems.append("fee.paid_transition: n'a de sens qu'avec « pay: filing »")
    if "pay" in fee:
        problems += _pay_problems(fee, workflow)
    return problems


# --- Quotes -------------------------------------------------------------------------------


def _days_between(answers: Mapping[str, Any], pair: list[str]) -> int | None:
    try:
        start = datetime.date.fromisoformat(str(answers.get(pair[0], "")))
        end = datetime.date.fromisoformat(str(answers.get(pair[1], "")))
    except ValueError:
        return None
    days = (end - start).days + 1
    return days if days > 0 else None


def _factor(factor: Mapping[str, Any], answers: Mapping[str, Any]) -> tuple[Decimal, str] | None:
    """A factor's value from the answers and how it reads (« 12 m² », « 3 jours »)."""
    if "days_between" in factor:
        days = _days_between(answers, list(factor["days_between"]))
        if days is None:
            return None
        return Decimal(days), ngettext("%(count)s jour", "%(count)s jours", days) % {"count": days}
    value = _decimal(answers.get(str(factor["field"])))
    if value is None or value < 0:
        return None
    shown = f"{value.normalize():f}".replace(".", ",")
    unit = str(factor.get("unit", "")).strip()
    return value, f"{shown}\u00a0{unit}" if unit else shown


def fee_quote(fee: Mapping[str, Any] | None, answers: Mapping[str, Any]) -> FeeQuote | None:
    """What the answers cost (None: free, or not computable from these answers)."""
    if not fee:
        return None
    rate = _decimal(fee.get("amount")) or Decimal("0")
    at_filing = fee.get("pay") == "filing"
    if "per" not in fee:
        if rate <= 0:
            return None
        return FeeQuote(
            rate.quantize(CENT), _("Montant fixe : %(amount)s") % {"amount": euros(rate)}, at_filing
        )
    amount, parts = rate, [euros(rate)]
    for factor in fee["per"]:
        value = _factor(factor, answers)
        if value is None:
            return None
        amount, parts = amount * value[0], [*parts, value[1]]
    amount = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    explanation = f"{' × '.join(parts)} = {euros(amount)}"
    minimum = _decimal(fee.get("minimum")) or Decimal("0")
    if amount < minimum:
        amount = minimum.quantize(CENT)
        explanation = _("%(computation)s ; le minimum de %(minimum)s s’applique") % {
            "computation": explanation,
            "minimum": euros(minimum),
        }
    if amount <= 0:
        return None
    return FeeQuote(amount, explanation, at_filing)
