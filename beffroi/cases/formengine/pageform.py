"""The page form: one page of a procedure's form as a Django form.

Whether a question is shown and required is decided here, on the server,
from the definition's conditions and the answers given so far, so the rules
hold with or without JavaScript.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beffroi.cases.formengine.building import ADDRESS_PARTS, django_fields
from beffroi.cases.formengine.checks import check_problems
from beffroi.cases.formengine.prefill import ORGANISATION_CHOSEN, initial_values
from beffroi.cases.formengine.requirement import (
    NOT_REQUIRED,
    Requirement,
    hint_of,
    requirement_of,
)
from beffroi.catalogue.conditions import evaluate, referenced_fields
from beffroi.catalogue.definition import Page, ProcedureDefinition
from beffroi.core.identifiers import clean_postcode

REQUIRED_MESSAGES = {
    "choice": gettext_lazy("Choisissez une réponse."),
    "yesno": gettext_lazy("Répondez par oui ou par non."),
    "multichoice": gettext_lazy("Cochez au moins une réponse."),
    "date": gettext_lazy("Indiquez une date."),
    "file": gettext_lazy("Joignez un fichier."),
}


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
    requirement: Requirement = NOT_REQUIRED
    # Its help, length limit and when it becomes required.
    hint: str = ""

    @property
    def id(self) -> str:
        return str(self.definition["id"])

    @property
    def type(self) -> str:
        return str(self.definition["type"])

    @property
    def required(self) -> bool:
        return self.requirement.required


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
        self.page_ids = frozenset(field["id"] for field in page.fields)
        # Questions the choice of an organisation answered: not asked.
        self.given = given_answers(page, prefill or {})
        self.views: list[FieldView] = []
        for definition in page.fields:
            if definition["id"] in self.given:
                continue
            condition = definition.get("visible_if")
            on_this_page = bool(referenced_fields(condition) & self.page_ids)
            if condition is not None and not on_this_page and not evaluate(condition, answers):
                continue  # depends on earlier pages only, and does not apply
            built = django_fields(definition) if definition["type"] != "info" else {}
            self.fields.update(built)
            self.views.append(
                FieldView(
                    definition=definition,
                    names=tuple(built),
                    live_condition=condition if on_this_page else None,
                    attachments=self.attachments.get(definition["id"], ()),
                )
            )
        self._show_requirements(self.previous_answers)
        self.initial = {**initial_values(self.views, answers, prefill or {}), **self.initial}

    def _show_requirements(self, answers: Mapping[str, Any]) -> None:
        """Label each question required or not, as ``answers`` make it."""
        views = []
        for view in self.views:
            requirement = requirement_of(view.definition, self.page_ids, answers)
            hint = hint_of(self.spec, view.definition, requirement)
            for name in view.names:
                # Django's own check stays off: whether a question is required
                # depends on the other answers (see clean). The label says it.
                field = self.fields[name]
                field.show_as_required = _part_required(name, requirement)  # type: ignore[attr-defined]
                # The label's « (facultatif) » follows the answers in the browser.
                field.required_live = requirement.live is not None and not name.endswith(  # type: ignore[attr-defined]
                    ("__box", "__country")
                )
                if len(view.names) == 1:
                    field.help_text = hint
            views.append(replace(view, requirement=requirement, hint=hint))
        self.views = views

    @property
    def has_attachments(self) -> bool:
        return any(view.attachments for view in self.views)

    def refresh_attachments(self, attachments: Mapping[str, Iterable[Any]]) -> None:
        """Show the files stored since the form was built (kept even on errors)."""
        self.attachments = {key: tuple(value) for key, value in attachments.items()}
        self.views = [
            replace(view, attachments=self.attachments.get(view.id, ())) for view in self.views
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
        self._check_pairs(cleaned)
        self._show_requirements(merged)
        return cleaned

    def _check_pairs(self, cleaned: Mapping[str, Any]) -> None:
        """The page's checks, on its visible answers and the earlier pages'."""
        values = {
            **{k: v for k, v in self.previous_answers.items() if k not in self.page_ids},
            **self._values(cleaned),
        }
        for field_id, message in check_problems(self.spec, self.page, values):
            if field_id not in self.errors:
                self.add_error(field_id, message)

    def _required(self, view: FieldView, merged: Mapping[str, Any]) -> bool:
        return requirement_of(view.definition, self.page_ids, merged).required

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
        return {**values, **self.given}

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
        return page_ids - shown - set(self.given)


def _part_required(name: str, requirement: Requirement) -> bool:
    """Whether one Django field of a question is shown as required: an
    address's box never is, its country always (it is chosen already)."""
    if name.endswith("__box"):
        return False
    if name.endswith("__country"):
        return True
    return requirement.required


def given_answers(page: Page, prefill: Mapping[str, Any]) -> dict[str, Any]:
    """The answers of ``page`` that the choice of an organisation gives
    (``organisation_answer``), when the request is made for one."""
    if not prefill.get(ORGANISATION_CHOSEN):
        return {}
    return {
        str(field["id"]): field["organisation_answer"]
        for field in page.fields
        if "organisation_answer" in field
    }
