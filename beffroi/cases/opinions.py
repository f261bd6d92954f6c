"""Opinions ("avis") of other services on a case: asked in parallel, each
with its due date; reminded when late; seen side by side by the service in
charge; the advising service sees only what its opinion needs.

Workflow action::

    - do: request_opinions
      services: [police, zone-de-secours]          # always asked
      suggest:                                     # asked when the answers say so
        - {when: {field: road_closure, equals: true}, service: travaux}
      due_working_days: 10
      question: Votre avis sur la sécurité de l'événement.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from beffroi.accounts.actors import Actor, actor_user
from beffroi.audit.services import audit_event_record
from beffroi.cases.issuing import register_document_context
from beffroi.cases.models import Attachment, Case, CaseEvent, Opinion
from beffroi.cases.notify import notify_service
from beffroi.cases.selectors import agent_service_ids
from beffroi.cases.workflow import TransitionRefused, actor_roles, workflow_action
from beffroi.catalogue.conditions import condition_problems, evaluate
from beffroi.catalogue.definition import DefinitionContext
from beffroi.core.tenancy import municipality_scope, scoped_municipality_id
from beffroi.core.workdays import add_working_days
from beffroi.documents.services import file_store
from beffroi.municipality.models import Service
from beffroi.municipality.selectors import (
    ZoneCommune,
    advises_for_zone,
    is_member,
    municipalities_having,
    zone_communes_of,
    zone_link_of_service,
)
from beffroi.notifications.services import email_queue

DEFAULT_DUE_WORKING_DAYS = 10


# --- Asking --------------------------------------------------------------------------


def suggested_services(case: Case, action: Mapping[str, Any]) -> list[str]:
    """Service codes an action asks: the fixed ones, then those the answers call for."""
    codes = [str(code) for code in action.get("services", [])]
    for rule in action.get("suggest", []):
        if evaluate(rule["when"], case.answers) and rule["service"] not in codes:
            codes.append(str(rule["service"]))
    return codes


def opinion_request(
    *,
    actor: Actor,
    case: Case,
    services: Iterable[Service],
    due_date: datetime.date,
    question: str = "",
) -> list[Opinion]:
    """Ask each service for its opinion (a service already asked is asked again)."""
    with transaction.atomic():
        asked: list[Opinion] = []
        for service in services:
            if service.pk == case.service_id:
                continue  # the service in charge does not advise itself
            opinion, _created = Opinion.objects.update_or_create(
                case=case,
                service=service,
                defaults={
                    "question": question,
                    "due_date": due_date,
                    "requested_by": actor_user(actor),
                    "requested_at": timezone.now(),
                    "verdict": "",
                    "given_at": None,
                    "given_by": None,
                    "reminded_at": None,
                },
            )
            asked.append(opinion)
            _tell_advisor(opinion, reminder=False)
        if asked:
            names = ", ".join(opinion.service.name for opinion in asked)
            CaseEvent.objects.create(
                case=case,
                kind=CaseEvent.Kind.NOTE,
                actor=actor_user(actor) if getattr(actor, "is_authenticated", False) else None,
                text=_("Avis demandés pour le %(date)s : %(services)s.")
                % {"date": f"{due_date:%d/%m/%Y}", "services": names},
                visible_to_citizen=False,
            )
            audit_event_record(
                actor=actor,
                action="case.opinions_requested",
                target=case,
                data={"services": [opinion.service.code for opinion in asked]},
            )
        return asked


def _tell_advisor(opinion: Opinion, *, reminder: bool) -> None:
    if not opinion.service.email:
        return
    # A service that stands for a partner zone: its agents open the zone's page.
    link = zone_link_of_service(opinion.service_id)
    path = (
        reverse("backoffice:zone_opinion_detail", args=[opinion.municipality_id, opinion.pk])
        if link is not None
        else reverse("backoffice:opinion_detail", args=[opinion.pk])
    )
    url = settings.SITE_URL + path
    context = {"opinion": opinion, "case": opinion.case, "url": url, "reminder": reminder}
    subject = (
        _("Rappel : votre avis est attendu sur la demande %(reference)s")
        if reminder
        else _("Demande d’avis : %(procedure)s (%(reference)s)")
    ) % {"reference": opinion.case.reference, "procedure": opinion.case.procedure.title}
    email_queue(
        to=opinion.service.email,
        subject=subject,
        body_text=render_to_string("cases/emails/opinion_request.txt", context),
        case_id=opinion.case_id,
    )


def _check_action(action: Mapping[str, Any], context: DefinitionContext) -> list[str]:
    problems = []
    services = action.get("services", [])
    if not isinstance(services, list) or not all(isinstance(code, str) for code in services):
        problems.append("services: une liste de codes de service est attendue")
    for index, rule in enumerate(action.get("suggest", [])):
        if not isinstance(rule, Mapping) or set(rule) != {"when", "service"}:
            problems.append(f"suggest[{index}]: « when » et « service » sont attendus")
            continue
        problems += condition_problems(
            rule["when"], fields=context.fields, path=f"suggest[{index}].when", allow_case=False
        )
    days = action.get("due_working_days", DEFAULT_DUE_WORKING_DAYS)
    if isinstance(days, bool) or not isinstance(days, int) or days <= 0:
        problems.append("due_working_days: un nombre entier positif est attendu")
    if not services and not action.get("suggest"):
        problems.append("indiquez au moins un service (services ou suggest)")
    return problems


@workflow_action(
    "request_opinions",
    keys={"services", "suggest", "due_working_days", "question"},
    check=_check_action,
)
def _request_opinions(case: Case, action: Mapping[str, Any], actor: Actor) -> list[str]:
    codes = suggested_services(case, action)
    services = list(Service.objects.filter(code__in=codes, is_active=True))
    due = add_working_days(
        timezone.localdate(), int(action.get("due_working_days", DEFAULT_DUE_WORKING_DAYS))
    )
    opinion_request(
        actor=actor,
        case=case,
        services=services,
        due_date=due,
        question=str(action.get("question", "")),
    )
    return []


# --- Giving ----------------------------------------------------------------------------


def opinion_give(
    *,
    actor: Actor,
    opinion: Opinion,
    verdict: str,
    comment: str,
    conditions: str = "",
    files: Iterable[tuple[bytes, str, str]] = (),
) -> Opinion:
    """The advising service gives its opinion; the service in charge is told."""
    with transaction.atomic():
        opinion = (
            Opinion.objects.select_for_update(of=("self",))
            .select_related("case", "service")
            .get(pk=opinion.pk)
        )
        user = actor_user(actor)
        # The service's own agents, or those of the partner zone it stands for.
        if not (is_member(user, opinion.service_id) or advises_for_zone(user, opinion.service_id)):
            raise TransitionRefused(_("Seul le service consulté peut rendre cet avis."))
        if opinion.case.is_closed:
            raise TransitionRefused(_("Ce dossier est clôturé : l’avis n’est plus attendu."))
        if verdict == Opinion.Verdict.WITH_CONDITIONS and not conditions.strip():
            raise TransitionRefused(_("Indiquez les conditions de votre avis favorable."))
        opinion.verdict = verdict
        opinion.comment = comment.strip()
        opinion.conditions = (
            conditions.strip() if verdict == Opinion.Verdict.WITH_CONDITIONS else ""
        )
        opinion.given_by = actor_user(actor)
        opinion.given_at = timezone.now()
        opinion.save(update_fields=["verdict", "comment", "conditions", "given_by", "given_at"])
        for content, filename, kind in files:
            Attachment.objects.create(
                file=file_store(content=content, kind=kind),
                filename=filename[:200] or "avis.pdf",
                case=opinion.case,
                opinion=opinion,
                uploaded_by=actor_user(actor),
            )
        CaseEvent.objects.create(
            case=opinion.case,
            kind=CaseEvent.Kind.NOTE,
            actor=actor_user(actor),
            text=_("Avis %(verdict)s du service %(service)s.")
            % {"verdict": opinion.get_verdict_display(), "service": opinion.service.name},
            visible_to_citizen=False,
        )
        audit_event_record(
            actor=actor,
            action="case.opinion_given",
            target=opinion.case,
            data={"service": opinion.service.code, "verdict": verdict},
        )
        notify_service(
            opinion.case,
            message=_("Le service %(service)s a rendu son avis (%(verdict)s).")
            % {"service": opinion.service.name, "verdict": opinion.get_verdict_display()},
        )
        return opinion


# --- Reminders ------------------------------------------------------------------------------


def _start_of_today() -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min))


def _to_remind(opinions: QuerySet[Opinion]) -> QuerySet[Opinion]:
    """Those of ``opinions`` late, on an open case, not reminded today."""
    return opinions.filter(
        given_at__isnull=True, due_date__lt=timezone.localdate(), case__closed_at__isnull=True
    ).exclude(reminded_at__gte=_start_of_today())


def municipalities_with_late_opinions() -> list[int]:
    """The reminders job's ``pending``: one probe of the pending-opinions index per municipality."""
    return municipalities_having(_to_remind(Opinion.all_municipalities.all()))


def opinions_overdue_remind() -> int:
    """Remind, once a day, each service whose opinion is late."""
    start_of_day = _start_of_today()
    late = _to_remind(Opinion.objects.all())
    reminded = 0
    for opinion in late.select_related("case", "case__procedure", "service"):
        with transaction.atomic():
            claimed = (
                Opinion.objects.filter(pk=opinion.pk, given_at__isnull=True)
                .exclude(reminded_at__gte=start_of_day)
                .update(reminded_at=timezone.now())
            )
            if claimed:
                _tell_advisor(opinion, reminder=True)
                reminded += 1
    return reminded


# --- Reading ---------------------------------------------------------------------------------


def opinions_for_agent(user: Any, *, pending_only: bool = False) -> QuerySet[Opinion]:
    """Opinions asked of the agent's services, late and due first."""
    opinions = Opinion.objects.filter(service_id__in=agent_service_ids(user))
    if pending_only:
        opinions = opinions.filter(given_at__isnull=True)
    return opinions.select_related("case", "case__procedure", "service").order_by(
        "given_at", "due_date", "id"
    )


def get_opinion_for_agent(user: Any, pk: int) -> Opinion:
    opinion = opinions_for_agent(user).filter(pk=pk).first()
    if opinion is None:
        raise Http404
    return opinion


# --- Partner zones: the opinions asked of a zone by every commune it serves ------------------

# What a zone's page lists per commune: the opinions to give, and those given
# lately (the older ones stay on each case).
ZONE_GIVEN_DAYS = 60
ZONE_ROWS_PER_COMMUNE = 200


@dataclass(frozen=True)
class ZoneOpinion:
    """An opinion asked of a zone, with the commune that asked it."""

    commune_id: int
    commune_name: str
    opinion: Opinion


def zone_opinions_for_agent(user: Any) -> list[ZoneOpinion]:
    """The opinions asked of the user's partner zones by every commune they
    serve, marked with the commune, due first.

    Row-level security lets one commune's rows through per scope: one scope,
    and one query, per commune served, combined here; never one per opinion.
    """
    since = timezone.now() - datetime.timedelta(days=ZONE_GIVEN_DAYS)
    found: list[ZoneOpinion] = []
    for commune in zone_communes_of(user):
        with municipality_scope(commune.commune_id):
            opinions = list(
                Opinion.objects.filter(service_id__in=commune.service_ids)
                .filter(Q(given_at__isnull=True) | Q(given_at__gte=since))
                .select_related("case", "case__procedure", "case__service", "service")
                .defer("case__answers", "case__search_text")
                .order_by("given_at", "due_date", "id")[:ZONE_ROWS_PER_COMMUNE]
            )
        found.extend(ZoneOpinion(commune.commune_id, commune.commune_name, o) for o in opinions)
    found.sort(key=lambda row: (row.opinion.due_date, row.commune_name, row.opinion.pk))
    return found


def get_zone_opinion_for_agent(user: Any, commune: ZoneCommune, pk: int) -> Opinion:
    """An opinion asked of the user's zone by ``commune``, read in its scope
    (the caller's: the page that shows it runs there); 404 otherwise."""
    if scoped_municipality_id() != commune.commune_id:
        raise RuntimeError("Read a zone's opinion inside its commune's municipality_scope.")
    opinion = (
        Opinion.objects.filter(pk=pk, service_id__in=commune.service_ids)
        .select_related("case", "case__procedure", "case__service", "service", "given_by")
        .first()
    )
    if opinion is None or not advises_for_zone(user, opinion.service_id):
        raise Http404
    return opinion


def can_request_opinions(user: Any, case: Case) -> bool:
    return bool(actor_roles(user, case)) and not case.is_closed


@register_document_context
def _opinions_for_documents(case: Case) -> dict[str, Any]:
    """``opinions`` in document templates: the services' verdicts and conditions."""
    return {
        "opinions": [
            {
                "service": opinion.service.name,
                "verdict": opinion.get_verdict_display(),
                "favourable": opinion.verdict != Opinion.Verdict.UNFAVOURABLE,
                "conditions": opinion.conditions,
            }
            for opinion in case.opinions.filter(given_at__isnull=False).select_related("service")
        ]
    }
