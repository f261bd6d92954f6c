"""The municipality's portal settings, edited by a functional administrator."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from beffroi.core.forms import SharedPageForm
from beffroi.municipality.config import validate_sender


def language_choices() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


class MunicipalitySettingsForm(SharedPageForm):
    id_prefix = "settings"

    counter_hours = forms.CharField(
        label=_("Heures d’ouverture des guichets"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Affichées avec les coordonnées de la commune, au bas de chaque page."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Langues proposées sur le guichet"),
        choices=language_choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choisissez au moins une langue proposée sur le guichet."),
            "invalid_choice": _("Langue inconnue : %(value)s."),
        },
    )
    email_from = forms.CharField(
        label=_("Expéditeur des e-mails"),
        required=False,
        max_length=254,
        validators=[validate_sender],
        help_text=_(
            "Par exemple « Ville de Tournai <eguichet@tournai.be> ». Vide : l’adresse de "
            "l’installation, au nom de la commune."
        ),
    )
