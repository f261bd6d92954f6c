"""File fields of the mail screens and the contact form: several files, checked by content."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from beffroi.documents.sniff import kind_label, sniff_upload_kind
from beffroi.mail.services import IncomingFile

SCAN_KINDS = frozenset({"pdf", "jpeg", "png", "tiff", "webp", "heic"})
DOCUMENT_KINDS = SCAN_KINDS | {"docx", "xlsx", "odt", "ods"}
_ACCEPT = {
    "pdf": ".pdf,application/pdf",
    "jpeg": ".jpg,.jpeg,image/jpeg",
    "png": ".png,image/png",
    "tiff": ".tif,.tiff,image/tiff",
    "webp": ".webp,image/webp",
    "heic": ".heic,image/heic",
    "docx": ".docx",
    "xlsx": ".xlsx",
    "odt": ".odt",
    "ods": ".ods",
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MailFilesField(forms.FileField):
    """Zero or more files; each is checked by its content, never by its name."""

    widget = MultipleFileInput

    def __init__(self, *, kinds: frozenset[str], max_files: int, **kwargs: Any) -> None:
        self.kinds = kinds
        self.max_files = max_files
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ",".join(_ACCEPT[kind] for kind in sorted(kinds))

    def to_python(self, data: Any) -> Any:
        return data

    def clean(self, data: Any, initial: Any = None) -> list[IncomingFile]:
        uploads: list[UploadedFile[Any]] = [
            upload for upload in (data if isinstance(data, list | tuple) else [data]) if upload
        ]
        if not uploads:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        if len(uploads) > self.max_files:
            raise forms.ValidationError(
                ngettext(
                    "Vous pouvez joindre %(max)d fichier au plus ; vous en avez choisi %(count)d.",
                    "Vous pouvez joindre %(max)d fichiers au plus ; vous en avez choisi %(count)d.",
                    self.max_files,
                )
                % {"max": self.max_files, "count": len(uploads)},
                code="too_many",
            )
        limit = settings.MAIL_MAX_FILE_MB * 1024 * 1024
        names = ", ".join(kind_label(kind) for kind in sorted(self.kinds))
        errors = []
        files = []
        for upload in uploads:
            name = upload.name or "fichier"
            if (upload.size or 0) > limit:
                errors.append(
                    _("« %(name)s » dépasse %(max)d Mo.")
                    % {"name": name, "max": settings.MAIL_MAX_FILE_MB}
                )
                continue
            content = upload.read()
            if not content:
                errors.append(_("« %(name)s » est vide.") % {"name": name})
                continue
            if sniff_upload_kind(content) not in self.kinds:
                errors.append(
                    _("« %(name)s » n’est pas un fichier accepté (%(kinds)s).")
                    % {"name": name, "kinds": names}
                )
                continue
            files.append(IncomingFile(filename=name, content=content))
        if errors:
            raise forms.ValidationError(
                [*errors, _("Choisissez à nouveau les fichiers à envoyer.")], code="invalid"
            )
        return files
