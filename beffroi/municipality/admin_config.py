"""A municipality's providers' keys and seal, in the Django admin: the
cooperative's administrators' (superusers) only. Secrets are never sent back
to the browser: a secret field left empty keeps the stored value."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from beffroi.municipality.config import (
    PAYMENT_PROVIDER_NAMES,
    SECRET_FIELDS,
    MunicipalityConfig,
)
from beffroi.municipality.services import CONFIG_FIELDS, municipality_config_update

KEEP = _("Laissez vide pour garder la valeur enregistrée.")


class MunicipalityConfigForm(forms.ModelForm[MunicipalityConfig]):
    class Meta:
        model = MunicipalityConfig
        fields = ["municipality", *sorted(CONFIG_FIELDS)]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["payment_provider"] = forms.ChoiceField(
            label=_("prestataire de paiement"),
            required=False,
            choices=[("", _("celui de l’installation")), *sorted(PAYMENT_PROVIDER_NAMES.items())],
        )
        for name in SECRET_FIELDS:
            stored = bool(self.instance.pk and getattr(self.instance, name))
            field = self.fields[name]
            field.required = False
            # render_value=False: the stored secret never reaches the page.
            field.widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"})
            field.help_text = (
                f"{_('Enregistrée : ••••••••.')} {KEEP}" if stored else _("Aucune valeur.")
            )
        if self.instance.pk:
            self.fields["municipality"].disabled = True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in SECRET_FIELDS:
            if not cleaned.get(name) and self.instance.pk:
                # Left empty: the stored secret stays.
                cleaned[name] = getattr(self.instance, name)
        return cleaned


@admin.register(MunicipalityConfig)
class MunicipalityConfigAdmin(admin.ModelAdmin[MunicipalityConfig]):
    form = MunicipalityConfigForm
    list_display = ["municipality", "payment_provider", "seal_backend", "updated_at"]
    fieldsets = [
        (None, {"fields": ["municipality", "counter_hours", "languages", "email_from"]}),
        (
            _("Paiements"),
            {
                "fields": [
                    "payment_provider",
                    "mollie_api_key",
                    "stripe_secret_key",
                    "stripe_webhook_secret",
                    "worldline_merchant_id",
                    "worldline_api_key_id",
                    "worldline_api_secret",
                    "worldline_webhook_key_id",
                    "worldline_webhook_secret",
                ]
            },
        ),
        (
            _("Cachet électronique"),
            {
                "fields": [
                    "seal_backend",
                    "seal_pkcs12_file",
                    "seal_pkcs12_passphrase",
                    "seal_pkcs11_module",
                    "seal_pkcs11_token_label",
                    "seal_pkcs11_key_label",
                    "seal_pkcs11_pin",
                    "seal_certificate_file",
                ]
            },
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[MunicipalityConfig]:
        # The cooperative's page: every municipality's settings, whichever host.
        return MunicipalityConfig.all_municipalities.all()

    # Keys are the cooperative's: superusers only, whatever permissions say.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: MunicipalityConfig, form: Any, change: bool
    ) -> None:
        saved = municipality_config_update(
            actor=request.user,
            municipality_id=obj.municipality_id,
            values={name: form.cleaned_data[name] for name in CONFIG_FIELDS},
        )
        obj.pk = saved.pk
