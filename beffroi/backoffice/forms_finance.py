"""The finance screens' forms: a period, a CODA file, matching a credit."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A year and a bit: what a finance view or an export is asked for at most.
LONGEST_PERIOD = datetime.timedelta(days=400)


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("Du"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Indiquez une date, par exemple 01/12/2026.")},
    )
    end = forms.DateField(
        label=_("Au"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Indiquez une date, par exemple 31/12/2026.")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        start = data.get("start") or today.replace(day=1)
        end = data.get("end") or today
        if start > end:
            raise forms.ValidationError(_("La date de début doit précéder la date de fin."))
        if end - start > LONGEST_PERIOD:
            raise forms.ValidationError(_("Choisissez une période d’au plus un an."))
        data["start"], data["end"] = start, end
        return data

    def period(self) -> tuple[datetime.date, datetime.date]:
        """The period asked for, or this month when the form is not valid."""
        if self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        today = timezone.localdate()
        return today.replace(day=1), today


class CodaUploadForm(forms.Form):
    coda_file = forms.FileField(
        label=_("Fichier CODA de la banque"),
        help_text=_("L’extrait de compte au format CODA (.cod ou .txt) téléchargé de la banque."),
        error_messages={
            "required": _("Choisissez le fichier CODA à importer."),
            "empty": _("Ce fichier est vide."),
        },
    )

    def clean_coda_file(self) -> UploadedFile[Any]:
        uploaded: UploadedFile[Any] = self.cleaned_data["coda_file"]
        if (uploaded.size or 0) > settings.PAYMENT_CODA_MAX_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("Ce fichier dépasse %(mb)d Mo : importez les extraits en plusieurs fichiers.")
                % {"mb": settings.PAYMENT_CODA_MAX_MB}
            )
        return uploaded


class CreditMatchForm(forms.Form):
    reference = forms.CharField(
        label=_("Communication structurée ou référence de la demande"),
        max_length=40,
        error_messages={"required": _("Indiquez la communication ou la référence de la demande.")},
    )

    def __init__(self, *args: Any, credit_id: int, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_match{credit_id}_%s")
        super().__init__(*args, **kwargs)


class CreditDismissForm(forms.Form):
    note = forms.CharField(
        label=_("Pourquoi ce crédit ne concerne aucun paiement"),
        max_length=300,
        error_messages={"required": _("Indiquez pourquoi ce crédit ne concerne aucun paiement.")},
    )

    def __init__(self, *args: Any, credit_id: int, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_dismiss{credit_id}_%s")
        super().__init__(*args, **kwargs)
