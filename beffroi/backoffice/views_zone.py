"""A partner zone's pages: the opinions asked of it by every commune it serves.

A police or fire-and-rescue zone serves several communes of the installation;
its agents log in on any host and see here, marked with the commune, the
opinions those communes asked of the services that stand for the zone, and
nothing else of theirs (the rest of the back-office is ``agent_required``).
Each opinion is read and given inside its commune's ``municipality_scope``,
as row-level security requires.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from beffroi.backoffice.decorators import zone_agent_required
from beffroi.backoffice.views_opinions import opinion_attachment, opinion_page
from beffroi.cases.opinions import get_zone_opinion_for_agent, zone_opinions_for_agent
from beffroi.core.tenancy import municipality_scope
from beffroi.municipality.selectors import ZoneCommune, zone_commune_of, zone_seats_of

ZONE_BASE = "backoffice/zone/base.html"


def _zones(request: HttpRequest) -> list[str]:
    """The names of the user's zones, for the page's header."""
    return sorted({seat.zone_name for seat in zone_seats_of(request.user)})


def _commune_or_404(request: HttpRequest, commune_id: int) -> ZoneCommune:
    commune = zone_commune_of(request.user, commune_id)
    if commune is None:
        raise Http404
    return commune


@zone_agent_required
@require_safe
def zone_opinions(request: HttpRequest) -> HttpResponse:
    rows = zone_opinions_for_agent(request.user)
    return render(
        request,
        "backoffice/zone/opinions.html",
        {
            "nav": "zone",
            "zones": _zones(request),
            "pending": [row for row in rows if not row.opinion.is_given],
            "given": [row for row in rows if row.opinion.is_given],
        },
    )


@zone_agent_required
@require_http_methods(["GET", "HEAD", "POST"])
def zone_opinion_detail(request: HttpRequest, commune_id: int, pk: int) -> HttpResponse:
    commune = _commune_or_404(request, commune_id)
    # Read, given and shown in the commune's scope: its rows, its journal.
    with municipality_scope(commune.commune_id):
        opinion = get_zone_opinion_for_agent(request.user, commune, pk)
        return opinion_page(
            request,
            opinion,
            done_url=reverse("backoffice:zone_opinions"),
            extra={
                "nav": "zone",
                "base_template": ZONE_BASE,
                "zones": _zones(request),
                "zone_commune": commune,
            },
        )


@zone_agent_required
@require_safe
def zone_opinion_file(
    request: HttpRequest, commune_id: int, pk: int, attachment_id: int
) -> HttpResponseBase:
    commune = _commune_or_404(request, commune_id)
    with municipality_scope(commune.commune_id):
        opinion = get_zone_opinion_for_agent(request.user, commune, pk)
        return opinion_attachment(opinion, attachment_id)
