from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from beffroi.accounts.models import User


class AgentLoginForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail professionnelle"),
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user: User | None = None
        # Too many failures for this account, or from this address (allauth's
        # ``login_failed`` limit, shared with the portal's login).
        self.throttled = False
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        email, password = data.get("email"), data.get("password")
        if email and password:
            try:
                # allauth's authentication counts failures per account and
                # per address, and forgets a success's attempt.
                user = get_adapter(self.request).authenticate(
                    self.request, email=email.lower(), password=password
                )
            except forms.ValidationError:
                self.throttled = True
                raise forms.ValidationError(
                    _(
                        "Trop de tentatives de connexion ont échoué. Par sécurité, attendez "
                        "quelques minutes avant de réessayer."
                    )
                ) from None
            # One message whatever failed, so the form does not reveal which
            # addresses belong to agents.
            # A partner zone's agents too: they reach the zone's pages only.
            if user is None or not (
                getattr(user, "is_agent", False) or getattr(user, "is_zone_agent", False)
            ):
                raise forms.ValidationError(
                    _(
                        "Adresse e-mail ou mot de passe incorrect, ou ce compte n'a pas accès "
                        "à l'espace agents."
                    )
                )
            self.user = user
        return data
