"""Changes to organisations and their members, journaled."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beffroi.accounts.actors import Actor, actor_user
from beffroi.audit.services import audit_event_record
from beffroi.organisations.models import Organisation, OrganisationMember


class MembershipRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


ORGANISATION_FIELDS = (
    "name",
    "acronym",
    "legal_form",
    "enterprise_number",
    "address",
    "email",
    "phone",
    "website",
    "sector",
    "activities",
)


def _user_with_email(email: str) -> Any:
    """The account whose verified address is ``email``, if any."""
    from allauth.account.models import EmailAddress

    address = (
        EmailAddress.objects.filter(email__iexact=email, verified=True)
        .select_related("user")
        .first()
    )
    return address.user if address is not None else None


@transaction.atomic
def organisation_register(
    *,
    actor: Actor,
    kind: str,
    values: Mapping[str, Any],
    members: Sequence[Mapping[str, str]],
    source_case: Any = None,
) -> Organisation:
    """Create a validated organisation with its first members.

    ``members`` are dicts with email, first_name, last_name, function, role.
    An organisation already known by its enterprise number is updated
    instead of duplicated.
    """
    number = str(values.get("enterprise_number") or "")
    organisation = (
        Organisation.objects.select_for_update().filter(enterprise_number=number).first()
        if number
        else None
    )
    clean = {
        key: values[key] for key in ORGANISATION_FIELDS if key in values and values[key] is not None
    }
    if organisation is None:
        organisation = Organisation.objects.create(
            kind=kind, validated_at=timezone.now(), source_case=source_case, **clean
        )
        action = "organisation.registered"
    else:
        for key, value in clean.items():
            setattr(organisation, key, value)
        organisation.save(update_fields=[*clean, "updated_at"])
        action = "organisation.updated"
    for member in members:
        _member_put(organisation, member)
    audit_event_record(
        actor=actor,
        action=action,
        target=organisation,
        data={"kind": kind, "case_id": getattr(source_case, "pk", None)},
    )
    return organisation


def _member_put(organisation: Organisation, member: Mapping[str, str]) -> OrganisationMember:
    email = member["email"].strip().lower()
    values = {
        "first_name": member.get("first_name", ""),
        "last_name": member.get("last_name", ""),
        "function": member.get("function", ""),
        "role": member.get("role", OrganisationMember.Role.MEMBER),
        "user": _user_with_email(email),
    }
    row, _ = OrganisationMember.objects.update_or_create(
        organisation=organisation, email=email, defaults=values
    )
    return row


@transaction.atomic
def organisation_update(
    *, actor: Actor, organisation: Organisation, values: Mapping[str, Any], source_case: Any = None
) -> Organisation:
    changed = [
        key
        for key in ORGANISATION_FIELDS
        if key in values
        and values[key] not in (None, "")
        and getattr(organisation, key) != values[key]
    ]
    for key in changed:
        setattr(organisation, key, values[key])
    if changed:
        organisation.save(update_fields=[*changed, "updated_at"])
        audit_event_record(
            actor=actor,
            action="organisation.updated",
            target=organisation,
            data={"fields": changed, "case_id": getattr(source_case, "pk", None)},
        )
    return organisation


def _representative(actor: Actor, organisation: Organisation) -> None:
    if not OrganisationMember.objects.filter(
        organisation=organisation,
        user=actor_user(actor),
        role=OrganisationMember.Role.REPRESENTATIVE,
    ).exists():
        raise MembershipRefused(
            _("Seuls les représentants de l’organisation peuvent gérer ses membres.")
        )


@transaction.atomic
def organisation_member_add(
    *,
    actor: Actor,
    organisation: Organisation,
    email: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    function: str = "",
) -> OrganisationMember:
    _representative(actor, organisation)
    if OrganisationMember.objects.filter(organisation=organisation, email__iexact=email).exists():
        raise MembershipRefused(_("Cette personne fait déjà partie de l’organisation."))
    member = _member_put(
        organisation,
        {
            "email": email,
            "role": role,
            "first_name": first_name,
            "last_name": last_name,
            "function": function,
        },
    )
    audit_event_record(
        actor=actor,
        action="organisation.member_added",
        target=organisation,
        data={"member_id": member.pk, "role": role},
    )
    return member


@transaction.atomic
def organisation_member_remove(
    *, actor: Actor, organisation: Organisation, member: OrganisationMember
) -> None:
    _representative(actor, organisation)
    representatives = organisation.members.filter(role=OrganisationMember.Role.REPRESENTATIVE)
    if member.role == OrganisationMember.Role.REPRESENTATIVE and representatives.count() <= 1:
        raise MembershipRefused(
            _("L’organisation doit garder au moins un représentant. Désignez-en un autre d’abord.")
        )
    audit_event_record(
        actor=actor,
        action="organisation.member_removed",
        target=organisation,
        data={"member_id": member.pk},
    )
    member.delete()


@transaction.atomic
def organisation_members_link(*, user: Any) -> int:
    """Attach to ``user`` the memberships named with their verified address."""
    from allauth.account.models import EmailAddress

    emails = list(
        EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    )
    linked = 0
    for email in emails:
        linked += OrganisationMember.objects.filter(email__iexact=email, user__isnull=True).update(
            user=user
        )
    if linked:
        audit_event_record(
            actor=user,
            action="organisation.memberships_linked",
            target=user,
            data={"count": linked},
        )
    return linked
