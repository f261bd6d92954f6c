"""The request's host names its municipality; the rest of the request runs in its scope."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from beffroi.core.tenancy import municipality_scope
from beffroi.municipality.selectors import host_route

# Answered for the installation, whichever host asks (a load balancer's probe
# uses the server's address and may come before the database is migrated).
INSTALLATION_PATHS = ("/_health",)


class MunicipalityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info in INSTALLATION_PATHS:
            return self.get_response(request)
        route = host_route(request.get_host())
        municipality_id = route.municipality_id
        if municipality_id is None and route.installation_has_municipalities:
            return _page(request, "municipality/unknown_host.html", status=404)
        if route.suspended:
            return _page(request, "municipality/suspended.html", status=503)
        request.municipality_id = municipality_id  # type: ignore[attr-defined]
        with municipality_scope(municipality_id):
            return self.get_response(request)


def _page(request: HttpRequest, template: str, *, status: int) -> HttpResponse:
    # A page of its own, without the request's context processors: the
    # city's layout needs a municipality to show.
    html = render_to_string(template, {"host": request.get_host()})
    response = HttpResponse(html, status=status)
    response.headers["Cache-Control"] = "no-store"
    return response
