"""The municipality's portal settings (counter hours, languages, e-mail
sender): a functional administrator's. Providers' keys and the seal are the
cooperative's administrators' (Django admin, municipality/admin_config.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from beffroi.backoffice.decorators import agent_required
from beffroi.backoffice.forms_settings import MunicipalitySettingsForm
from beffroi.core.tenancy import current_municipality_id
from beffroi.municipality.selectors import is_functional_admin, municipality_config_row
from beffroi.municipality.services import municipality_config_update


def _page(request: HttpRequest, form: MunicipalitySettingsForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "backoffice/municipality_settings.html",
        {"form": form, "nav": "home"},
        status=status,
    )


@agent_required
def municipality_settings_edit(request: HttpRequest) -> HttpResponse:
    if not is_functional_admin(request.user):
        raise PermissionDenied("The municipality's settings are the functional administrators'.")
    municipality_id = current_municipality_id()
    if municipality_id is None:
        raise PermissionDenied("No municipality is recorded yet.")
    if request.method != "POST":
        row = municipality_config_row()
        initial = (
            {
                "counter_hours": row.counter_hours,
                "languages": row.languages,
                "email_from": row.email_from,
            }
            if row
            else {"languages": ["fr"]}
        )
        return _page(request, MunicipalitySettingsForm(initial=initial))
    form = MunicipalitySettingsForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        municipality_config_update(
            actor=request.user, municipality_id=municipality_id, values=dict(form.cleaned_data)
        )
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
        return _page(request, form, status=400)
    messages.success(request, _("Les paramètres de la commune sont enregistrés."))
    return redirect("backoffice:municipality_settings")
