"""360° views: everything the agent's services hold about a citizen or an
organisation (cases, mail), and nothing their services may not see."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from beffroi.accounts.models import User
from beffroi.audit.services import access_record
from beffroi.backoffice.decorators import agent_required
from beffroi.cases.selectors import cases_visible_to_agent
from beffroi.mail.selectors import mail_items_linked_to
from beffroi.organisations.models import Organisation


def _related_mail(request: HttpRequest, **link: object) -> list[object]:
    """The mail items linked to the person or organisation, that the agent may see."""
    return list(mail_items_linked_to(request.user, **link)[:100])


@agent_required
@require_GET
def citizen_360(request: HttpRequest, pk: int) -> HttpResponse:
    person = User.objects.filter(pk=pk).first()
    if person is None:
        raise Http404
    cases = list(
        cases_visible_to_agent(request.user)
        .filter(applicant=person)
        .select_related("procedure", "service", "organisation")
        .order_by("-submitted_at")[:200]
    )
    mail = _related_mail(request, citizen=person)
    if not cases and not mail:
        raise Http404  # nothing of theirs in the agent's services: not the agent's business
    access_record(actor=request.user, subject_id=person.pk, action="citizen.viewed", target=person)
    return render(
        request,
        "backoffice/people/citizen.html",
        {
            "nav": "inbox",
            "person": person,
            "cases": cases,
            "mail": mail,
            "organisations": person.organisation_memberships.select_related("organisation"),
        },
    )


@agent_required
@require_GET
def organisation_360(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise Http404
    cases = list(
        cases_visible_to_agent(request.user)
        .filter(Q(organisation=organisation) | Q(pk=organisation.source_case_id))
        .select_related("procedure", "service")
        .order_by("-submitted_at")[:200]
    )
    mail = _related_mail(request, organisation=organisation)
    if not cases and not mail:
        raise Http404  # nothing of theirs in the agent's services, as for a citizen
    return render(
        request,
        "backoffice/people/organisation.html",
        {
            "nav": "inbox",
            "organisation": organisation,
            "members": organisation.members.select_related("user"),
            "cases": cases,
            "mail": mail,
        },
    )
