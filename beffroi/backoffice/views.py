from __future__ import annotations

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters

from beffroi.backoffice.decorators import agent_required
from beffroi.backoffice.forms import AgentLoginForm
from beffroi.catalogue.selectors import template_adoptions_outdated
from beffroi.municipality.selectors import is_functional_admin


@sensitive_post_parameters("password")
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if request.method == "POST":
        form = AgentLoginForm(request, request.POST)
        if form.is_valid() and form.user is not None:
            login(request, form.user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(next_url or "backoffice:home")
        if form.throttled:
            return render(
                request,
                "backoffice/login.html",
                {"form": form, "next": next_url},
                status=429,
            )
    else:
        form = AgentLoginForm(request)
    return render(request, "backoffice/login.html", {"form": form, "next": next_url})


def home(request: HttpRequest) -> HttpResponseBase:
    # A partner zone's agent without a seat in this commune: the zone's page.
    user = request.user
    if getattr(user, "is_zone_agent", False) and not getattr(user, "is_agent", False):
        return redirect("backoffice:zone_opinions")
    return agent_home(request)


@agent_required
def agent_home(request: HttpRequest) -> HttpResponse:
    memberships = request.user.memberships.select_related("service").order_by("service__name")  # type: ignore[union-attr]
    # The cooperative's templates with a new version, for those who follow them.
    outdated = template_adoptions_outdated() if is_functional_admin(request.user) else []
    return render(
        request,
        "backoffice/home.html",
        {"memberships": memberships, "outdated_templates": outdated, "nav": "home"},
    )
