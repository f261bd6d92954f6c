"""What a form knows before it is filled ("tell us once"): earlier answers,
the citizen's profile and the card of the organisation a request is made for."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from beffroi.accounts.actors import Actor, actor_user
from beffroi.cases.formengine.building import ADDRESS_PARTS
from beffroi.core.identifiers import format_enterprise_number, format_national_number, format_phone

# In the prefill values: the request is made for an organisation (its card's
# values follow as "organisation.<name>").
ORGANISATION_CHOSEN = "organisation"

if TYPE_CHECKING:
    from beffroi.cases.formengine.pageform import FieldView


def initial_values(
    views: Iterable[FieldView], answers: Mapping[str, Any], prefill: Mapping[str, Any]
) -> dict[str, Any]:
    """Form initial data: earlier answers first, then the profile ("tell us once")."""
    initial: dict[str, Any] = {}
    for view in views:
        definition = view.definition
        if view.type in {"info", "file"}:
            continue
        value = answers.get(view.id)
        if value is None and definition.get("prefill"):
            value = prefill.get(str(definition["prefill"]))
        if value is None:
            continue
        if view.type == "address" and isinstance(value, Mapping):
            for part in ADDRESS_PARTS:
                initial[f"{view.id}__{part}"] = value.get(part, "")
        elif view.type == "yesno":
            initial[view.id] = "yes" if value is True else "no" if value is False else ""
        elif view.type == "national_number":
            initial[view.id] = format_national_number(str(value))
        elif view.type == "phone":
            initial[view.id] = format_phone(str(value))
        elif view.type == "enterprise_number":
            initial[view.id] = format_enterprise_number(str(value))
        else:
            initial[view.id] = value
    return initial


def prefill_values(user: Actor, organisation: Any = None) -> dict[str, Any]:
    """Known answers by prefill source ("profile.last_name", "organisation.name"…).

    ``organisation``: the validated card of the organisation the request is
    made for (organisations sit above cases: read by its attributes).
    """
    values = {f"profile.{key}": value for key, value in _profile(user).items()}
    if organisation is not None:
        known = {
            "name": organisation.name,
            "enterprise_number": organisation.enterprise_number,
            "address": organisation.address or None,
            "email": organisation.email,
            "phone": organisation.phone,
            "website": organisation.website,
            "legal_form": organisation.legal_form,
        }
        values.update({f"organisation.{key}": value for key, value in known.items() if value})
        values[ORGANISATION_CHOSEN] = True
    return values


def _profile(actor: Actor) -> dict[str, Any]:
    user = actor_user(actor)
    if user is None:
        return {}
    address = {
        "street": user.street,
        "number": user.house_number,
        "box": user.box,
        "postcode": user.postcode,
        "city": user.city,
        "country": user.country or "BE",
    }
    prefill: dict[str, Any] = {
        "first_name": user.first_name or None,
        "last_name": user.last_name or None,
        "birth_date": user.birth_date.isoformat() if user.birth_date else None,
        "national_number": user.national_number or None,
        "email": user.email or None,
        "phone": user.phone or None,
        "address": address if user.street else None,
    }
    return {key: value for key, value in prefill.items() if value is not None}
