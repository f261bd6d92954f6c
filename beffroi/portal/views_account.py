"""Mon tableau de bord: the citizen's own space."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from beffroi.accounts.forms import ProfileForm
from beffroi.accounts.services import user_profile_update
from beffroi.core.countries import country_name
from beffroi.core.identifiers import format_national_number, format_phone
from beffroi.documents.selectors import issued_documents_for_citizen


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/account/dashboard.html", {"nav": "dashboard", "section": "home"})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "portal/account/profile.html",
        {
            "nav": "dashboard",
            "section": "profile",
            "national_number": format_national_number(user.national_number),  # type: ignore[union-attr]
            "phone": format_phone(user.phone) if user.phone else "",  # type: ignore[union-attr]
            "country": country_name(user.country) if user.country else "",  # type: ignore[union-attr]
        },
    )


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            user_profile_update(actor=user, user=user, values=form.cleaned_data)  # type: ignore[arg-type]
            messages.success(request, _("Votre profil est enregistré."))
            return redirect("portal:profile")
    else:
        form = ProfileForm(initial=ProfileForm.initial_for(user))  # type: ignore[arg-type]
    return render(
        request,
        "portal/account/profile_edit.html",
        {"nav": "dashboard", "section": "profile", "form": form},
    )


@login_required
def my_documents(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/account/documents.html",
        {
            "nav": "dashboard",
            "section": "documents",
            "documents": issued_documents_for_citizen(request.user)[:200],
        },
    )
