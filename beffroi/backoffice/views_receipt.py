"""The city's receipt text: written by a functional administrator, checked, journaled."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from beffroi.backoffice.decorators import agent_required
from beffroi.backoffice.forms_receipt import ReceiptTextForm
from beffroi.municipality.selectors import is_functional_admin
from beffroi.payments.receipt_text import DEFAULT_TEXT, PLACEHOLDERS
from beffroi.payments.selectors import receipt_template_current
from beffroi.payments.services import ReceiptTextRefused, receipt_template_save


def _page(
    request: HttpRequest, form: ReceiptTextForm, *, custom: bool, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "backoffice/receipt_text.html",
        {"form": form, "placeholders": PLACEHOLDERS.items(), "custom": custom, "nav": "home"},
        status=status,
    )


@agent_required
def receipt_text_edit(request: HttpRequest) -> HttpResponse:
    if not is_functional_admin(request.user):
        raise PermissionDenied("The receipt text is the functional administrators'.")
    current = receipt_template_current()
    if request.method != "POST":
        form = ReceiptTextForm(initial={"body": current.body if current else DEFAULT_TEXT})
        return _page(request, form, custom=current is not None)
    form = ReceiptTextForm(request.POST)
    if not form.is_valid():
        return _page(request, form, custom=current is not None, status=400)
    try:
        saved = receipt_template_save(actor=request.user, body=form.cleaned_data["body"])
    except ReceiptTextRefused as refusal:
        form.add_error("body", refusal.message)
        return _page(request, form, custom=current is not None, status=400)
    messages.success(
        request,
        _("Le texte du reçu est enregistré : les prochains reçus l’utilisent.")
        if saved
        else _("Les prochains reçus reprennent le texte livré avec Beffroi."),
    )
    return redirect("backoffice:receipt_text")
