"""The cooperative's upload of a procedure template (a YAML file in the shipped format)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from beffroi.catalogue.loader import DefinitionError, read_yaml_text
from beffroi.catalogue.services import template_parse

# Larger than any shipped procedure file (the largest is about 20 kB).
MAX_TEMPLATE_BYTES = 512 * 1024


def uploaded_text(upload: Any) -> str | None:
    """The upload's text, or None when it is not UTF-8 (the form then says so)."""
    raw = upload.read(MAX_TEMPLATE_BYTES + 1)
    upload.seek(0)
    try:
        return str(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return None


class TemplateUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier du modèle (YAML)"),
        required=False,
        help_text=_(
            "Un fichier de démarche au format livré avec Beffroi, nommé d’après son "
            "identifiant (par exemple copie-acte-de-naissance.yaml)."
        ),
    )
    text = forms.CharField(
        label=_("Ou son contenu"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 20, "cols": 100, "spellcheck": "false"}),
        help_text=_(
            "Le contenu du fichier envoyé y est repris en cas d’erreur : corrigez-le ici "
            "et publiez à nouveau."
        ),
    )
    filename = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        if upload.size > MAX_TEMPLATE_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 512 Ko : est-ce bien un modèle ?"))
        if not upload.name.lower().endswith((".yaml", ".yml")):
            raise forms.ValidationError(_("Envoyez un fichier .yaml."))
        if uploaded_text(upload) is None:
            raise forms.ValidationError(_("Le fichier doit être un texte encodé en UTF-8."))
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        text = cleaned.get("text") or ""
        if not text.strip():
            self.add_error("file", _("Choisissez le fichier du modèle ou collez son contenu."))
            return cleaned
        name = cleaned.get("filename") or ""
        if name.lower().endswith(".yml"):
            name = name[:-4] + ".yaml"
        source = name or "modèle"
        try:
            data = read_yaml_text(text, source)
            template_parse(data=data, source=source)
        except DefinitionError as error:
            for problem in error.problems:
                self.add_error("text", problem)
            return cleaned
        cleaned["data"] = data
        cleaned["source"] = source
        return cleaned
