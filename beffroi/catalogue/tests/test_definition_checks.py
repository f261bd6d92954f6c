"""A page's ``checks`` and a field's ``organisation_answer`` are checked when
a definition is read, with messages that say where and why."""

from __future__ import annotations

import copy
from typing import Any

from beffroi.catalogue.definition import definition_problems

WORKFLOW = {
    "initial": "submitted",
    "statuses": [
        {"id": "submitted", "label": "Reçue"},
        {"id": "done", "label": "Traitée", "final": True},
    ],
    "transitions": [{"id": "close", "label": "Clore", "from": ["submitted"], "to": "done"}],
}
DEFINITION: dict[str, Any] = {
    "form": {
        "pages": [
            {
                "id": "depart",
                "title": "Le départ",
                "fields": [
                    {"id": "departure", "type": "date", "label": "Départ"},
                    {"id": "who", "type": "text", "label": "Qui"},
                ],
            },
            {
                "id": "retour",
                "title": "Le retour",
                "fields": [
                    {"id": "back", "type": "date", "label": "Retour"},
                    {"id": "nights", "type": "number", "label": "Nuits"},
                    {
                        "id": "kind",
                        "type": "choice",
                        "label": "Pour qui",
                        "choices": [
                            {"value": "organisation", "label": "Une association"},
                            {"value": "person", "label": "Vous"},
                        ],
                    },
                ],
            },
        ]
    },
    "workflow": WORKFLOW,
}


def problems_with(checks: Any = None, **field: Any) -> list[str]:
    definition = copy.deepcopy(DEFINITION)
    page = definition["form"]["pages"][1]
    if checks is not None:
        page["checks"] = checks
    page["fields"][2].update(field)
    return definition_problems(definition)


def test_a_check_against_an_earlier_page_is_valid() -> None:
    assert problems_with([{"field": "back", "gte": "departure", "message": "Pas avant."}]) == []


def test_a_check_without_a_message_is_valid() -> None:
    assert problems_with([{"field": "back", "gt": "departure"}]) == []


def test_a_check_on_a_field_of_another_page_is_refused() -> None:
    assert problems_with([{"field": "departure", "lte": "back"}]) == [
        "form.pages[1].checks[0].field: champ date ou nombre de cette page attendu (« departure »)"
    ]


def test_a_check_comparing_a_date_with_a_number_is_refused() -> None:
    assert problems_with([{"field": "back", "gte": "nights"}]) == [
        "form.pages[1].checks[0].gte: un autre champ de type date de cette page ou d'une page "
        "précédente est attendu (« nights »)"
    ]


def test_a_check_with_an_unknown_operator_or_key_is_refused() -> None:
    found = problems_with([{"field": "back", "after": "departure", "msg": ""}])
    assert "form.pages[1].checks[0]: clé inconnue « after »" in found
    assert "form.pages[1].checks[0]: clé inconnue « msg »" in found
    assert "form.pages[1].checks[0]: un seul opérateur est attendu parmi gt, gte, lt, lte" in found


def test_a_check_with_an_empty_message_is_refused() -> None:
    assert problems_with([{"field": "back", "gte": "departure", "message": " "}]) == [
        "form.pages[1].checks[0].message: un texte non vide est attendu"
    ]


def test_checks_must_be_a_list() -> None:
    assert problems_with({"field": "back"}) == [
        "form.pages[1].checks: une liste non vide de vérifications est attendue"
    ]


def test_an_organisation_answer_needs_a_procedure_filed_for_an_organisation() -> None:
    assert problems_with(organisation_answer="organisation") == [
        "form.pages[1].fields[2].organisation_answer: la démarche ne se fait pas au nom d'une "
        "organisation (options.organisation)"
    ]


def test_an_organisation_answer_is_one_of_the_choices() -> None:
    definition = copy.deepcopy(DEFINITION)
    definition["options"] = {"organisation": "optional"}
    definition["form"]["pages"][1]["fields"][2]["organisation_answer"] = "association"
    assert definition_problems(definition) == [
        "form.pages[1].fields[2].organisation_answer: une des valeurs des choix est attendue "
        "(« association »)"
    ]
    definition["form"]["pages"][1]["fields"][2]["organisation_answer"] = "organisation"
    assert definition_problems(definition) == []
