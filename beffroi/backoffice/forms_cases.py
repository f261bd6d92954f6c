"""Forms of the agents' inbox and case page."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beffroi.cases.formengine import UploadField
from beffroi.cases.models import Channel
from beffroi.cases.selectors import InboxFilters
from beffroi.core.params import parse_id
from beffroi.portal.forms import MESSAGE_FILES


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class InboxFilterForm(forms.Form):
    """The inbox's filters, from the query string (a bad value is ignored, with a message)."""

    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=100,
        help_text=_("Nom, référence (2026-000123) ou code de suivi."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(label=_("Statut"), required=False)
    procedure = forms.TypedChoiceField(
        label=_("Démarche"), required=False, coerce=int, empty_value=None
    )
    channel = forms.ChoiceField(
        label=_("Canal"), required=False, choices=[("", _("Tous")), *list(Channel.choices)]
    )
    assigned = forms.ChoiceField(label=_("Agent"), required=False)
    overdue = forms.BooleanField(label=_("En retard seulement"), required=False)
    submitted_from = forms.DateField(
        label=_("Introduites du"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": _("Indiquez une date, par exemple 01/03/2026.")},
    )
    submitted_to = forms.DateField(
        label=_("au"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": _("Indiquez une date, par exemple 31/03/2026.")},
    )
    closed = forms.BooleanField(label=_("Inclure les dossiers clôturés"), required=False)
    kind = forms.ChoiceField(
        label=_("Afficher"),
        required=False,
        choices=[
            ("", _("Demandes et courrier")),
            ("cases", _("Demandes")),
            ("mail", _("Courrier")),
        ],
    )

    def selected_kind(self) -> str:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return str(data.get("kind") or "")

    def __init__(
        self,
        *args: Any,
        statuses: list[tuple[str, str]],
        procedures: list[tuple[int, str]],
        agents: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "status").choices = [("", _("Tous")), *statuses]
        _choice_field(self, "procedure").choices = [("", _("Toutes")), *procedures]
        _choice_field(self, "assigned").choices = [
            ("", _("Tous")),
            ("none", _("Non attribués")),
        ] + [(str(pk), name) for pk, name in agents]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("submitted_from"), data.get("submitted_to")
        if start and end and start > end:
            self.add_error("submitted_to", _("Cette date doit suivre la première."))
        return data

    def filters(self, *, service_id: int | None, mine: bool) -> InboxFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        assigned = data.get("assigned") or ""
        return InboxFilters(
            service_id=service_id,
            mine=mine,
            status=data.get("status") or "",
            procedure_id=data.get("procedure"),
            channel=data.get("channel") or "",
            unassigned=assigned == "none",
            assigned_to_id=parse_id(assigned),
            overdue=bool(data.get("overdue")),
            submitted_from=data.get("submitted_from"),
            submitted_to=data.get("submitted_to"),
            query=data.get("q") or "",
            include_closed=bool(data.get("closed")),
        )


class BulkActionForm(forms.Form):
    cases = forms.MultipleChoiceField(
        label=_("Dossiers"),
        error_messages={"required": _("Cochez au moins un dossier.")},
    )
    action = forms.ChoiceField(label=_("Action"))

    def __init__(
        self,
        *args: Any,
        references: list[str],
        agents: list[tuple[int, str]],
        transitions: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "cases").choices = [(ref, ref) for ref in references]
        _choice_field(self, "action").choices = (
            [
                ("", _("— Choisissez une action —")),
                ("assign:me", _("M’attribuer")),
                ("assign:none", _("Remettre dans la pile du service")),
            ]
            + [(f"assign:{pk}", _("Attribuer à %(name)s") % {"name": name}) for pk, name in agents]
            + [(f"transition:{tid}", label) for tid, label in transitions]
        )
        self.fields["action"].error_messages["required"] = _("Choisissez une action.")


class CasePageForm(forms.Form):
    """A form of the case page, which holds several: its fields' ids name the
    form (« id_note_body », « id_message_body »), so no label points to another's field."""

    id_prefix = "case"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class TransitionForm(CasePageForm):
    id_prefix = "transition"
    transition = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Commentaire pour le demandeur"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Envoyé au demandeur avec le changement de statut. Obligatoire pour demander une "
            "information ou refuser."
        ),
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput)


class AssignForm(CasePageForm):
    id_prefix = "assign"
    agent = forms.ChoiceField(label=_("Agent en charge"), required=False)
    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, agents: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "agent").choices = [("", _("Personne (pile du service)"))] + [
            (str(pk), name) for pk, name in agents
        ]


class DeadlineForm(CasePageForm):
    id_prefix = "deadline"
    deadline = forms.DateField(
        label=_("Nouvelle échéance"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={
            "required": _("Indiquez une date."),
            "invalid": _("Indiquez une date réelle, par exemple 15/03/2026."),
        },
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_deadline(self) -> datetime.date:
        deadline: datetime.date = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("L’échéance ne peut pas être dans le passé."))
        return deadline


class NoteForm(CasePageForm):
    id_prefix = "note"
    body = forms.CharField(
        label=_("Note interne"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Visible des agents seulement, jamais du demandeur."),
        error_messages={"required": _("Écrivez la note.")},
    )


class MessageForm(CasePageForm):
    id_prefix = "message"
    body = forms.CharField(
        label=_("Message au demandeur"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Le demandeur est prévenu par e-mail et le lit dans sa demande."),
        error_messages={"required": _("Écrivez le message.")},
    )
    attachments = UploadField(
        definition=MESSAGE_FILES, label=_("Joindre des documents"), required=False
    )

    def cleaned_files(self) -> list[tuple[bytes, str, str]]:
        return [
            (upload.read(), upload.name or "", kind)
            for upload, kind in self.cleaned_data.get("attachments") or []
        ]


class OpinionRequestForm(CasePageForm):
    """The service in charge asks other services for their opinion."""

    id_prefix = "opinion"

    services = forms.MultipleChoiceField(
        label=_("Services à consulter"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins un service.")},
    )
    due_date = forms.DateField(
        label=_("Avis attendu pour le"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={
            "required": _("Indiquez une date."),
            "invalid": _("Indiquez une date réelle, par exemple 15/03/2026."),
        },
    )
    question = forms.CharField(
        label=_("Question aux services"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, services: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "services").choices = services

    def clean_due_date(self) -> datetime.date:
        due: datetime.date = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise forms.ValidationError(_("La date ne peut pas être passée."))
        return due


class OpinionForm(forms.Form):
    """An advising service's opinion."""

    verdict = forms.ChoiceField(
        label=_("Votre avis"),
        widget=forms.RadioSelect,
        choices=[
            ("favourable", _("Favorable")),
            ("with_conditions", _("Favorable sous conditions")),
            ("unfavourable", _("Défavorable")),
        ],
        error_messages={"required": _("Choisissez votre avis.")},
    )
    conditions = forms.CharField(
        label=_("Conditions"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Pour un avis favorable sous conditions : elles sont reprises dans l’autorisation."
        ),
    )
    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Pour le service qui traite la demande."),
    )
    attachments = UploadField(definition=MESSAGE_FILES, label=_("Documents"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Required with some verdicts only: neither marked optional nor required.
        self.fields["conditions"].show_as_required = True  # type: ignore[attr-defined]
        self.fields["comment"].show_as_required = True  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("verdict") == "with_conditions" and not (data.get("conditions") or "").strip():
            self.add_error("conditions", _("Indiquez les conditions de votre avis favorable."))
        if data.get("verdict") == "unfavourable" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Expliquez pourquoi votre avis est défavorable."))
        return data

    def cleaned_files(self) -> list[tuple[bytes, str, str]]:
        return [
            (upload.read(), upload.name or "", kind)
            for upload, kind in self.cleaned_data.get("attachments") or []
        ]
