from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse


def agent_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Back-office views: agents only. A citizen gets a 403, never the page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("backoffice:login"))
        if not getattr(user, "is_agent", False):
            raise PermissionDenied("Back-office is for agents only.")
        return view(request, *args, **kwargs)

    return wrapper


def zone_agent_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A partner zone's pages: its agents only, logged in on any host of the
    installation. Everything else of the back-office stays behind
    ``agent_required``, which a zone's agent without a seat in the commune
    does not pass."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("backoffice:login"))
        if not getattr(user, "is_zone_agent", False):
            raise PermissionDenied("These pages are for a partner zone's agents only.")
        # The journal records what they do here as an agent's work.
        user.acting_for_partner_zone = True  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper
