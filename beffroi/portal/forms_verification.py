"""Checking a document the city issued: by its code, or by its PDF."""

from __future__ import annotations

import hashlib
import math
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from beffroi.documents.codes import (
    VERIFICATION_ALPHABET,
    VERIFICATION_LENGTH,
    normalise_verification_code,
)
from beffroi.documents.sniff import kind_label, sniff_upload_kind

MAX_PDF_BYTES = 20 * 1024 * 1024


class VerificationCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code de vérification"),
        max_length=40,
        help_text=_(
            "Les 16 lettres imprimées sous le code QR du document, par exemple "
            "BCDF-GHJK-LMNP-QRST. Les tirets sont facultatifs."
        ),
        error_messages={"required": _("Saisissez le code imprimé sur le document.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        code = normalise_verification_code(self.cleaned_data["code"])
        if len(code) != VERIFICATION_LENGTH:
            raise forms.ValidationError(
                _("Un code de vérification compte 16 lettres. Vous en avez saisi %(count)d."),
                params={"count": len(code)},
            )
        if any(ch not in VERIFICATION_ALPHABET for ch in code):
            raise forms.ValidationError(
                _(
                    "Un code de vérification ne contient que des consonnes (pas de voyelles, de Y "
                    "ni de chiffres). Recopiez-le tel qu’il est imprimé sur le document."
                )
            )
        return code


class VerificationUploadForm(forms.Form):
    document = forms.FileField(
        label=_("Le document PDF"),
        help_text=_("Le fichier reçu de la ville, tel quel (PDF, 20 Mo au plus)."),
        error_messages={
            "required": _("Choisissez le fichier PDF à vérifier."),
            "empty": _("Ce fichier est vide. Choisissez le fichier PDF reçu de la ville."),
            "invalid": _("Le fichier n’a pas été reçu. Choisissez-le à nouveau."),
        },
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_document(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["document"]
        size = upload.size or 0
        if size > MAX_PDF_BYTES:
            # Rounded up, so a file just over the limit never reads "20,0 Mo".
            megabytes = math.ceil(size * 10 / 2**20) / 10
            raise forms.ValidationError(
                _(
                    "Ce fichier pèse %(size)s Mo, plus que la limite de %(limit)d Mo. Le document "
                    "délivré par la ville est bien plus léger : vérifiez que vous avez choisi le "
                    "bon fichier."
                ),
                params={"size": number_format(megabytes, 1), "limit": MAX_PDF_BYTES >> 20},
            )
        upload.seek(0)
        kind = sniff_upload_kind(upload.read())
        upload.seek(0)
        if kind is None:
            raise forms.ValidationError(
                _("Ce fichier n’est pas un PDF. Choisissez le fichier PDF reçu de la ville.")
            )
        if kind != "pdf":
            raise forms.ValidationError(
                _(
                    "Ce fichier est au format %(kind)s, pas un PDF. Choisissez le fichier PDF reçu "
                    "de la ville."
                ),
                params={"kind": kind_label(kind)},
            )
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("document")
        if upload is not None:
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
            cleaned["sha256"] = digest.hexdigest()
        return cleaned
