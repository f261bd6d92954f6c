from __future__ import annotations

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters

from beffroi.backoffice.decorators import agent_required
from beffroi.backoffice.forms import AgentLoginForm
from beffroi.core.ratelimit import client_address, ratelimit_blocked, ratelimit_hit

# Failed logins allowed per window: per address typed, and per client address
# (a town hall's agents often share one public address, hence the margin).
_PER_EMAIL = 5
_PER_CLIENT = 30
_WINDOW = 300


@sensitive_post_parameters("password")
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if request.method == "POST":
        form = AgentLoginForm(request, request.POST)
        email = request.POST.get("email", "").strip().lower()
        client = client_address(request)
        if ratelimit_blocked(
            scope="agent-login-email", key=email, limit=_PER_EMAIL, period=_WINDOW
        ) or ratelimit_blocked(
            scope="agent-login-ip", key=client, limit=_PER_CLIENT, period=_WINDOW
        ):
            form = AgentLoginForm(request, initial={"email": email})
            return render(
                request,
                "backoffice/login.html",
                {"form": form, "next": next_url, "throttled": True},
                status=429,
            )
        if form.is_valid() and form.user is not None:
            login(request, form.user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(next_url or "backoffice:home")
        ratelimit_hit(scope="agent-login-email", key=email, limit=_PER_EMAIL, period=_WINDOW)
        ratelimit_hit(scope="agent-login-ip", key=client, limit=_PER_CLIENT, period=_WINDOW)
    else:
        form = AgentLoginForm(request)
    return render(request, "backoffice/login.html", {"form": form, "next": next_url})


@agent_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = request.user.memberships.select_related("service").order_by("service__name")  # type: ignore[union-attr]
    return render(request, "backoffice/home.html", {"memberships": memberships, "nav": "home"})
