"""Linking members named by e-mail to their account."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import email_confirmed
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from beffroi.organisations.services import organisation_members_link


@receiver(user_logged_in)
def link_memberships_at_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    organisation_members_link(user=user)


@receiver(email_confirmed)
def link_memberships_when_confirmed(
    sender: Any, request: Any, email_address: Any, **kwargs: Any
) -> None:
    organisation_members_link(user=email_address.user)
