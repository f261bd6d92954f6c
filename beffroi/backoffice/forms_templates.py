"""Adopting one of the cooperative's procedure templates: the municipality's
category, service, page address and its changes to the texts and fee."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import validate_slug
from django.utils.translation import gettext_lazy as _

from beffroi.catalogue.models import Category, Procedure, ProcedureTemplateVersion
from beffroi.catalogue.services import TemplateOverrides
from beffroi.core.forms import EurosField, SharedPageForm
from beffroi.municipality.models import Service


class TemplateAdoptForm(SharedPageForm):
    id_prefix = "adopt"

    category = forms.ModelChoiceField(
        label=_("Catégorie du catalogue"),
        queryset=Category.all_municipalities.none(),  # set per request, scoped
        empty_label=_("Choisissez une catégorie"),
        error_messages={
            "required": _("Choisissez la catégorie où la démarche apparaît."),
            "invalid_choice": _("Choisissez une catégorie de la commune."),
        },
    )
    service = forms.ModelChoiceField(
        label=_("Service qui traite les demandes"),
        queryset=Service.all_municipalities.none(),  # set per request, scoped
        empty_label=_("Choisissez un service"),
        error_messages={
            "required": _("Choisissez le service qui traite les demandes."),
            "invalid_choice": _("Choisissez un service de la commune."),
        },
    )
    slug = forms.CharField(
        label=_("Adresse de la page"),
        max_length=100,
        validators=[validate_slug],
        help_text=_(
            "La fin de l’adresse de la démarche sur le guichet : lettres, chiffres, tirets."
        ),
        error_messages={"required": _("Indiquez l’adresse de la page.")},
    )
    title = forms.CharField(label=_("Titre"), max_length=200)
    summary = forms.CharField(
        label=_("En bref"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    audience = forms.CharField(
        label=_("Pour qui"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    fee_amount = EurosField(
        label=_("Montant demandé"),
        required=False,
        help_text=_(
            "En euros, par exemple 5,00. Vide : le montant du modèle (gratuit s’il n’en a pas)."
        ),
    )
    fee_label = forms.CharField(
        label=_("Coût, tel que le catalogue l’annonce"),
        max_length=200,
        help_text=_("Par exemple « 5 € » ou « Gratuit »."),
    )
    publish = forms.BooleanField(
        label=_("Publier la démarche sur le guichet dès maintenant"), required=False
    )

    def __init__(self, *args: Any, version: ProcedureTemplateVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        category = self.fields["category"]
        service = self.fields["service"]
        assert isinstance(category, forms.ModelChoiceField)
        assert isinstance(service, forms.ModelChoiceField)
        # The current municipality's own (the managers are scoped).
        category.queryset = Category.objects.order_by("position", "name")
        service.queryset = Service.objects.filter(is_active=True).order_by("name")
        for name in ("title", "summary", "audience", "fee_label"):
            self.fields[name].error_messages["required"] = _(
                "Ce texte est obligatoire : reprenez celui du modèle s’il vous convient."
            )

    @classmethod
    def initial_for(cls, version: ProcedureTemplateVersion) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "slug": version.template.slug,
            "title": version.title,
            "summary": version.summary,
            "audience": version.audience,
            "fee_label": version.fee_label,
            "publish": True,
        }
        if version.fee_amount:
            initial["fee_amount"] = f"{version.fee_amount:.2f}".replace(".", ",")
        if version.suggested_category:
            initial["category"] = (
                Category.objects.filter(slug=version.suggested_category)
                .values_list("pk", flat=True)
                .first()
            )
        if version.suggested_service:
            initial["service"] = (
                Service.objects.filter(code=version.suggested_service, is_active=True)
                .values_list("pk", flat=True)
                .first()
            )
        return initial

    def overrides(self) -> TemplateOverrides:
        """Only what differs from the template: the rest follows its next versions."""
        data = self.cleaned_data
        version = self.version

        def text(name: str) -> str:
            value = str(data[name]).strip()
            return "" if value == getattr(version, name).strip() else value

        amount: Decimal | None = data.get("fee_amount")
        template_amount = version.fee_amount or None
        return TemplateOverrides(
            title=text("title"),
            summary=text("summary"),
            audience=text("audience"),
            fee_amount=None if amount == template_amount else amount,
            fee_label=text("fee_label"),
        )


class TemplateAdaptForm(TemplateAdoptForm):
    """What the municipality changes later: the same choices, its address and
    publication aside (they are the procedure's own)."""

    id_prefix = "adapt"

    def __init__(self, *args: Any, version: ProcedureTemplateVersion, **kwargs: Any) -> None:
        super().__init__(*args, version=version, **kwargs)
        del self.fields["slug"]
        del self.fields["publish"]

    @classmethod
    def initial_of(cls, procedure: Procedure) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "category": procedure.category_id,
            "service": procedure.service_id,
            "title": procedure.title,
            "summary": procedure.summary,
            "audience": procedure.audience,
            "fee_label": procedure.fee_label,
        }
        if procedure.fee_amount:
            initial["fee_amount"] = f"{procedure.fee_amount:.2f}".replace(".", ",")
        return initial


class TemplateUpdateForm(forms.Form):
    """The update button: the version the administrator saw the changes of."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
