"""Forms of the mail register's screens (mail office and services)."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beffroi.accounts.models import User
from beffroi.core.identifiers import clean_enterprise_number, clean_national_number
from beffroi.mail.models import (
    Channel,
    Confidentiality,
    Contact,
    DocumentType,
    MailItem,
    ReplyTemplate,
    Status,
)
from beffroi.mail.uploads import DOCUMENT_KINDS, SCAN_KINDS, MailFilesField
from beffroi.municipality.models import Service
from beffroi.organisations.models import Organisation

_NAME_AND_EMAIL = re.compile(r"^\s*(?P<name>.*?)\s*<(?P<email>[^<>\s]+@[^<>\s]+)>\s*$")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _internal_services() -> Any:
    return Service.objects.filter(is_active=True, kind=Service.Kind.INTERNAL).order_by("name")


# Choices among a municipality's rows are read when the form is made, in the
# request's municipality: a queryset built at import would keep the
# municipality of that moment. The fields start with none.
NO_DOCUMENT_TYPE = DocumentType.all_municipalities.none()


def _choose_among(form: forms.Form, name: str, queryset: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


def _active_document_types() -> Any:
    return DocumentType.objects.filter(is_active=True)


class VersionedForm(forms.Form):
    """A form acting on an item as the agent saw it (optimistic locking)."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


def _not_in_future(day: datetime.date | None) -> datetime.date | None:
    if day is not None and day > timezone.localdate():
        raise forms.ValidationError(_("La date de réception ne peut pas être dans le futur."))
    return day


class SenderFields(forms.Form):
    """The correspondent, typed or picked among known contacts ("Nom <adresse>")."""

    sender = forms.CharField(
        label=_("Expéditeur"),
        max_length=200,
        required=False,
        help_text=_(
            "Nom d’une personne ou d’une organisation ; les contacts connus sont proposés."
        ),
        widget=forms.TextInput(attrs={"list": "known-contacts", "autocomplete": "off"}),
    )
    sender_email = forms.EmailField(
        label=_("Adresse e-mail de l’expéditeur"),
        required=False,
        error_messages={
            "invalid": _("Saisissez une adresse e-mail complète, par exemple nom@exemple.be.")
        },
    )
    sender_is_organisation = forms.BooleanField(
        label=_("L’expéditeur est une organisation"), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        match = _NAME_AND_EMAIL.match(data.get("sender") or "")
        if match:
            try:
                validate_email(match["email"])
            except forms.ValidationError:
                self.add_error("sender", _("L’adresse e-mail entre < > n’est pas valide."))
                return data
            data["sender"] = match["name"] or match["email"]
            data["sender_email"] = data.get("sender_email") or match["email"].lower()
        return data


class MailRegisterForm(SenderFields):
    """Registering one item fast: the subject first, then the rest by Tab."""

    field_order = [
        "subject",
        "sender",
        "sender_email",
        "sender_is_organisation",
        "sender_street",
        "sender_postcode",
        "sender_city",
        "channel",
        "received_on",
        "document_type",
        "confidentiality",
        "pages",
        "documents",
        "text",
    ]

    subject = forms.CharField(
        label=_("Objet"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
    # Where a printed reply goes; kept on the sender's contact.
    sender_street = forms.CharField(
        label=_("Adresse postale de l’expéditeur (rue et numéro)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    sender_postcode = forms.CharField(
        label=_("Code postal"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    sender_city = forms.CharField(
        label=_("Localité"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    channel = forms.ChoiceField(label=_("Canal"), choices=Channel.choices, initial=Channel.SCAN)
    received_on = forms.DateField(
        label=_("Reçu le"),
        widget=DATE_WIDGET,
        error_messages={"invalid": _("Saisissez une date, par exemple 14/03/2026.")},
    )
    document_type = forms.ModelChoiceField(
        label=_("Type de document"),
        queryset=NO_DOCUMENT_TYPE,
        required=False,
        empty_label=_("— à déterminer —"),
    )
    confidentiality = forms.ChoiceField(
        label=_("Confidentialité"), choices=Confidentiality.choices, initial=Confidentiality.NORMAL
    )
    pages = forms.IntegerField(
        label=_("Nombre de pages"),
        required=False,
        min_value=1,
        max_value=10000,
        help_text=_("Compté tout seul pour les fichiers PDF et les images."),
    )
    documents = MailFilesField(
        label=_("Fichiers (scan, pièces)"),
        kinds=DOCUMENT_KINDS,
        max_files=20,
        required=False,
        help_text=_("PDF, images ou documents bureautiques ; 20 fichiers au plus."),
    )
    text = forms.CharField(
        label=_("Contenu ou résumé"),
        required=False,
        max_length=20000,
        help_text=_("Pour un appel ou une visite au guichet : ce que la personne a demandé."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate
        _choose_among(self, "document_type", _active_document_types())

    def clean_received_on(self) -> datetime.date | None:
        return _not_in_future(self.cleaned_data.get("received_on"))


class MailBatchForm(forms.Form):
    """A day's scans at once: each file becomes its own item."""

    scans = MailFilesField(
        label=_("Scans du jour"),
        kinds=SCAN_KINDS,
        max_files=1000,
        help_text=_(
            "Choisissez tous les fichiers d’un coup (Ctrl+A dans le dossier) : 1000 au plus."
        ),
        error_messages={"required": _("Choisissez au moins un scan.")},
    )
    received_on = forms.DateField(
        label=_("Reçus le"),
        widget=DATE_WIDGET,
        error_messages={"invalid": _("Saisissez une date, par exemple 14/03/2026.")},
    )
    document_type = forms.ModelChoiceField(
        label=_("Type de document (pour tous)"),
        queryset=NO_DOCUMENT_TYPE,
        required=False,
        empty_label=_("— à déterminer pour chacun —"),
    )
    confidentiality = forms.ChoiceField(
        label=_("Confidentialité"), choices=Confidentiality.choices, initial=Confidentiality.NORMAL
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate
        _choose_among(self, "document_type", _active_document_types())

    def clean_received_on(self) -> datetime.date | None:
        return _not_in_future(self.cleaned_data.get("received_on"))


class MailFilterForm(forms.Form):
    """The register's filters (GET): everything optional."""

    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=200,
        help_text=_("Mots du texte, de l’objet, de l’expéditeur, ou un numéro (E-2026-000123)."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    year = forms.TypedChoiceField(label=_("Année"), required=False, coerce=int, empty_value=None)
    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=Service.all_municipalities.none(),
        required=False,
        empty_label=_("Tous"),
    )
    status = forms.ChoiceField(label=_("Statut"), required=False)
    document_type = forms.ModelChoiceField(
        label=_("Type de document"),
        queryset=NO_DOCUMENT_TYPE,
        required=False,
        empty_label=_("Tous"),
    )
    channel = forms.ChoiceField(
        label=_("Canal"), required=False, choices=[("", _("Tous")), *Channel.choices]
    )
    received_from = forms.DateField(
        label=_("Reçu à partir du"),
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": _("Saisissez une date, par exemple 01/03/2026.")},
    )
    received_to = forms.DateField(
        label=_("Reçu jusqu’au"),
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": _("Saisissez une date, par exemple 31/03/2026.")},
    )

    def __init__(self, *args: Any, years: list[int], outgoing: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year_field = self.fields["year"]
        assert isinstance(year_field, forms.TypedChoiceField)
        year_field.choices = [("", _("Toutes")), *[(year, str(year)) for year in years]]
        service_field = self.fields["service"]
        assert isinstance(service_field, forms.ModelChoiceField)
        service_field.queryset = _internal_services()
        _choose_among(self, "document_type", DocumentType.objects.all())
        statuses = (
            [Status.DRAFT, Status.SENT]
            if outgoing
            else [
                Status.TO_ROUTE,
                Status.ROUTED,
                Status.IN_TREATMENT,
                Status.ANSWERED,
                Status.CLOSED,
            ]
        )
        status_field = self.fields["status"]
        assert isinstance(status_field, forms.ChoiceField)
        status_field.choices = [
            ("", _("Tous")),
            *[(status.value, status.label) for status in statuses],
        ]
        if outgoing:
            del self.fields["received_from"], self.fields["received_to"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", _("Cette date précède la date de début."))
        return data


class MailEditForm(SenderFields, VersionedForm):
    """Correcting the register line (the mail office, or the treating service)."""

    field_order = [
        "subject",
        "sender",
        "sender_email",
        "sender_is_organisation",
        "channel",
        "received_on",
        "document_type",
        "confidentiality",
        "pages",
    ]

    subject = forms.CharField(label=_("Objet"), max_length=300, required=False)
    channel = forms.ChoiceField(label=_("Canal"), choices=Channel.choices)
    received_on = forms.DateField(
        label=_("Reçu le"),
        widget=DATE_WIDGET,
        error_messages={"invalid": _("Saisissez une date, par exemple 14/03/2026.")},
    )
    document_type = forms.ModelChoiceField(
        label=_("Type de document"),
        queryset=NO_DOCUMENT_TYPE,
        required=False,
        empty_label=_("— à déterminer —"),
    )
    confidentiality = forms.ChoiceField(label=_("Confidentialité"), choices=Confidentiality.choices)
    pages = forms.IntegerField(
        label=_("Nombre de pages"), required=False, min_value=1, max_value=10000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose_among(self, "document_type", _active_document_types())

    def clean_received_on(self) -> datetime.date | None:
        return _not_in_future(self.cleaned_data.get("received_on"))

    @staticmethod
    def initial_for(item: MailItem) -> dict[str, Any]:
        sender: Contact | None = item.sender
        return {
            "subject": item.subject,
            "sender": sender.name if sender else "",
            "sender_email": sender.email if sender else "",
            "sender_is_organisation": bool(sender and sender.kind == Contact.Kind.ORGANISATION),
            "channel": item.channel,
            "received_on": item.received_on,
            "document_type": item.document_type_id,
            "confidentiality": item.confidentiality,
            "pages": item.pages,
            "lock_version": item.lock_version,
        }


class MailRouteForm(VersionedForm):
    service = forms.ModelChoiceField(
        label=_("Service traitant"),
        queryset=Service.all_municipalities.none(),
        empty_label=_("— choisissez —"),
        error_messages={"required": _("Choisissez le service qui traite ce courrier.")},
    )
    copies = forms.ModelMultipleChoiceField(
        label=_("Services en copie"),
        queryset=Service.all_municipalities.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    document_type = forms.ModelChoiceField(
        label=_("Type de document"),
        queryset=NO_DOCUMENT_TYPE,
        required=False,
        empty_label=_("— à déterminer —"),
        help_text=_("Il fixe l’échéance, en jours ouvrables."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("service", "copies"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = _internal_services()
        _choose_among(self, "document_type", _active_document_types())


class MailSendBackForm(VersionedForm):
    reason = forms.CharField(
        label=_("Pourquoi ce courrier n’est-il pas pour votre service ?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("Dites au service courrier pourquoi ce courrier n’est pas pour vous.")
        },
    )


class AgentChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.email)


class MailAssignForm(VersionedForm):
    agent = AgentChoiceField(
        label=_("Agent traitant"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— personne —"),
    )

    def __init__(self, *args: Any, service_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agent"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            User.objects.filter(memberships__service_id=service_id or 0, is_active=True)
            .distinct()
            .order_by("last_name", "first_name")
        )


class MailStatusForm(VersionedForm):
    status = forms.ChoiceField(
        label=_("Statut"),
        choices=[
            (status.value, status.label)
            for status in (Status.ROUTED, Status.IN_TREATMENT, Status.ANSWERED, Status.CLOSED)
        ],
    )


class MailNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note interne"),
        max_length=5000,
        help_text=_("Visible des agents seulement, jamais du correspondant."),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Écrivez la note avant de l’ajouter.")},
    )


class MailReplyForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("Modèle de réponse"),
        queryset=ReplyTemplate.all_municipalities.none(),
        empty_label=_("— choisissez —"),
        error_messages={
            "required": _("Choisissez un modèle : vous pourrez modifier le texte ensuite.")
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose_among(self, "template", ReplyTemplate.objects.filter(is_active=True))


class MailReplyEditForm(VersionedForm):
    subject = forms.CharField(
        label=_("Objet de la réponse"),
        max_length=300,
        error_messages={"required": _("Indiquez l’objet de la réponse.")},
    )
    body = forms.CharField(
        label=_("Texte de la réponse"),
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 14}),
        error_messages={"required": _("Écrivez le texte de la réponse.")},
    )


class MailReplySendForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Envoi"),
        choices=[("email", _("Par courriel")), ("print", _("Imprimé et posté"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez comment envoyer la réponse.")},
    )
    email = forms.EmailField(
        label=_("Adresse e-mail du destinataire"),
        required=False,
        help_text=_("Pour un envoi par courriel ; l’adresse du contact est proposée."),
        error_messages={
            "invalid": _("Saisissez une adresse e-mail complète, par exemple nom@exemple.be.")
        },
    )


class MailLinkCaseForm(forms.Form):
    reference = forms.CharField(
        label=_("Référence de la demande"),
        max_length=20,
        required=False,
        help_text=_("Laissez vide pour détacher le courrier de sa demande."),
    )


class MailLinkCitizenForm(forms.Form):
    citizen = forms.CharField(
        label=_("Citoyen (adresse e-mail ou numéro de registre national)"),
        max_length=254,
        required=False,
        help_text=_("Laissez vide pour détacher le courrier du citoyen."),
    )

    def clean_citizen(self) -> User | None:
        raw = (self.cleaned_data.get("citizen") or "").strip()
        if not raw:
            return None
        if "@" in raw:
            user = User.objects.filter(email__iexact=raw, is_active=True).first()
        else:
            try:
                number = clean_national_number(raw)
            except forms.ValidationError as error:
                raise forms.ValidationError(
                    _("Ni une adresse e-mail ni un numéro de registre national valide.")
                ) from error
            user = User.objects.filter(national_number=number, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("Aucun compte citoyen ne correspond."))
        return user


class MailLinkOrganisationForm(forms.Form):
    enterprise_number = forms.CharField(
        label=_("Organisation (numéro d’entreprise)"),
        max_length=20,
        required=False,
        help_text=_(
            "Par exemple 0207.373.429. Laissez vide pour détacher le courrier de l’organisation."
        ),
    )

    def clean_enterprise_number(self) -> Organisation | None:
        raw = (self.cleaned_data.get("enterprise_number") or "").strip()
        if not raw:
            return None
        number = clean_enterprise_number(raw)
        organisation = Organisation.objects.filter(enterprise_number=number).first()
        if organisation is None:
            raise forms.ValidationError(
                _("Aucune organisation connue de la Ville ne porte ce numéro d’entreprise.")
            )
        return organisation
