"""The form engine: a procedure's pages as Django forms, answers as JSON.

Each page of a definition becomes a form whose fields are built from their
type (docs/procedure-definitions.md). Fields are all optional for Django:
whether one is shown and required is decided here, on the server, from the
definition's conditions and the answers given so far, so the rules hold
with or without JavaScript. Values are stored as JSON in the draft, then in
the case.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beffroi.catalogue.definition import Page, ProcedureDefinition
from beffroi.core.conditions import evaluate, referenced_fields
from beffroi.core.countries import country_choices, country_name
from beffroi.core.identifiers import (
    clean_enterprise_number,
    clean_iban,
    clean_national_number,
    clean_phone,
    clean_postcode,
    format_enterprise_number,
    format_national_number,
    format_phone,
)
from beffroi.documents.sniff import kind_label, sniff_kind

ADDRESS_PARTS = ("street", "number", "box", "postcode", "city", "country")
_ADDRESS_LABELS = {
    "street": gettext_lazy("Rue"),
    "number": gettext_lazy("Numéro"),
    "box": gettext_lazy("Boîte"),
    "postcode": gettext_lazy("Code postal"),
    "city": gettext_lazy("Localité"),
    "country": gettext_lazy("Pays"),
}
_ADDRESS_AUTOCOMPLETE = {
    "street": "address-line1",
    "postcode": "postal-code",
    "city": "address-level2",
    "country": "country",
}
REQUIRED_MESSAGES = {
    "choice": gettext_lazy("Choisissez une réponse."),
    "yesno": gettext_lazy("Répondez par oui ou par non."),
    "multichoice": gettext_lazy("Cochez au moins une réponse."),
    "date": gettext_lazy("Indiquez une date."),
    "file": gettext_lazy("Joignez un fichier."),
}
MAX_UPLOAD_MB = 25


# --- Field types -------------------------------------------------------------


class NumberField(forms.CharField):
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


class DateField(forms.CharField):
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


class CheckedTextField(forms.CharField):
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
            kind = sniff_kind(upload.read())
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


def _choices(definition: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [(str(c["value"]), str(c["label"])) for c in definition.get("choices", [])]


def _django_fields(definition: Mapping[str, Any]) -> dict[str, forms.Field]:
    """The Django form field(s) of one definition field, by form field name."""
    field_id = definition["id"]
    field_type = definition["type"]
    common: dict[str, Any] = {
        "label": definition.get("label", ""),
        "help_text": definition.get("help", ""),
        "required": False,
    }
    if field_type == "text":
        return {
            field_id: forms.CharField(max_length=int(definition.get("max_length", 200)), **common)
        }
    if field_type == "textarea":
        return {
            field_id: forms.CharField(
                max_length=int(definition.get("max_length", 4000)),
                widget=forms.Textarea(attrs={"rows": 5}),
                **common,
            )
        }
    if field_type == "number":
        return {field_id: NumberField(definition=definition, **common)}
    if field_type == "date":
        return {field_id: DateField(definition=definition, **common)}
    if field_type == "choice":
        widget = forms.Select if definition.get("widget") == "select" else forms.RadioSelect
        choices = _choices(definition)
        if widget is forms.Select:
            choices = [("", _("— Choisissez —")), *choices]
        return {field_id: forms.ChoiceField(choices=choices, widget=widget, **common)}
    if field_type == "multichoice":
        return {
            field_id: forms.MultipleChoiceField(
                choices=_choices(definition), widget=forms.CheckboxSelectMultiple, **common
            )
        }
    if field_type == "yesno":
        return {
            field_id: forms.ChoiceField(
                choices=[("yes", _("Oui")), ("no", _("Non"))], widget=forms.RadioSelect, **common
            )
        }
    if field_type == "email":
        return {
            field_id: forms.EmailField(
                max_length=254,
                widget=forms.EmailInput(attrs={"autocomplete": "email"}),
                error_messages={
                    "invalid": _("Indiquez une adresse e-mail valide, par exemple nom@exemple.be.")
                },
                **common,
            )
        }
    if field_type == "phone":
        return {
            field_id: CheckedTextField(
                checker=clean_phone,
                widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
                **common,
            )
        }
    if field_type == "national_number":
        return {
            field_id: CheckedTextField(
                checker=clean_national_number,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
                **common,
            )
        }
    if field_type == "enterprise_number":
        return {
            field_id: CheckedTextField(
                checker=clean_enterprise_number,
                widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                **common,
            )
        }
    if field_type == "iban":
        return {field_id: CheckedTextField(checker=clean_iban, **common)}
    if field_type == "file":
        return {field_id: UploadField(definition=definition, **common)}
    if field_type == "address":
        return _address_fields(definition, common)
    return {}


def _countries(allowed: Iterable[str] | None) -> list[tuple[str, str]]:
    return [c for c in country_choices() if not allowed or c[0] in allowed]


def _address_fields(
    definition: Mapping[str, Any], common: dict[str, Any]
) -> dict[str, forms.Field]:
    field_id = definition["id"]
    countries = definition.get("countries")
    fields: dict[str, forms.Field] = {}
    for part in ADDRESS_PARTS:
        attrs = (
            {"autocomplete": _ADDRESS_AUTOCOMPLETE[part]} if part in _ADDRESS_AUTOCOMPLETE else {}
        )
        label = _ADDRESS_LABELS[part]
        if part == "country":
            # A callable: the 250 countries are only listed when the field is
            # shown or checked, not each time a page's form is built.
            fields[f"{field_id}__{part}"] = forms.ChoiceField(
                label=label, choices=partial(_countries, countries), required=False, initial="BE"
            )
        else:
            short = part in {"number", "box", "postcode"}
            if short:
                attrs["class"] = "input--short"
            fields[f"{field_id}__{part}"] = forms.CharField(
                label=label,
                max_length=20 if short else 200,
                required=False,
                widget=forms.TextInput(attrs=attrs),
                help_text=_("Facultatif.") if part == "box" else "",
            )
    return fields


# --- The page form --------------------------------------------------------------


@dataclass(frozen=True)
class HeldFile:
    """A file a question holds already, when only its id matters: checking
    a sent page (a page shown again reads the attachments themselves)."""

    pk: int


@dataclass(frozen=True)
class FieldView:
    """What the page template needs to show one question."""

    definition: dict[str, Any]
    names: tuple[str, ...]
    live_condition: dict[str, Any] | None
    attachments: tuple[Any, ...]

    @property
    def id(self) -> str:
        return str(self.definition["id"])

    @property
    def type(self) -> str:
        return str(self.definition["type"])


class PageForm(forms.Form):
    """One page of a procedure's form."""

    def __init__(
        self,
        *args: Any,
        spec: ProcedureDefinition,
        page: Page,
        answers: Mapping[str, Any],
        attachments: Mapping[str, Iterable[Any]] | None = None,
        prefill: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.spec = spec
        self.page = page
        self.previous_answers = dict(answers)
        self.attachments = {key: tuple(value) for key, value in (attachments or {}).items()}
        self.views: list[FieldView] = []
        page_ids = {field["id"] for field in page.fields}
        for definition in page.fields:
            condition = definition.get("visible_if")
            on_this_page = bool(referenced_fields(condition) & page_ids)
            if condition is not None and not on_this_page and not evaluate(condition, answers):
                continue  # depends on earlier pages only, and does not apply
            built = _django_fields(definition) if definition["type"] != "info" else {}
            shown_required = "required_if" in definition or bool(definition.get("required", True))
            for name, field in built.items():
                # Django's own check stays off: whether a question is required
                # depends on the other answers (see clean). The label says it.
                if name.endswith("__box"):
                    field.show_as_required = False  # type: ignore[attr-defined]
                elif name.endswith("__country"):
                    field.show_as_required = True  # type: ignore[attr-defined]
                else:
                    field.show_as_required = shown_required  # type: ignore[attr-defined]
            self.fields.update(built)
            self.views.append(
                FieldView(
                    definition=definition,
                    names=tuple(built),
                    live_condition=condition if on_this_page else None,
                    attachments=self.attachments.get(definition["id"], ()),
                )
            )
        self.initial = {**initial_values(self.views, answers, prefill or {}), **self.initial}

    @property
    def has_attachments(self) -> bool:
        return any(view.attachments for view in self.views)

    def refresh_attachments(self, attachments: Mapping[str, Iterable[Any]]) -> None:
        """Show the files stored since the form was built (kept even on errors)."""
        self.attachments = {key: tuple(value) for key, value in attachments.items()}
        self.views = [
            FieldView(
                definition=view.definition,
                names=view.names,
                live_condition=view.live_condition,
                attachments=self.attachments.get(view.id, ()),
            )
            for view in self.views
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        merged = {**self.previous_answers, **self._values(cleaned, for_conditions=True)}
        for view in self.views:
            if view.type == "info":
                continue
            condition = view.definition.get("visible_if")
            if condition is not None and not evaluate(condition, merged):
                for name in view.names:
                    self.errors.pop(name, None)
                    cleaned.pop(name, None)
                continue
            if view.type == "address":
                self._check_address(view, cleaned, merged)
            elif self._required(view, merged) and self._is_empty(view, cleaned):
                name = view.names[0]
                if name not in self.errors:
                    message = REQUIRED_MESSAGES.get(view.type, gettext_lazy("Complétez ce champ."))
                    self.add_error(name, str(message))
        return cleaned

    def _required(self, view: FieldView, merged: Mapping[str, Any]) -> bool:
        definition = view.definition
        if "required_if" in definition:
            return evaluate(definition["required_if"], merged)
        return bool(definition.get("required", True))

    def _is_empty(self, view: FieldView, cleaned: Mapping[str, Any]) -> bool:
        value = cleaned.get(view.names[0])
        if view.type == "file":
            return not value and not view.attachments
        return value in (None, "", [])

    def _check_address(
        self, view: FieldView, cleaned: dict[str, Any], merged: Mapping[str, Any]
    ) -> None:
        base = view.id
        parts = {part: (cleaned.get(f"{base}__{part}") or "").strip() for part in ADDRESS_PARTS}
        typed = any(parts[p] for p in ("street", "number", "box", "postcode", "city"))
        if not typed and not self._required(view, merged):
            return
        missing = {
            "street": _("Indiquez la rue."),
            "number": _("Indiquez le numéro."),
            "postcode": _("Indiquez le code postal."),
            "city": _("Indiquez la localité."),
        }
        for part, message in missing.items():
            if not parts[part] and f"{base}__{part}" not in self.errors:
                self.add_error(f"{base}__{part}", message)
        if parts["postcode"] and f"{base}__postcode" not in self.errors:
            try:
                cleaned[f"{base}__postcode"] = clean_postcode(
                    parts["postcode"], country=parts["country"] or "BE"
                )
            except ValidationError as error:
                self.add_error(f"{base}__postcode", error)

    def _values(
        self, cleaned: Mapping[str, Any], *, for_conditions: bool = False
    ) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for view in self.views:
            if view.type == "info":
                continue
            if view.type == "address":
                address = {
                    part: (cleaned.get(f"{view.id}__{part}") or "").strip()
                    for part in ADDRESS_PARTS
                }
                if any(address[p] for p in ("street", "number", "postcode", "city")):
                    values[view.id] = address
                continue
            if view.names[0] not in cleaned:
                continue
            value = cleaned[view.names[0]]
            if view.type == "yesno":
                value = {"yes": True, "no": False}.get(value, "")
            if view.type == "file":
                # Conditions only ask whether files were given.
                value = [a.pk for a in view.attachments] + (
                    ["new"] * len(value) if for_conditions else []
                )
            if value not in ("", None, []):
                values[view.id] = value
        return values

    def page_answers(self) -> dict[str, Any]:
        """The answers of this page's visible questions (files excluded)."""
        answers = self._values(self.cleaned_data)
        return {k: v for k, v in answers.items() if self.spec.fields[k]["type"] != "file"}

    def new_uploads(self) -> dict[str, list[tuple[UploadedFile[Any], str]]]:
        """Valid new files per file question (kept even if other fields are wrong)."""
        uploads: dict[str, list[tuple[UploadedFile[Any], str]]] = {}
        for view in self.views:
            if view.type != "file":
                continue
            field = self.fields[view.id]
            try:
                accepted = field.clean(
                    self.files.getlist(self.add_prefix(view.id)) if self.files else []
                )
            except ValidationError:
                continue
            if accepted:
                uploads[view.id] = accepted
        return uploads

    def hidden_field_ids(self) -> set[str]:
        """Questions of this page that the answers made irrelevant."""
        merged = {**self.previous_answers, **self._values(self.cleaned_data, for_conditions=True)}
        page_ids = {field["id"] for field in self.page.fields}
        shown = {
            view.id
            for view in self.views
            if view.definition.get("visible_if") is None
            or evaluate(view.definition["visible_if"], merged)
        }
        return page_ids - shown


def initial_values(
    views: Iterable[FieldView], answers: Mapping[str, Any], prefill: Mapping[str, Any]
) -> dict[str, Any]:
    """Form initial data: earlier answers first, then the profile ("tell us once")."""
    initial: dict[str, Any] = {}
    for view in views:
        definition = view.definition
        if view.type in {"info", "file"}:
            continue
        value = answers.get(view.id)
        if value is None and definition.get("prefill"):
            value = prefill.get(str(definition["prefill"]))
        if value is None:
            continue
        if view.type == "address" and isinstance(value, Mapping):
            for part in ADDRESS_PARTS:
                initial[f"{view.id}__{part}"] = value.get(part, "")
        elif view.type == "yesno":
            initial[view.id] = "yes" if value is True else "no" if value is False else ""
        elif view.type == "national_number":
            initial[view.id] = format_national_number(str(value))
        elif view.type == "phone":
            initial[view.id] = format_phone(str(value))
        elif view.type == "enterprise_number":
            initial[view.id] = format_enterprise_number(str(value))
        else:
            initial[view.id] = value
    return initial


def prefill_values(user: Any, organisation: Any = None) -> dict[str, Any]:
    """Known answers by prefill source ("profile.last_name", "organisation.name"…)."""
    values = {f"profile.{key}": value for key, value in _profile(user).items()}
    if organisation is not None:
        known = {
            "name": organisation.name,
            "enterprise_number": organisation.enterprise_number,
            "address": organisation.address or None,
            "email": organisation.email,
            "phone": organisation.phone,
            "website": organisation.website,
        }
        values.update({f"organisation.{key}": value for key, value in known.items() if value})
    return values


def _profile(user: Any) -> dict[str, Any]:
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    address = {
        "street": user.street,
        "number": user.house_number,
        "box": user.box,
        "postcode": user.postcode,
        "city": user.city,
        "country": user.country or "BE",
    }
    prefill: dict[str, Any] = {
        "first_name": user.first_name or None,
        "last_name": user.last_name or None,
        "birth_date": user.birth_date.isoformat() if user.birth_date else None,
        "national_number": user.national_number or None,
        "email": user.email or None,
        "phone": user.phone or None,
        "address": address if user.street else None,
    }
    return {key: value for key, value in prefill.items() if value is not None}


# --- Which pages and questions apply -------------------------------------------------


def visible_pages(spec: ProcedureDefinition, answers: Mapping[str, Any]) -> list[Page]:
    return [page for page in spec.pages if evaluate(page.visible_if, answers)]


def visible_fields(
    spec: ProcedureDefinition, page: Page, answers: Mapping[str, Any]
) -> list[dict[str, Any]]:
    return [
        field
        for field in page.fields
        if field["type"] != "info" and evaluate(field.get("visible_if"), answers)
    ]


def prune_answers(spec: ProcedureDefinition, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Answers without those of questions the other answers made irrelevant.

    Conditions only read earlier questions, so one pass in order suffices.
    """
    kept: dict[str, Any] = {}
    for page in spec.pages:
        if not evaluate(page.visible_if, kept):
            continue
        for field in page.fields:
            field_id = field["id"]
            if field_id in answers and evaluate(field.get("visible_if"), kept):
                kept[field_id] = answers[field_id]
    return kept


def missing_answers(
    spec: ProcedureDefinition, answers: Mapping[str, Any]
) -> list[tuple[Page, dict[str, Any]]]:
    """Required questions still unanswered, in order, as (page, field)."""
    missing = []
    for page in visible_pages(spec, answers):
        for field in visible_fields(spec, page, answers):
            required = (
                evaluate(field["required_if"], answers)
                if "required_if" in field
                else bool(field.get("required", True))
            )
            if required and answers.get(field["id"]) in (None, "", [], {}):
                missing.append((page, field))
    return missing


# --- Showing answers ---------------------------------------------------------------


def display_value(
    spec: ProcedureDefinition, field: Mapping[str, Any], value: Any, files: Mapping[int, Any]
) -> Any:
    """How an answer reads on the summary and case pages."""
    field_type = field["type"]
    if value in (None, "", [], {}):
        return ""
    if field_type == "choice":
        return spec.choice_label(field["id"], value)
    if field_type == "multichoice":
        return ", ".join(spec.choice_label(field["id"], item) for item in value)
    if field_type == "yesno":
        return _("Oui") if value is True else _("Non")
    if field_type == "date":
        day = parse_date(str(value))
        return f"{day:%d/%m/%Y}" if day else value
    if field_type == "national_number":
        return format_national_number(str(value))
    if field_type == "enterprise_number":
        return format_enterprise_number(str(value))
    if field_type == "phone":
        return format_phone(str(value))
    if field_type == "number" and field.get("unit"):
        return f"{str(value).replace('.', ',')} {field['unit']}"
    if field_type == "number":
        return str(value).replace(".", ",")
    if field_type == "address" and isinstance(value, Mapping):
        return format_address(value)
    if field_type == "file":
        return [files[pk] for pk in value if pk in files]
    return value


def format_address(value: Mapping[str, Any]) -> str:
    street = " ".join(part for part in (value.get("street", ""), value.get("number", "")) if part)
    if value.get("box"):
        street += " " + _("bte %(box)s") % {"box": value["box"]}
    town = " ".join(part for part in (value.get("postcode", ""), value.get("city", "")) if part)
    country = value.get("country", "")
    lines = [street, town] + ([country_name(country)] if country and country != "BE" else [])
    return "\n".join(line for line in lines if line)


@dataclass(frozen=True)
class AnswerRow:
    field_id: str
    label: str
    value: Any
    is_files: bool


def answer_rows(
    spec: ProcedureDefinition, answers: Mapping[str, Any], files: Mapping[int, Any]
) -> list[tuple[Page, list[AnswerRow]]]:
    """Every visible page with its answered questions, for a summary."""
    rows = []
    for page in visible_pages(spec, answers):
        page_rows = [
            AnswerRow(
                field_id=field["id"],
                label=str(field["label"]),
                value=display_value(spec, field, answers.get(field["id"]), files),
                is_files=field["type"] == "file",
            )
            for field in visible_fields(spec, page, answers)
        ]
        rows.append((page, page_rows))
    return rows


def describe_condition(spec: ProcedureDefinition, condition: Mapping[str, Any] | None) -> str:
    """When a question applies, in words (shown when JavaScript cannot hide it)."""
    if not condition:
        return ""
    text = _condition_words(spec, condition)
    return _("À remplir seulement %(when)s.") % {"when": text} if text else ""


def _condition_words(spec: ProcedureDefinition, condition: Mapping[str, Any]) -> str:
    if "all" in condition:
        parts = [_condition_words(spec, c) for c in condition["all"]]
        return _(" et ").join(p for p in parts if p)
    if "any" in condition:
        parts = [_condition_words(spec, c) for c in condition["any"]]
        return _(" ou ").join(p for p in parts if p)
    field_id = condition.get("field")
    if field_id not in spec.fields:
        return ""
    label = str(spec.fields[field_id].get("label", field_id))
    field_type = spec.fields[field_id]["type"]

    def value_label(value: Any) -> str:
        if field_type == "yesno":
            return _("Oui") if value is True else _("Non")
        return spec.choice_label(field_id, value)

    if "equals" in condition:
        return _("si vous avez répondu « %(value)s » à « %(label)s »") % {
            "value": value_label(condition["equals"]),
            "label": label,
        }
    if "in" in condition:
        values = _(" ou ").join(f"« {value_label(v)} »" for v in condition["in"])
        return _("si vous avez répondu %(values)s à « %(label)s »") % {
            "values": values,
            "label": label,
        }
    if "contains" in condition:
        return _("si vous avez coché « %(value)s » à « %(label)s »") % {
            "value": value_label(condition["contains"]),
            "label": label,
        }
    if condition.get("filled") is True:
        return _("si vous avez répondu à « %(label)s »") % {"label": label}
    return _("selon votre réponse à « %(label)s »") % {"label": label}


@dataclass(frozen=True)
class LateRequest:
    days_left: int
    days_required: int


def late_request(
    spec: ProcedureDefinition, answers: Mapping[str, Any], *, on: datetime.date
) -> LateRequest | None:
    """Whether a request made ``on`` that day comes later than the procedure
    asks before the date it is about (options.min_days_before)."""
    rule = spec.options.get("min_days_before")
    if not rule:
        return None
    day = parse_date(str(answers.get(rule["field"]) or ""))
    if day is None:
        return None
    days = (day - on).days
    if days >= int(rule["days"]):
        return None
    return LateRequest(days_left=max(days, 0), days_required=int(rule["days"]))
