"""The engine's own field types: numbers and dates as people type them,
identifiers checked by their checksum, and files sniffed by their content."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext as _

from beffroi.documents.sniff import kind_label, sniff_upload_kind

MAX_UPLOAD_MB = 25


def grouped(number: int) -> str:
    """A count as French readers write it: 2 000."""
    return f"{number:,}".replace(",", "\u202f")


def without_length_attributes(attrs: dict[str, Any]) -> dict[str, Any]:
    """A widget's attributes without ``maxlength``/``minlength``: a browser cuts
    a pasted text at ``maxlength`` without a word, and the attribute is not
    valid on every input type (a date). The server checks the length and says
    it, keeping what was typed."""
    return {key: value for key, value in attrs.items() if key not in {"maxlength", "minlength"}}


def check_length(value: str, limit: int | None) -> None:
    if limit is not None and len(value) > limit:
        raise ValidationError(
            _("%(limit)s caractères au maximum (vous en avez saisi %(count)s).")
            % {"limit": grouped(limit), "count": grouped(len(value))},
            code="max_length",
        )


class ExplainedLength(forms.Field):
    """A field whose length the server checks and explains: the browser's
    ``maxlength`` would cut a pasted text without a word, so it is left out."""

    max_length: int | None

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Checked by ``validate``, with the counts written the French way.
        self.validators = [v for v in self.validators if not isinstance(v, MaxLengthValidator)]

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return without_length_attributes(super().widget_attrs(widget))

    def validate(self, value: Any) -> None:
        super().validate(value)
        check_length(str(value or ""), self.max_length)


class TextField(ExplainedLength, forms.CharField):
    """Text whose length the server checks and explains (nothing is cut)."""


class EmailField(ExplainedLength, forms.EmailField):
    """An e-mail address whose length the server checks (see ``TextField``)."""


class NumberField(TextField):
    """A number as people type it in French ("1 250,5"); stored as a decimal string."""

    def __init__(self, *, definition: Mapping[str, Any], **kwargs: Any) -> None:
        self.minimum = definition.get("min")
        self.maximum = definition.get("max")
        self.decimals = int(definition.get("decimals", 0))
        kwargs["widget"] = forms.TextInput(
            attrs={"inputmode": "decimal" if self.decimals else "numeric", "class": "input--short"}
        )
        super().__init__(max_length=30, **kwargs)

    def clean(self, value: Any) -> str:
        raw = super().clean(value)
        if not raw:
            return ""
        text = re.sub(r"[\s\u00a0\u202f]", "", raw).replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationError(_("Indiquez un nombre, par exemple 12 ou 3,5.")) from None
        if not number.is_finite():
            raise ValidationError(_("Indiquez un nombre, par exemple 12 ou 3,5."))
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > self.decimals:
            if self.decimals == 0:
                raise ValidationError(_("Indiquez un nombre entier, sans virgule."))
            raise ValidationError(
                _("Indiquez au plus %(count)d chiffre(s) après la virgule.")
                % {"count": self.decimals}
            )
        if self.minimum is not None and number < Decimal(str(self.minimum)):
            raise ValidationError(
                _("Le nombre doit être au moins %(min)s.") % {"min": self.minimum}
            )
        if self.maximum is not None and number > Decimal(str(self.maximum)):
            raise ValidationError(_("Le nombre doit être au plus %(max)s.") % {"max": self.maximum})
        return format(number.normalize(), "f") if self.decimals else str(int(number))


def _date_bound(bound: str, today: datetime.date) -> datetime.date:
    if bound in {"today", "past", "future"}:
        return today
    if bound[0] in "+-":
        return today + datetime.timedelta(days=int(bound))
    return datetime.date.fromisoformat(bound)


class DateField(TextField):
    """A date from the browser's date picker, or typed as 30/07/1985."""

    def __init__(self, *, definition: Mapping[str, Any], **kwargs: Any) -> None:
        self.minimum = definition.get("min")
        self.maximum = definition.get("max")
        kwargs["widget"] = forms.DateInput(attrs={"type": "date", "class": "input--short"})
        super().__init__(max_length=20, **kwargs)

    def clean(self, value: Any) -> str:
        raw = super().clean(value)
        if not raw:
            return ""
        day = parse_date(raw)
        if day is None:
            raise ValidationError(_("Indiquez une date réelle, par exemple 30/07/1985."))
        if day.year < 1800 or day.year > 2200:
            raise ValidationError(_("Vérifiez l'année de cette date."))
        today = timezone.localdate()
        if self.minimum is not None:
            low = _date_bound(str(self.minimum), today)
            if day < low:
                if self.minimum in {"today", "future"}:
                    raise ValidationError(_("La date ne peut pas être passée."))
                raise ValidationError(
                    _("La date doit être le %(date)s ou après.") % {"date": f"{low:%d/%m/%Y}"}
                )
        if self.maximum is not None:
            high = _date_bound(str(self.maximum), today)
            if day > high:
                if self.maximum in {"today", "past"}:
                    raise ValidationError(_("La date ne peut pas être dans le futur."))
                raise ValidationError(
                    _("La date doit être le %(date)s ou avant.") % {"date": f"{high:%d/%m/%Y}"}
                )
        return day.isoformat()


def parse_date(raw: str) -> datetime.date | None:
    text = raw.strip()
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    match = re.fullmatch(r"(\d{1,2})[/.\-\s](\d{1,2})[/.\-\s](\d{4})", text)
    if not match:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


class CheckedTextField(TextField):
    """Text checked and normalised by one of core.identifiers' functions."""

    def __init__(self, *, checker: Any, **kwargs: Any) -> None:
        self.checker = checker
        super().__init__(max_length=60, **kwargs)

    def clean(self, value: Any) -> str:
        raw = super().clean(value)
        return str(self.checker(raw)) if raw else ""


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class UploadField(forms.FileField):
    """New files for a file question (several when the question allows)."""

    def __init__(self, *, definition: Mapping[str, Any], **kwargs: Any) -> None:
        self.max_files = int(definition.get("max_files", 1))
        self.accept = list(definition.get("accept", ["pdf", "jpeg", "png"]))
        self.max_bytes = int(min(definition.get("max_size_mb", 10), MAX_UPLOAD_MB) * 1024 * 1024)
        attrs = {"accept": ",".join(_ACCEPT_ATTR.get(kind, "") for kind in self.accept)}
        widget = (
            MultipleFileInput(attrs=attrs) if self.max_files > 1 else forms.FileInput(attrs=attrs)
        )
        super().__init__(widget=widget, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[tuple[UploadedFile[Any], str]]:
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        accepted: list[tuple[UploadedFile[Any], str]] = []
        for upload in uploads:
            if not isinstance(upload, UploadedFile):
                continue
            name = upload.name or "fichier"
            if upload.size is None or upload.size == 0:
                raise ValidationError(_("Le fichier « %(name)s » est vide.") % {"name": name})
            if upload.size > self.max_bytes:
                raise ValidationError(
                    _("Le fichier « %(name)s » est trop lourd : %(max)d Mo au maximum.")
                    % {"name": name, "max": self.max_bytes // (1024 * 1024)}
                )
            upload.seek(0)
            kind = sniff_upload_kind(upload.read())
            upload.seek(0)
            if kind is None or kind not in self.accept:
                raise ValidationError(
                    _("Le fichier « %(name)s » n'est pas d'un type accepté (%(kinds)s).")
                    % {"name": name, "kinds": ", ".join(kind_label(k) for k in self.accept)}
                )
            accepted.append((upload, kind))
        return accepted


_ACCEPT_ATTR = {
    "pdf": ".pdf,application/pdf",
    "jpeg": ".jpg,.jpeg,image/jpeg",
    "png": ".png,image/png",
    "tiff": ".tif,.tiff,image/tiff",
    "webp": ".webp,image/webp",
    "heic": ".heic,image/heic",
    "docx": ".docx",
    "odt": ".odt",
    "xlsx": ".xlsx",
    "ods": ".ods",
}
