"""From a case's answers to an agenda event or a directory page.

A workflow action names, in its parameters, which question holds what:
``{do: submit_event, title: event_title, starts: start_date, ...}``. The
functions here check such a mapping against a definition (at import) and
read the answers through it (when the action runs). Nothing here writes.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

from beffroi.agenda.models import LONGEST_DAYS, AgendaEvent, DirectoryEntry
from beffroi.cases.formengine import visible_fields, visible_pages
from beffroi.catalogue.conditions import condition_problems, evaluate
from beffroi.catalogue.definition import DefinitionContext, ProcedureDefinition

# --- Events ------------------------------------------------------------------------

# Parameter -> the field types it may name.
EVENT_FIELDS: dict[str, set[str]] = {
    "title": {"text"},
    "description": {"text", "textarea"},
    "category": {"choice"},
    "starts": {"date"},
    "ends": {"date"},
    "hours": {"text"},
    "place": {"text", "textarea"},
    "address": {"address"},
    "website": {"text"},
    "price": {"text"},
    "wheelchair": {"choice"},
    "organiser_name": {"text"},
    "organiser_contact": {"text", "email", "phone"},
}
# Parameters that hold a condition (docs/procedure-definitions.md).
EVENT_CONDITIONS = ("when", "free", "organiser_consent", "address_consent")
EVENT_KEYS = {*EVENT_FIELDS, *EVENT_CONDITIONS, "categories"}

# --- Directory ---------------------------------------------------------------------

ENTRY_FIELDS: dict[str, set[str]] = {
    "name": {"text"},
    "description": {"text", "textarea"},
    "category": {"choice"},
    "address": {"address"},
    "phone": {"phone", "text"},
    "email": {"email"},
    "website": {"text"},
    "opening_hours": {"text", "textarea"},
}
# What a proposal may set on a page (the published fields).
ENTRY_VALUES = tuple(ENTRY_FIELDS)
# The file questions whose images the page shows once approved.
IMAGE_FIELDS: dict[str, set[str]] = {"logo": {"file"}, "photos": {"file"}}
ENTRY_KEYS = {*ENTRY_FIELDS, *IMAGE_FIELDS, "categories", "enterprise_number"}
CHANGE_KEYS = {*ENTRY_KEYS, "match_name", "withdraw"}


def _field_problems(
    action: Mapping[str, Any], allowed: Mapping[str, set[str]], context: DefinitionContext
) -> list[str]:
    problems = []
    for key, types in allowed.items():
        if key not in action:
            continue
        field_id = action[key]
        field_type = context.fields.get(str(field_id)) if isinstance(field_id, str) else None
        if field_type is None:
            problems.append(f"{key}: champ inconnu « {field_id} »")
        elif field_type not in types:
            problems.append(
                f"{key}: le champ « {field_id} » est de type {field_type} "
                f"(attendu : {', '.join(sorted(types))})"
            )
    return problems


def _categories_problems(action: Mapping[str, Any], known: list[str]) -> list[str]:
    categories = action.get("categories")
    if categories is None:
        return []
    if not isinstance(categories, Mapping) or not categories:
        return ["categories: un dictionnaire {valeur du formulaire: rubrique} est attendu"]
    if "category" not in action:
        return ["categories: indiquez aussi « category » (le champ de la rubrique)"]
    return [
        f"categories.{source}: rubrique inconnue « {target} » (possibles : {', '.join(known)})"
        for source, target in categories.items()
        if target not in known
    ]


def _condition_problems(
    action: Mapping[str, Any], keys: tuple[str, ...], context: DefinitionContext
) -> list[str]:
    problems: list[str] = []
    for key in keys:
        if key in action:
            problems += condition_problems(action[key], fields=context.fields, path=key)
    return problems


def event_mapping_problems(
    action: Mapping[str, Any], context: DefinitionContext, *, required: bool = True
) -> list[str]:
    """What is wrong with an event mapping; ``required`` False allows none at all."""
    mapped = [key for key in EVENT_FIELDS if key in action]
    if not mapped and not required:
        return _condition_problems(action, ("when",), context)
    problems = [
        f"{key}: ce paramètre est obligatoire (le champ qui le contient)"
        for key in ("title", "starts")
        if key not in action
    ]
    if "place" not in action and "address" not in action:
        problems.append("place ou address : indiquez où a lieu l'événement")
    if ("organiser_name" in action or "organiser_contact" in action) and (
        "organiser_consent" not in action
    ):
        problems.append(
            "organiser_consent: une condition est obligatoire dès qu'un contact de "
            "l'organisateur est repris (son accord pour le publier)"
        )
    if "address" in action and "address_consent" not in action:
        problems.append(
            "address_consent: une condition est obligatoire avec address (l'accord de "
            "l'organisateur pour publier l'adresse exacte ; sinon seule la localité paraît)"
        )
    problems += _field_problems(action, EVENT_FIELDS, context)
    problems += _categories_problems(action, list(AgendaEvent.Category.values))
    problems += _condition_problems(action, EVENT_CONDITIONS, context)
    return problems


def entry_mapping_problems(
    action: Mapping[str, Any], context: DefinitionContext, *, change: bool = False
) -> list[str]:
    problems = []
    if change:
        if "enterprise_number" not in action:
            problems.append("enterprise_number: le champ qui identifie le commerce est obligatoire")
        if not any(key in action for key in (*ENTRY_VALUES, *IMAGE_FIELDS)) and (
            "withdraw" not in action
        ):
            problems.append("indiquez au moins un champ à modifier, ou « withdraw »")
    elif "name" not in action:
        problems.append("name: ce paramètre est obligatoire (le champ qui contient le nom)")
    problems += _field_problems(
        action,
        {
            **ENTRY_FIELDS,
            **IMAGE_FIELDS,
            "enterprise_number": {"enterprise_number"},
            "match_name": {"text"},
        },
        context,
    )
    problems += _categories_problems(action, list(DirectoryEntry.Category.values))
    if change:
        problems += _condition_problems(action, ("withdraw",), context)
    return problems


# --- Reading answers ---------------------------------------------------------------


def _text(answers: Mapping[str, Any], action: Mapping[str, Any], key: str, limit: int) -> str:
    field_id = action.get(key)
    value = answers.get(str(field_id), "") if field_id else ""
    return _shorten(str(value).strip() if value is not None else "", limit)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _day(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=local_zone())


_TIME = r"(\d{1,2})\s*(?:h|:|heures?)\s*(\d{2})?"
_HOURS = re.compile(rf"^(?:de\s+)?{_TIME}\s*(?:à|a|-|jusqu'à|jusqu’à)\s*{_TIME}$")


def parse_hours(text: str) -> tuple[datetime.time, datetime.time] | None:
    """Start and end times in "de 20 h à 23 h", "20h30-23h", "14:00 - 18:00".

    Anything else ("samedi de 10 h à 18 h, dimanche…") is not guessed at: the
    event then runs all day, with the text shown as it was written.
    """
    normal = re.sub(r"\s+", " ", text.lower().replace("–", "-").replace("—", "-")).strip(" .")
    match = _HOURS.match(normal)
    if match is None:
        return None
    numbers = [int(part) if part else 0 for part in match.groups()]
    start_h, start_m, end_h, end_m = numbers
    if max(start_h, end_h) > 23 or max(start_m, end_m) > 59:
        return None
    return datetime.time(start_h, start_m), datetime.time(end_h, end_m)


def public_url(text: str) -> str:
    """An http(s) address fit for a link, or "" ("www.x.be" gets https://)."""
    candidate = text.strip()
    if not candidate or " " in candidate:
        return ""
    if "://" not in candidate:
        if candidate.lower().startswith(("javascript:", "data:", "mailto:", "tel:")):
            return ""
        candidate = f"https://{candidate}"
    try:
        URLValidator(schemes=["http", "https"])(candidate)
    except ValidationError:
        return ""
    return candidate[:300]


def is_email(text: str) -> bool:
    try:
        EmailValidator()(text)
    except ValidationError:
        return False
    return True


def _category(
    answers: Mapping[str, Any], action: Mapping[str, Any], known: list[str], default: str
) -> str:
    field_id = action.get("category")
    if not field_id:
        return default
    value = str(answers.get(str(field_id), ""))
    value = str((action.get("categories") or {}).get(value, value))
    return value if value in known else default


def event_values(
    answers: Mapping[str, Any], action: Mapping[str, Any], *, case: Mapping[str, Any] | None = None
) -> dict[str, Any] | None:
    """The event's fields read from the answers; None when there is no date
    to place it on the agenda."""
    first = _day(answers.get(str(action.get("starts", ""))))
    if first is None:
        return None
    last = _day(answers.get(str(action.get("ends", "")))) or first
    # Not before the first day, and not longer than the agenda allows.
    last = min(max(first, last), first + datetime.timedelta(days=LONGEST_DAYS - 1))
    hours = _text(answers, action, "hours", 200)
    times = parse_hours(hours) if hours and first == last else None
    if times is not None:
        zone = local_zone()
        starts_at = datetime.datetime.combine(first, times[0], tzinfo=zone)
        ends_at = datetime.datetime.combine(first, times[1], tzinfo=zone)
        if ends_at <= starts_at:  # "de 22 h à 2 h": the night after
            ends_at = datetime.datetime.combine(
                first + datetime.timedelta(days=1), times[1], tzinfo=zone
            )
    else:
        starts_at = local_midnight(first)
        ends_at = local_midnight(last + datetime.timedelta(days=1))
    address = answers.get(str(action.get("address", "")))
    wheelchair = answers.get(str(action.get("wheelchair", "")), "")
    consent = "organiser_consent" in action and evaluate(
        action["organiser_consent"], answers, case=case
    )
    exact_place = "address_consent" in action and evaluate(
        action["address_consent"], answers, case=case
    )
    return {
        "title": _text(answers, action, "title", 150),
        "description": _text(answers, action, "description", 4000),
        "category": _category(
            answers, action, list(AgendaEvent.Category.values), AgendaEvent.Category.OTHER
        ),
        "place_name": _text(answers, action, "place", 150),
        # A home address is never public unless the organiser said so: the
        # locality alone otherwise (the full address stays in the case).
        "address": _public_address(address, exact=exact_place),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "all_day": times is None,
        "hours": hours,
        "is_free": "free" in action and evaluate(action["free"], answers, case=case),
        "price": _text(answers, action, "price", 150),
        "wheelchair_access": wheelchair if wheelchair in AgendaEvent.Access.values else "",
        "website": public_url(_text(answers, action, "website", 300)),
        # Kept for the agents either way; shown only with the organiser's consent.
        "organiser_name": _text(answers, action, "organiser_name", 150),
        "organiser_contact": _text(answers, action, "organiser_contact", 150),
        "organiser_public": bool(consent),
    }


def _public_address(address: Any, *, exact: bool) -> dict[str, Any]:
    if not isinstance(address, Mapping):
        return {}
    if exact:
        return dict(address)
    return {key: address[key] for key in ("postcode", "city", "country") if key in address}


def visible_field_ids(spec: ProcedureDefinition, answers: Mapping[str, Any]) -> set[str]:
    """The questions the applicant was shown, given their answers."""
    return {
        field["id"]
        for page in visible_pages(spec, answers)
        for field in visible_fields(spec, page, answers)
    }


def entry_values(
    answers: Mapping[str, Any],
    action: Mapping[str, Any],
    *,
    shown: set[str] | None = None,
    case: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A directory page's fields read from the answers.

    With ``shown`` (a change), only the questions the applicant was shown
    count, and an optional one left empty clears the published value.
    """
    values: dict[str, Any] = {}
    for key in ENTRY_VALUES:
        field_id = action.get(key)
        if not field_id or (shown is not None and field_id not in shown):
            continue
        raw = answers.get(str(field_id))
        if key == "address":
            values[key] = dict(raw) if isinstance(raw, Mapping) else {}
        elif key == "category":
            values[key] = _category(
                answers, action, list(DirectoryEntry.Category.values), DirectoryEntry.Category.OTHER
            )
        elif key == "website":
            values[key] = public_url(_text(answers, action, key, 300))
        elif key == "email":
            email = _text(answers, action, key, 254)
            values[key] = email if is_email(email) else ""
        elif key == "phone":
            values[key] = _text(answers, action, key, 20)
        elif key == "name":
            values[key] = _text(answers, action, key, 150)
        else:
            values[key] = _text(answers, action, key, 4000)
    if "withdraw" in action and evaluate(action["withdraw"], answers, case=case):
        values["withdraw"] = True
    return values
