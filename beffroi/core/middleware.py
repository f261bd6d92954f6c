from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

# Pages load scripts and styles only from our own origin: no inline script.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


# Addresses whose pages speak of one person or one case, whoever asks: the
# citizen's account, the back-office, a case's files and documents, drafts,
# a request just sent, a case unlocked with its code, a document checked.
PERSONAL_URL_PREFIXES = (
    "/mon-compte/",
    "/backoffice/",
    "/admin/",
    "/compte/",
    "/demandes/",
    "/brouillons/",
    "/demande-envoyee/",
    "/suivi/",
    "/verifier/",
    "/demo/",
)


def is_personal(request: HttpRequest, response: HttpResponse) -> bool:
    """A personal page: at a personal address, or asked with a session (a
    logged-in user, cases unlocked with a code) unless the view said its
    response is the same for everyone (``Cache-Control: public``)."""
    if request.path.startswith(PERSONAL_URL_PREFIXES):
        return True
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    return "public" not in response.get("Cache-Control", "")


class PersonalPagesMiddleware:
    """No shared or proxy cache, nor the browser's disk, keeps a personal page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_personal(request, response):
            patch_cache_control(response, private=True, no_store=True)
        return response
