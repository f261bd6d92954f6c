"""Re-authentication before money leaves: the agent types their password
again, and a confirmation holds for ``REFUND_REAUTHENTICATION_MINUTES``.

The password is checked through allauth's adapter, like the agents' login,
so failures count against the same per-account and per-address limits.
"""

from __future__ import annotations

import time

from allauth.account.adapter import get_adapter
from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

SESSION_KEY = "beffroi.refund_confirmed_at"


def refund_confirmation_needed(request: HttpRequest) -> bool:
    """True unless the agent confirmed their password less than N minutes ago."""
    confirmed_at = request.session.get(SESSION_KEY)
    if not isinstance(confirmed_at, int | float):
        return True
    return time.time() - confirmed_at > settings.REFUND_REAUTHENTICATION_MINUTES * 60


def refund_confirm(request: HttpRequest, password: str) -> str | None:
    """Check the agent's password; the French reason when it is refused."""
    email = getattr(request.user, "email", "")
    try:
        user = get_adapter(request).authenticate(request, email=email, password=password)
    except forms.ValidationError:
        return _(
            "Trop de tentatives ont échoué. Par sécurité, attendez quelques minutes avant "
            "de réessayer."
        )
    if user is None or user.pk != request.user.pk:
        return _("Mot de passe incorrect : le remboursement n'est pas fait.")
    request.session[SESSION_KEY] = time.time()
    return None
