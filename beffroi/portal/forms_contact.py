"""The city's contact form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from beffroi.mail.uploads import DOCUMENT_KINDS, MailFilesField


class ContactForm(forms.Form):
    name = forms.CharField(
        label=_("Votre nom"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={
            "required": _("Indiquez votre nom, pour que le service sache qui lui écrit.")
        },
    )
    email = forms.EmailField(
        label=_("Votre adresse e-mail"),
        help_text=_("Pour vous répondre. Elle n’est utilisée que pour ce message."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Indiquez votre adresse e-mail, pour recevoir la réponse."),
            "invalid": _(
                "Saisissez une adresse e-mail complète, par exemple prenom.nom@exemple.be."
            ),
        },
    )
    subject = forms.CharField(
        label=_("Objet"),
        max_length=200,
        help_text=_("En quelques mots, par exemple : « Arbre tombé rue Royale »."),
        error_messages={"required": _("Indiquez l’objet de votre message.")},
    )
    message = forms.CharField(
        label=_("Votre message"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": _("Écrivez votre message."),
            "max_length": _(
                "Votre message est trop long : %(limit_value)d caractères au plus (il en compte %(show_value)d)."
            ),
        },
    )
    attachments = MailFilesField(
        label=_("Joindre des documents"),
        kinds=DOCUMENT_KINDS,
        max_files=3,
        required=False,
        help_text=_("Facultatif : jusqu’à 3 fichiers PDF, photos ou documents bureautiques."),
    )
