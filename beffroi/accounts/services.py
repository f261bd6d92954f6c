from __future__ import annotations

from typing import Any

from django.db import transaction

from beffroi.accounts.actors import Actor
from beffroi.accounts.models import User
from beffroi.audit.services import audit_event_record

PROFILE_FIELDS = frozenset(
    {
        "first_name",
        "last_name",
        "birth_date",
        "national_number",
        "phone",
        "street",
        "house_number",
        "box",
        "postcode",
        "city",
        "country",
    }
)


@transaction.atomic
def user_profile_update(*, actor: Actor, user: User, values: dict[str, Any]) -> User:
    unknown = set(values) - PROFILE_FIELDS
    if unknown:
        raise ValueError(f"Not profile fields: {sorted(unknown)}")
    changed = sorted(name for name, value in values.items() if getattr(user, name) != value)
    if not changed:
        return user
    for name in changed:
        setattr(user, name, values[name])
    user.save(update_fields=changed)
    # The names of the changed fields are journaled, never their values.
    audit_event_record(
        actor=actor, action="account.profile_updated", target=user, data={"fields": changed}
    )
    return user


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    email: str,
    password: str | None,
    email_verified: bool = False,
    **profile: Any,
) -> User:
    """Create an account directly (demo, counter, administrators).

    Self-service sign-up goes through allauth instead; ``email_verified``
    records the address as confirmed, as an agent who saw the person would.
    """
    from allauth.account.models import EmailAddress

    unknown = set(profile) - PROFILE_FIELDS - {"is_staff", "is_superuser"}
    if unknown:
        raise ValueError(f"Not profile fields: {sorted(unknown)}")
    user = User.objects.create_user(email=email, password=password, **profile)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=email_verified)
    audit_event_record(
        actor=actor, action="account.created", target=user, data={"email_verified": email_verified}
    )
    return user
