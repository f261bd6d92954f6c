"""Filters of the public agenda and search of the business directory.

Both are GET forms: a wrong value gets a message next to its field and is
left out of the filter, the rest of the filters still apply.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from beffroi.agenda.models import AgendaEvent, DirectoryEntry

# Dates outside these bounds are typing mistakes (and would overflow).
EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2100, 12, 31)
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        widget=_DateInput(),
        help_text=_("Par exemple 14/06/2025."),
        error_messages={
            "invalid": _("Saisissez une date au format jj/mm/aaaa, par exemple 14/06/2025.")
        },
    )


class AgendaFilterForm(forms.Form):
    du = _date_field(_("À partir du"))
    au = _date_field(_("Jusqu'au"))
    rubrique = forms.ChoiceField(
        label=_("Rubrique"),
        required=False,
        choices=[("", _("Toutes les rubriques")), *AgendaEvent.Category.choices],
        error_messages={"invalid_choice": _("Choisissez une rubrique dans la liste.")},
    )
    lieu = forms.CharField(
        label=_("Lieu"),
        required=False,
        max_length=100,
        help_text=_("Un lieu, une rue ou un village : Grand-Place, Kain, Maison de la Culture…"),
        error_messages={"max_length": _("Saisissez au plus 100 caractères.")},
    )

    def _clean_bounded(self, name: str) -> datetime.date | None:
        day: datetime.date | None = self.cleaned_data.get(name)
        if day is not None and not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(_("Choisissez une date entre l'an 2000 et l'an 2100."))
        return day

    def clean_du(self) -> datetime.date | None:
        return self._clean_bounded("du")

    def clean_au(self) -> datetime.date | None:
        return self._clean_bounded("au")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("du"), cleaned.get("au")
        if start and end and end < start:
            self.add_error("au", _("Cette date doit venir après la date « À partir du »."))
        return cleaned

    def filters(self) -> dict[str, Any]:
        """The filters that are valid (a wrong one is left out)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = self.cleaned_data
        return {
            "start": data.get("du"),
            "end": data.get("au"),
            "category": data.get("rubrique") or "",
            "place": (data.get("lieu") or "").strip(),
        }


class DirectorySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Rechercher un commerce"),
        required=False,
        max_length=100,
        help_text=_("Un nom, une activité ou une rue : boulangerie, fleuriste, rue Royale…"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        error_messages={"max_length": _("Saisissez au plus 100 caractères.")},
    )
    rubrique = forms.ChoiceField(
        label=_("Rubrique"),
        required=False,
        choices=[("", _("Toutes les rubriques")), *DirectoryEntry.Category.choices],
        error_messages={"invalid_choice": _("Choisissez une rubrique dans la liste.")},
    )

    def filters(self) -> dict[str, str]:
        if not self.is_bound:
            return {"query": "", "category": ""}
        self.is_valid()
        data = self.cleaned_data
        return {
            "query": (data.get("q") or "").strip(),
            "category": data.get("rubrique") or "",
        }


def page_number(raw: str | None) -> tuple[int, bool]:
    """The page asked for (1 to 1000), and whether the value was wrong."""
    if raw is None or raw == "":
        return 1, False
    try:
        number = int(raw)
    except ValueError:
        return 1, True
    if not 1 <= number <= 1000:
        return 1, True
    return number, False
