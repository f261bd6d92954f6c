from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from beffroi.organisations.models import Organisation, OrganisationMember


def organisations_of(user: Any, *, representative: bool = False) -> QuerySet[Organisation]:
    """Validated organisations the user belongs to (as representative only, if asked)."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    members = OrganisationMember.objects.filter(user=user)
    if representative:
        members = members.filter(role=OrganisationMember.Role.REPRESENTATIVE)
    return Organisation.objects.filter(
        pk__in=members.values("organisation_id"), status=Organisation.Status.VALIDATED
    ).order_by("name")


def organisation_role(user: Any, organisation: Organisation) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    role: str | None = (
        OrganisationMember.objects.filter(user=user, organisation=organisation)
        .values_list("role", flat=True)
        .first()
    )
    return role


def get_organisation_for_member(user: Any, pk: int) -> Organisation:
    organisation = organisations_of(user).filter(pk=pk).first()
    if organisation is None:
        raise Http404
    return organisation
