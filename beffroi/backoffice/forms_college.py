from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beffroi.cases.models import Case
from beffroi.college.models import Decision


class MeetingForm(forms.Form):
    date = forms.DateField(
        label=_("Date de la séance"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={
            "required": _("Indiquez la date de la séance."),
            "invalid": _("Indiquez une date réelle, par exemple 15/03/2026."),
        },
    )

    def clean_date(self) -> datetime.date:
        date: datetime.date = self.cleaned_data["date"]
        if date < timezone.localdate() - datetime.timedelta(days=30):
            raise forms.ValidationError(_("Cette date est trop ancienne pour une nouvelle séance."))
        return date


class AgendaForm(forms.Form):
    cases = forms.MultipleChoiceField(
        label=_("Demandes prêtes pour le Collège"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins une demande.")},
    )

    def __init__(self, *args: Any, cases: list[Case], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["cases"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [
            (
                case.reference,
                f"{case.reference} — {case.procedure.title}"
                + (f" — {case.organisation.name}" if case.organisation else "")
                + (f" — {case.summary}" if case.summary else ""),
            )
            for case in cases
        ]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Décision du Collège"),
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez la décision.")},
    )
    conditions = forms.CharField(
        label=_("Conditions ou motifs"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Les conditions fixées, ou les motifs d’un refus : ils sont communiqués au demandeur."
        ),
    )
