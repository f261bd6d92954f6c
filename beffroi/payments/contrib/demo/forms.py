from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from beffroi.payments.contrib.demo.models import DemoCharge


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[
            (DemoCharge.Status.PAID, _("Payer")),
            (DemoCharge.Status.FAILED, _("Refuser")),
            (DemoCharge.Status.CANCELLED, _("Abandonner")),
        ]
    )
