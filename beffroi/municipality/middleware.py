"""The request's host names its municipality; the rest of the request runs in its scope."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from beffroi.core.tenancy import municipality_scope
from beffroi.municipality.selectors import municipality_directory, municipality_for_host

# Answered for the installation, whichever host asks (a load balancer's probe
# uses the server's address and may come before the database is migrated).
INSTALLATION_PATHS = ("/_health",)


class MunicipalityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info in INSTALLATION_PATHS:
            return self.get_response(request)
        municipality_id = municipality_for_host(request.get_host())
        if municipality_id is None and municipality_directory().ids:
            return _page(request, "municipality/unknown_host.html", status=404)
        if municipality_id in municipality_directory().suspended:
            return _page(request, "municipality/suspended.html", status=503)
        request.municipality_id = municipality_id  # type: ignore[attr-defined]
        with municipality_scope(municipality_id):
            return self.get_response(request)


def _page(request: HttpRequest, template: str, *, status: int) -> HttpResponse:
    # A page of its own: the city's layout needs a municipality to show. No
    # request either: its context processors read the municipality's revisions,
    # and outside any scope an installation with several has none to read.
    response = HttpResponse(render_to_string(template), status=status)
    response.headers["Cache-Control"] = "no-store"
    return response
