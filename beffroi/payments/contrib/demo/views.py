"""The demo provider's checkout page, as a provider's own site would show it."""

from __future__ import annotations

import contextlib

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from beffroi.payments.contrib.demo.forms import OutcomeForm
from beffroi.payments.contrib.demo.models import DemoCharge
from beffroi.payments.contrib.demo.plugin import DemoProvider, charge_settle
from beffroi.payments.services import PaymentNotFound, payment_notification_receive


@require_http_methods(["GET", "HEAD", "POST"])
def checkout(request: HttpRequest, reference: str) -> HttpResponse:
    charge = DemoCharge.objects.filter(reference=reference).first()
    if charge is None:
        raise Http404
    form = OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        charge = charge_settle(reference=reference, outcome=form.cleaned_data["outcome"]) or charge
        # The provider's notification, delivered at once: what its server
        # would POST to Beffroi's webhook, handled by the same service.
        # A charge Beffroi no longer knows: the payer is still sent back.
        with contextlib.suppress(PaymentNotFound):
            payment_notification_receive(provider_name=DemoProvider.name, reference=reference)
        return redirect(charge.return_url)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "payments_demo/checkout.html",
        {"charge": charge, "form": form, "is_open": charge.status == DemoCharge.Status.OPEN},
        status=status,
    )
