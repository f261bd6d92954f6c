from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from beffroi.cases.codes import TRACKING_ALPHABET, normalise_tracking_code
from beffroi.cases.formengine import UploadField
from beffroi.payments.contrib.transfer.plugin import transfer_available


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Que cherchez-vous ?"),
        max_length=200,
        help_text=_("Par exemple : déménagement, extrait de naissance, casier judiciaire."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class TrackingForm(forms.Form):
    code = forms.CharField(
        label=_("Code de suivi"),
        max_length=20,
        help_text=_("Les 8 lettres reçues après votre demande, par exemple CNPHNTFB."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        code = normalise_tracking_code(self.cleaned_data["code"])
        if len(code) != 8:
            raise forms.ValidationError(
                _("Un code de suivi compte 8 lettres. Vous en avez saisi %(count)d.")
                % {"count": len(code)}
            )
        if any(ch not in TRACKING_ALPHABET for ch in code):
            raise forms.ValidationError(
                _(
                    "Un code de suivi ne contient que des consonnes (pas de voyelles, de Y ni "
                    "de chiffres). Vérifiez le code reçu par e-mail."
                )
            )
        return code


MESSAGE_FILES = {"max_files": 5, "accept": ["pdf", "jpeg", "png", "heic"], "max_size_mb": 10}


class ReplyForm(forms.Form):
    """A citizen's message to the service, with files (answers to a question too)."""

    body = forms.CharField(
        label=_("Votre message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Écrivez votre message.")},
    )
    attachments = UploadField(
        definition=MESSAGE_FILES,
        label=_("Joindre des documents"),
        required=False,
        help_text=_("Jusqu’à 5 fichiers PDF, JPEG, PNG ou HEIC de 10 Mo chacun."),
    )

    def cleaned_files(self) -> list[tuple[bytes, str, str]]:
        return [
            (upload.read(), upload.name or "", kind)
            for upload, kind in self.cleaned_data.get("attachments") or []
        ]


class TrackingCheckForm(forms.Form):
    """The questions a procedure asks whoever holds a tracking code, to unlock details."""

    def __init__(self, *args: Any, questions: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in questions:
            if question["type"] == "date":
                field: forms.Field = forms.DateField(
                    label=question["label"],
                    widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                    input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"],
                    error_messages={
                        "required": _("Indiquez une date."),
                        "invalid": _("Indiquez une date réelle, par exemple 30/07/1985."),
                    },
                )
            else:
                field = forms.CharField(
                    label=question["label"],
                    max_length=200,
                    error_messages={"required": _("Complétez ce champ.")},
                )
            self.fields[question["id"]] = field


class MemberForm(forms.Form):
    """A person a representative adds to their organisation, by e-mail address."""

    email = forms.EmailField(
        label=_("Adresse e-mail"),
        help_text=_(
            "La personne accède à l’organisation avec un compte e-guichet à cette adresse "
            "(elle peut le créer plus tard)."
        ),
        error_messages={
            "required": _("Indiquez l’adresse e-mail de la personne."),
            "invalid": _("Indiquez une adresse e-mail valide, par exemple nom@exemple.be."),
        },
    )
    first_name = forms.CharField(label=_("Prénom"), max_length=100)
    last_name = forms.CharField(label=_("Nom"), max_length=100)
    function = forms.CharField(
        label=_("Fonction"),
        max_length=80,
        required=False,
        help_text=_("Par exemple trésorière, secrétaire."),
    )
    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=[
            ("member", _("Membre : voit les demandes de l’organisation")),
            ("representative", _("Représentant : fait les demandes et gère les membres")),
        ],
        initial="member",
        widget=forms.RadioSelect,
    )


class PayForm(forms.Form):
    """« Payer »: the key drawn when the button was shown, so the same click
    sent twice is the same payment."""

    payment_key = forms.UUIDField(widget=forms.HiddenInput)
    # The button pressed: « Payer par virement » sends "transfer"; the other, nothing.
    method = forms.ChoiceField(choices=[("", ""), ("transfer", "transfer")], required=False)

    @property
    def offers_transfer(self) -> bool:
        return transfer_available()

    def errors_text(self) -> str:
        return str(_("Ce bouton de paiement n’est plus valable : réessayez depuis cette page."))
