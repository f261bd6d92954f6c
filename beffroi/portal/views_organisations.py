"""Mes organisations: the associations and businesses a citizen acts for."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from beffroi.accounts.models import User
from beffroi.cases.models import Case
from beffroi.organisations.models import OrganisationMember
from beffroi.organisations.selectors import (
    get_organisation_for_member,
    organisation_role,
    organisations_of,
)
from beffroi.organisations.services import (
    MembershipRefused,
    organisation_member_add,
    organisation_member_remove,
)
from beffroi.portal.forms import MemberForm


@login_required
@require_safe
def my_organisations(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # login_required
    memberships = (
        OrganisationMember.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    return render(
        request,
        "portal/account/organisations.html",
        {"nav": "dashboard", "section": "organisations", "memberships": memberships},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_member(request.user, pk)
    is_representative = (
        organisation_role(request.user, organisation) == OrganisationMember.Role.REPRESENTATIVE
    )
    form = MemberForm()
    status = 200
    if request.method == "POST":
        if not is_representative:
            raise Http404
        form = MemberForm(request.POST)
        if form.is_valid():
            try:
                organisation_member_add(
                    actor=request.user, organisation=organisation, **form.cleaned_data
                )
            except MembershipRefused as refusal:
                form.add_error("email", refusal.message)
            else:
                messages.success(request, _("La personne a été ajoutée à l’organisation."))
                return redirect("portal:organisation_detail", pk=organisation.pk)
        status = 400
    return render(
        request,
        "portal/account/organisation.html",
        {
            "nav": "dashboard",
            "section": "organisations",
            "organisation": organisation,
            "members": organisation.members.select_related("user"),
            "is_representative": is_representative,
            "form": form,
            "cases": Case.objects.filter(organisation=organisation)
            .select_related("procedure")
            .order_by("-submitted_at")[:100],
        },
        status=status,
    )


@login_required
@require_POST
def organisation_member_remove_view(request: HttpRequest, pk: int, member_id: int) -> HttpResponse:
    organisation = get_organisation_for_member(request.user, pk)
    member = organisation.members.filter(pk=member_id).first()
    if member is None:
        raise Http404
    try:
        organisation_member_remove(actor=request.user, organisation=organisation, member=member)
    except MembershipRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("La personne a été retirée de l’organisation."))
    if (
        member.user_id == request.user.pk
        and not organisations_of(request.user).filter(pk=pk).exists()
    ):
        return redirect("portal:my_organisations")
    return redirect("portal:organisation_detail", pk=organisation.pk)
