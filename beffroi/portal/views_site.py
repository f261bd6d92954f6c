"""Site-wide pages: static texts, the theme, health check and demo mailbox."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from beffroi.municipality.selectors import current_municipality
from beffroi.notifications.models import DemoEmail

STATIC_PAGES = {
    "accessibilite": "portal/pages/accessibility.html",
    "vie-privee": "portal/pages/privacy.html",
    "conditions": "portal/pages/terms.html",
}


@require_safe
def page(request: HttpRequest, slug: str) -> HttpResponse:
    template = STATIC_PAGES.get(slug)
    if template is None:
        raise Http404
    return render(request, template, {"page_slug": slug})


@require_safe
@cache_control(public=True, max_age=3600)
def theme_css(request: HttpRequest) -> HttpResponse:
    css = render_to_string("portal/theme.css", {"municipality": current_municipality()})
    return HttpResponse(css, content_type="text/css; charset=utf-8")


@require_safe
@cache_control(public=True, max_age=3600)
def logo(request: HttpRequest) -> FileResponse:
    municipality = current_municipality()
    if not municipality.logo:
        raise Http404
    return FileResponse(municipality.logo.open("rb"))


@require_safe
def health(request: HttpRequest) -> HttpResponse:
    """The smallest view: load balancers probe it, the benchmark compares to it."""
    return HttpResponse("ok", content_type="text/plain")


def _demo_only() -> None:
    if not settings.DEMO_MODE:
        raise Http404


@require_safe
def demo_mailbox(request: HttpRequest) -> HttpResponse:
    _demo_only()
    emails = DemoEmail.objects.only("id", "sent_at", "to", "subject")[:200]
    return render(request, "portal/demo/mailbox.html", {"emails": emails})


@require_safe
def demo_email(request: HttpRequest, pk: int) -> HttpResponse:
    _demo_only()
    email = get_object_or_404(DemoEmail, pk=pk)
    return render(request, "portal/demo/email.html", {"email": email})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "portal/errors/404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "portal/errors/403.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: the database may be what failed.
    html = render_to_string("portal/errors/500.html")
    return HttpResponse(html, status=500)
