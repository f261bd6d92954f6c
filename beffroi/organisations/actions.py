"""Workflow actions of organisations: a validated identity card creates the
organisation (or updates it), with its representatives.

    - do: register_organisation
      kind: association            # or business
      prefix: association_         # <prefix>name, legal_form, enterprise_number, address…
      fields: {enterprise_number: vat_number}   # where a field is not <prefix><name>
      representatives: [rep1_, rep2_]   # <prefix>first_name, last_name, role, email
      applicant_is_representative: true # the account that filed it represents it
    - do: update_organisation      # on a request made for the organisation
      fields: {address: new_address, email: new_email, phone: new_phone}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from beffroi.accounts.actors import Actor
from beffroi.cases.models import Case
from beffroi.cases.workflow import workflow_action
from beffroi.catalogue.definition import DefinitionContext
from beffroi.organisations.models import Organisation, OrganisationMember
from beffroi.organisations.services import (
    ORGANISATION_FIELDS,
    organisation_register,
    organisation_update,
)

_MEMBER_PARTS = ("first_name", "last_name", "role", "email")


def _check_register(action: Mapping[str, Any], context: DefinitionContext) -> list[str]:
    problems = []
    if action.get("kind") not in Organisation.Kind.values:
        problems.append(f"kind: {' ou '.join(Organisation.Kind.values)} attendu")
    prefix = str(action.get("prefix", ""))
    fields = action.get("fields", {})
    if not isinstance(fields, Mapping):
        return [
            *problems,
            "fields: un dictionnaire {champ de la fiche: champ du formulaire} est attendu",
        ]
    for target, source in fields.items():
        if target not in ORGANISATION_FIELDS:
            problems.append(f"fields: « {target} » n'est pas un champ de la fiche")
        if source not in context.fields:
            problems.append(f"fields: champ inconnu « {source} »")
    if f"{prefix}name" not in context.fields and "name" not in fields:
        problems.append(f"prefix: aucun champ « {prefix}name » (le nom de l'organisation)")
    if not isinstance(action.get("applicant_is_representative", False), bool):
        problems.append("applicant_is_representative: true ou false attendu")
    for rep in action.get("representatives", []):
        if f"{rep}email" not in context.fields:
            problems.append(f"representatives: aucun champ « {rep}email »")
    return problems


def _check_update(action: Mapping[str, Any], context: DefinitionContext) -> list[str]:
    fields = action.get("fields", {})
    if not isinstance(fields, Mapping) or not fields:
        return ["fields: un dictionnaire {champ de la fiche: champ du formulaire} est attendu"]
    problems = []
    for target, source in fields.items():
        if target not in ORGANISATION_FIELDS:
            problems.append(f"fields: « {target} » n'est pas un champ de la fiche")
        if source not in context.fields:
            problems.append(f"fields: champ inconnu « {source} »")
    return problems


@workflow_action(
    "register_organisation",
    keys={"kind", "prefix", "fields", "representatives", "applicant_is_representative"},
    check=_check_register,
)
def _register(case: Case, action: Mapping[str, Any], actor: Actor) -> list[str]:
    answers = case.answers
    prefix = str(action.get("prefix", ""))
    sources = {key: f"{prefix}{key}" for key in ORGANISATION_FIELDS} | dict(
        action.get("fields", {})
    )
    values = {key: answers.get(source) for key, source in sources.items()}
    members = []
    applicant = case.applicant
    if action.get("applicant_is_representative") and applicant is not None:
        members.append(
            {
                "email": applicant.email,
                "first_name": applicant.first_name,
                "last_name": applicant.last_name,
                "function": "",
                "role": OrganisationMember.Role.REPRESENTATIVE,
            }
        )
    for rep in action.get("representatives", []):
        email = answers.get(f"{rep}email")
        if email:
            members.append(
                {
                    "email": str(email),
                    "first_name": str(answers.get(f"{rep}first_name", "")),
                    "last_name": str(answers.get(f"{rep}last_name", "")),
                    "function": str(answers.get(f"{rep}role", "")),
                    "role": OrganisationMember.Role.REPRESENTATIVE,
                }
            )
    organisation = organisation_register(
        actor=actor, kind=str(action["kind"]), values=values, members=members, source_case=case
    )
    if case.organisation_id is None:
        case.organisation = organisation
        return ["organisation"]
    return []


@workflow_action("update_organisation", keys={"fields"}, check=_check_update)
def _update(case: Case, action: Mapping[str, Any], actor: Actor) -> list[str]:
    if case.organisation is None:
        return []
    values = {target: case.answers.get(source) for target, source in action["fields"].items()}
    organisation_update(
        actor=actor, organisation=case.organisation, values=values, source_case=case
    )
    return []
