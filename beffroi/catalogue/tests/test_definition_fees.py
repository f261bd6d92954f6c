"""A procedure's fee: fixed or computed from the answers, paid at filing or
not; bad fee definitions are refused with messages that say where and why."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from beffroi.catalogue.definition import definition_problems, fee_quote
from beffroi.catalogue.loader import SHIPPED_DIR, DefinitionError, load_yaml, parse_procedure

WORKFLOW = {
    "initial": "awaiting_payment",
    "statuses": [
        {"id": "awaiting_payment", "label": "En attente de paiement"},
        {"id": "submitted", "label": "Reçue"},
        {"id": "done", "label": "Traitée", "final": True},
    ],
    "transitions": [
        {"id": "paid", "label": "Payée", "from": ["awaiting_payment"], "to": "submitted"},
        {"id": "close", "label": "Clore", "from": ["submitted"], "to": "done"},
    ],
}
DEFINITION: dict[str, Any] = {
    "form": {
        "pages": [
            {
                "id": "occupation",
                "title": "L'occupation",
                "fields": [
                    {"id": "surface", "type": "number", "label": "Surface"},
                    {"id": "start", "type": "date", "label": "Du"},
                    {"id": "end", "type": "date", "label": "Au"},
                    {"id": "who", "type": "text", "label": "Qui"},
                ],
            }
        ]
    },
    "workflow": WORKFLOW,
}
OCCUPATION = {
    "amount": "0.50",
    "label": "0,50 € par m² et par jour",
    "per": [{"field": "surface", "unit": "m²"}, {"days_between": ["start", "end"]}],
    "minimum": "10.00",
}


def problems_with(**fee: Any) -> list[str]:
    definition = copy.deepcopy(DEFINITION)
    definition["fee"] = fee
    return definition_problems(definition)


def test_a_fixed_fee_is_quoted_as_such() -> None:
    quote = fee_quote({"amount": "2.00", "label": "2 €", "pay": "filing"}, {})
    assert quote is not None
    assert quote.amount == Decimal("2.00")
    assert quote.explanation == "Montant fixe : 2,00\u00a0€"
    assert quote.at_filing


def test_a_free_procedure_costs_nothing() -> None:
    assert fee_quote({"amount": "0.00", "label": "Gratuit"}, {}) is None
    assert fee_quote(None, {}) is None


def test_an_occupation_is_priced_per_square_metre_and_per_day() -> None:
    quote = fee_quote(OCCUPATION, {"surface": "12", "start": "2026-06-01", "end": "2026-06-03"})
    assert quote is not None
    assert quote.amount == Decimal("18.00")
    assert quote.explanation == "0,50\u00a0€ × 12\u00a0m² × 3 jours = 18,00\u00a0€"
    assert not quote.at_filing


def test_a_small_occupation_costs_the_minimum_and_says_so() -> None:
    quote = fee_quote(OCCUPATION, {"surface": "2.5", "start": "2026-06-01", "end": "2026-06-01"})
    assert quote is not None
    assert quote.amount == Decimal("10.00")
    assert quote.explanation == (
        "0,50\u00a0€ × 2,5\u00a0m² × 1 jour = 1,25\u00a0€ ; le minimum de 10,00\u00a0€ s’applique"
    )


def test_answers_that_cannot_be_priced_give_no_quote() -> None:
    assert (
        fee_quote(OCCUPATION, {"surface": "", "start": "2026-06-01", "end": "2026-06-01"}) is None
    )
    assert (
        fee_quote(OCCUPATION, {"surface": "3", "start": "2026-06-05", "end": "2026-06-01"}) is None
    )


def test_a_valid_computed_fee_and_a_fee_paid_at_filing_pass() -> None:
    assert problems_with(**OCCUPATION) == []
    assert problems_with(amount="2.00", label="2 €", pay="filing", paid_transition="paid") == []


def test_a_factor_must_be_a_number_question() -> None:
    assert problems_with(amount="1", label="x", per=[{"field": "who"}]) == [
        "fee.per[0].field: « who » n'est pas un champ de type nombre"
    ]


def test_days_are_counted_between_two_date_questions() -> None:
    assert problems_with(amount="1", label="x", per=[{"days_between": ["start", "who"]}]) == [
        "fee.per[0].days_between: « who » n'est pas un champ de type date"
    ]


def test_a_minimum_needs_a_computed_fee() -> None:
    assert problems_with(amount="1", label="x", minimum="5") == [
        "fee.minimum: n'a de sens qu'avec un montant calculé (fee.per)"
    ]


def test_paying_at_filing_needs_the_transition_taken_once_paid() -> None:
    assert problems_with(amount="2", label="x", pay="filing") == [
        "fee.paid_transition: la transition prise une fois payé est attendue"
    ]
    assert problems_with(amount="2", label="x", pay="filing", paid_transition="close") == [
        "fee.paid_transition: la transition « close » doit partir du statut initial "
        "« awaiting_payment » (la demande attend son paiement)"
    ]
    assert problems_with(amount="2", label="x", pay="filing", paid_transition="nope") == [
        "fee.paid_transition: transition inconnue « nope »"
    ]


def test_paying_at_filing_needs_an_amount() -> None:
    assert problems_with(amount="0", label="x", pay="filing", paid_transition="paid") == [
        "fee.pay: un montant positif est nécessaire pour un paiement à l'envoi"
    ]


def test_only_filing_is_a_moment_to_pay_and_unknown_keys_are_named() -> None:
    assert problems_with(amount="2", label="x", pay="later", colour="red") == [
        "fee: clé inconnue « colour »",
        "fee.pay: seul « filing » est possible (payé à l'envoi)",
    ]


def test_a_procedure_file_with_a_bad_fee_is_refused_with_its_name() -> None:
    data = load_yaml(SHIPPED_DIR / "procedures" / "nouveau-code-pin.yaml")
    data["fee"]["paid_transition"] = "order"
    with pytest.raises(DefinitionError) as refused:
        parse_procedure(data, "nouveau-code-pin.yaml")
    assert any(
        problem.startswith("nouveau-code-pin.yaml: fee.paid_transition:")
        for problem in refused.value.problems
    ), refused.value.problems


def test_the_shipped_pin_request_is_paid_at_filing_and_the_occupation_computed() -> None:
    pin = parse_procedure(
        load_yaml(SHIPPED_DIR / "procedures" / "nouveau-code-pin.yaml"), "nouveau-code-pin.yaml"
    )
    assert pin.definition["fee"]["pay"] == "filing"
    occupation = parse_procedure(
        load_yaml(SHIPPED_DIR / "procedures" / "occupation-espace-public.yaml"),
        "occupation-espace-public.yaml",
    )
    assert occupation.definition["fee"]["minimum"] == "10.00"
    free = parse_procedure(
        load_yaml(SHIPPED_DIR / "procedures" / "page-commerce.yaml"), "page-commerce.yaml"
    )
    assert "fee" not in free.definition
