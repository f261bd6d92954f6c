"""allauth's forms as the portal shows them: « Adresse e-mail » as everywhere
else, and a sign-up that does the same work whether the address has an account."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

EMAIL_LABEL = _("Adresse e-mail")


def _label_email(form: forms.Form, name: str) -> None:
    field = form.fields[name]
    field.label = EMAIL_LABEL
    field.widget.attrs.pop("placeholder", None)  # the label says it; a placeholder fades


class LoginForm(AllauthLoginForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _label_email(self, "login")


class ResetPasswordForm(AllauthResetPasswordForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _label_email(self, "email")


class SignupForm(AllauthSignupForm):  # type: ignore[misc]
    """allauth's form (with ``SignupExtraForm``'s fields). For an address that
    already has an account, allauth creates nothing and e-mails its owner; the
    password is hashed all the same, so the answer takes as long as a new
    account's and its timing does not tell who has one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _label_email(self, "email")

    def try_save(self, request: HttpRequest) -> tuple[Any, Any]:
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)  # type: ignore[no-any-return]
