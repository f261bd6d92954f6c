"""Workflow actions of the agenda and the business directory.

Put on the statuses of a review workflow, they make an agent's approval
the only way to the public site::

    workflow:
      use: publication
      add_actions:
        submitted:        # pending, not public
          - do: submit_event
            title: event_title
            description: description
            category: event_category
            starts: start_date
            ends: end_date
            hours: hours
            place: venue_name
            address: venue_address
            website: info_url
            organiser_name: organiser_name
            organiser_contact: public_contact
            organiser_consent: {field: publication_consent, contains: accepted}
        approved: [{do: publish_event}]
        rejected: [{do: withdraw_event}]

- ``submit_event`` (mapping): the case's event, pending review.
- ``publish_event`` (mapping optional): publishes the case's event; with a
  mapping it is (re)built from the answers first, and ``when`` (a condition)
  may say it is published only if the applicant asked for it.
- ``withdraw_event``: takes the case's event off the agenda (or refuses it).
- ``propose_directory_entry`` (mapping): a new business page, pending.
- ``propose_directory_change`` (mapping, ``enterprise_number`` to find the
  page, ``withdraw``: a condition for a closing business): a change kept
  apart from the published page.
- ``publish_directory_entry``: publishes the case's pending proposal.
- ``reject_directory_entry``: drops it; the published page stays.

Mapping parameters name the question holding each value; the organiser's
name and contact are published only when ``organiser_consent`` holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from beffroi.accounts.actors import Actor
from beffroi.agenda.mapping import (
    CHANGE_KEYS,
    ENTRY_KEYS,
    EVENT_FIELDS,
    EVENT_KEYS,
    entry_mapping_problems,
    event_mapping_problems,
)
from beffroi.agenda.models import AgendaEvent, DirectoryEntry
from beffroi.agenda.services import (
    PublicationRefused,
    agenda_event_publish,
    agenda_event_submit_from_case,
    agenda_event_withdraw,
    directory_entry_approve,
    directory_entry_create_from_case,
    directory_entry_propose_change_from_case,
    directory_entry_reject,
)
from beffroi.cases.history import case_history_add
from beffroi.cases.models import Case, CaseEvent
from beffroi.cases.workflow import TransitionRefused, workflow_action
from beffroi.catalogue.conditions import evaluate
from beffroi.catalogue.definition import DefinitionContext


def _note(case: Case, text: str) -> None:
    """A line in the case's history, for agents only."""
    case_history_add(case_id=case.pk, kind=CaseEvent.Kind.NOTE, text=text)


def _check_event(action: Mapping[str, Any], context: DefinitionContext) -> list[str]:
    return event_mapping_problems(action, context, required=True)


def _check_event_publication(action: Mapping[str, Any], context: DefinitionContext) -> list[str]:
    return event_mapping_problems(action, context, required=False)


def _check_no_parameters(action: Mapping[str, Any], context: DefinitionContext) -> list[str]:
    return []


def _check_entry(action: Mapping[str, Any], context: DefinitionContext) -> list[str]:
    return entry_mapping_problems(action, context, change=False)


def _check_change(action: Mapping[str, Any], context: DefinitionContext) -> list[str]:
    return entry_mapping_problems(action, context, change=True)


# --- Agenda ------------------------------------------------------------------------


@workflow_action("submit_event", keys=EVENT_KEYS, check=_check_event)
def submit_event(case: Case, action: Mapping[str, Any], actor: Actor) -> list[str]:
    event = agenda_event_submit_from_case(actor=actor, case=case, mapping=action)
    if event is not None:
        _note(case, _("Événement proposé pour l'agenda, en attente de relecture."))
    return []


@workflow_action("publish_event", keys=EVENT_KEYS, check=_check_event_publication)
def publish_event(case: Case, action: Mapping[str, Any], actor: Actor) -> list[str]:
    if "when" in action and not evaluate(
        action["when"], case.answers, case=case.condition_context()
    ):
        _note(case, _("Le demandeur n'a pas demandé d'annonce dans l'agenda : rien n'est publié."))
        return []
    if any(key in action for key in EVENT_FIELDS):
        event = agenda_event_submit_from_case(actor=actor, case=case, mapping=action)
    else:
        event = AgendaEvent.objects.filter(source_case=case).first()
    if event is None:
        raise TransitionRefused(
            _("Aucun événement n'accompagne cette demande : il n'y a rien à publier.")
        )
    if event.status == AgendaEvent.Status.WITHDRAWN and event.published_at is None:
        raise TransitionRefused(
            _("L'événement de cette demande a été refusé : il ne peut pas être publié.")
        )
    agenda_event_publish(actor=actor, event=event)
    _note(case, _("Événement publié dans l'agenda."))
    return []


@workflow_action("withdraw_event", keys=set(), check=_check_no_parameters)
def withdraw_event(case: Case, action: Mapping[str, Any], actor: Actor) -> list[str]:
    event = AgendaEvent.objects.filter(source_case=case).first()
    if event is not None and event.status != AgendaEvent.Status.WITHDRAWN:
        was_public = event.is_public
        agenda_event_withdraw(actor=actor, event=event)
        _note(
            case,
            _("Événement retiré de l'agenda.")
            if was_public
            else _("Événement proposé pour l'agenda : non publié."),
        )
    return []


# --- Directory ---------------------------------------------------------------------


def _pending_entry(case: Case) -> DirectoryEntry | None:
    return DirectoryEntry.objects.filter(pending_case=case).first()


@workflow_action("propose_directory_entry", keys=ENTRY_KEYS, check=_check_entry)
def propose_directory_entry(case: Case, action: Mapping[str, Any], actor: Actor) -> list[str]:
    entry = directory_entry_create_from_case(actor=actor, case=case, mapping=action)
    if entry.source_case_id == case.pk:
        _note(case, _("Page de l'annuaire proposée, en attente de relecture."))
    else:
        _note(
            case,
            _(
                "Ce commerce a déjà une page dans l'annuaire (« %(name)s ») : la demande "
                "est traitée comme une modification de cette page."
            )
            % {"name": str(entry)},
        )
    return []


@workflow_action("propose_directory_change", keys=CHANGE_KEYS, check=_check_change)
def propose_directory_change(case: Case, action: Mapping[str, Any], actor: Actor) -> list[str]:
    entry = directory_entry_propose_change_from_case(actor=actor, case=case, mapping=action)
    if entry is None:
        _note(
            case,
            _(
                "Aucune page de l'annuaire ne correspond à ce numéro d'entreprise : cette "
                "modification ne pourra pas être publiée."
            ),
        )
        return []
    text = _("Modification de la page « %(name)s » de l'annuaire, en attente de relecture.") % {
        "name": str(entry)
    }
    if not _same_owner(entry, case):
        text += " " + _(
            "Attention : la demande ne vient pas du compte ni de l'organisation qui ont "
            "créé la page ; vérifiez que le demandeur peut la modifier."
        )
    _note(case, text)
    return []


def _same_owner(entry: DirectoryEntry, case: Case) -> bool:
    if entry.organisation_id is not None and entry.organisation_id == case.organisation_id:
        return True
    source = entry.source_case
    return (
        source is not None
        and case.applicant_id is not None
        and source.applicant_id == case.applicant_id
    )


@workflow_action("publish_directory_entry", keys=set(), check=_check_no_parameters)
def publish_directory_entry(case: Case, action: Mapping[str, Any], actor: Actor) -> list[str]:
    entry = _pending_entry(case)
    if entry is None:
        raise TransitionRefused(
            _(
                "Rien n'attend d'être publié pour cette demande : aucune page de l'annuaire "
                "ne correspond, ou une demande plus récente remplace celle-ci. Refusez-la."
            )
        )
    try:
        entry = directory_entry_approve(actor=actor, entry=entry, case=case)
    except PublicationRefused as refusal:
        raise TransitionRefused(refusal.message) from refusal
    _note(
        case,
        _("Page retirée de l'annuaire.")
        if entry.status == DirectoryEntry.Status.WITHDRAWN
        else _("Page de l'annuaire publiée."),
    )
    return []


@workflow_action("reject_directory_entry", keys=set(), check=_check_no_parameters)
def reject_directory_entry(case: Case, action: Mapping[str, Any], actor: Actor) -> list[str]:
    entry = _pending_entry(case)
    if entry is not None:
        directory_entry_reject(actor=actor, entry=entry, case=case)
        _note(case, _("Modification de l'annuaire non publiée ; la page publiée reste inchangée."))
    return []
