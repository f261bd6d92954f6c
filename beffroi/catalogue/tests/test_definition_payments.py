"""A workflow transition's ``payment:`` (« Demander un paiement ») is checked
when a definition is read, with messages that say where and why."""

from __future__ import annotations

import copy
from typing import Any

from beffroi.catalogue.definition import definition_problems
from beffroi.catalogue.tests.test_definition_checks import DEFINITION

WORKFLOW: dict[str, Any] = {
    "initial": "submitted",
    "statuses": [
        {"id": "submitted", "label": "Reçue"},
        {"id": "waiting", "label": "En attente du paiement"},
        {"id": "done", "label": "Traitée", "final": True},
    ],
    "transitions": [
        {"id": "ask", "label": "Demander le paiement", "from": ["submitted"], "to": "waiting"},
        {"id": "close", "label": "Clore", "from": ["waiting"], "to": "done"},
        {"id": "skip", "label": "Clore sans payer", "from": ["submitted"], "to": "done"},
    ],
}


def problems_with(payment: Any) -> list[str]:
    definition = copy.deepcopy(DEFINITION)
    definition["workflow"] = copy.deepcopy(WORKFLOW)
    definition["workflow"]["transitions"][0]["payment"] = payment
    return [p for p in definition_problems(definition) if "payment" in p]


def test_a_payment_with_its_reason_and_transition_is_accepted() -> None:
    assert (
        problems_with({"amount": "any", "reason": "Supplément", "paid_transition": "close"}) == []
    )
    assert problems_with({"amount": "fee", "reason": "Redevance"}) == []


def test_a_payment_says_what_is_wrong() -> None:
    assert problems_with("oui") == [
        "workflow.transitions[0].payment: un dictionnaire {amount, reason, paid_transition} est attendu"
    ]
    problems = problems_with({"amount": "12", "reason": "", "paid": "close"})
    assert any("payment.amount" in p and "« fee »" in p for p in problems)
    assert any("payment.reason" in p for p in problems)
    assert any("clé inconnue" in p or "paid" in p for p in problems)


def test_the_paid_transition_must_leave_the_status_that_waits() -> None:
    unknown = problems_with({"reason": "Supplément", "paid_transition": "nope"})
    assert any("transition inconnue « nope »" in p for p in unknown)
    elsewhere = problems_with({"reason": "Supplément", "paid_transition": "skip"})
    assert any("doit partir du statut « waiting »" in p for p in elsewhere)
