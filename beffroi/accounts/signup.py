"""The sign-up form: the same work whether the address has an account or not."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest


class SignupForm(AllauthSignupForm):  # type: ignore[misc]
    """allauth's form (with ``SignupExtraForm``'s fields). For an address that
    already has an account, allauth creates nothing and e-mails its owner; the
    password is hashed all the same, so the answer takes as long as a new
    account's and its timing does not tell who has one."""

    def try_save(self, request: HttpRequest) -> tuple[Any, Any]:
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)  # type: ignore[no-any-return]
