"""How every form renders: labels, hints and errors tied to their fields.

Errors are announced in a summary at the top of the form (with links to each
field) and next to the field; Django points the input at its hint and its
error through ``aria-describedby`` and marks it ``aria-invalid``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.cache import caches
from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _attributes(attrs: Mapping[str, Any]) -> SafeString:
    """The attributes as Django's ``attrs.html`` writes them (True: bare, False: left out)."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


def render_select(widget: Mapping[str, Any]) -> SafeString | None:
    """The markup of Django's select templates, written directly.

    A template per option made long lists (procedures, agents, statuses) the
    slowest part of the back-office inbox. None when an option asks for its
    own template: that one is then rendered as usual.
    """
    parts = [format_html('<select name="{}"{}>', widget["name"], _attributes(widget["attrs"]))]
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(format_html('<optgroup label="{}">', group_name))
        for option in options:
            if option["template_name"] != OPTION_TEMPLATE:
                return None
            parts.append(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    option["value"],
                    _attributes(option["attrs"]),
                    option["label"],
                )
            )
        if group_name:
            parts.append(SafeString("</optgroup>"))
    parts.append(SafeString("</select>"))
    return format_html_join("", "{}", ((part,) for part in parts))


class BeffroiFormRenderer(DjangoTemplates):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == SELECT_TEMPLATE:
            rendered = render_select(context["widget"])
            if rendered is not None:
                return rendered
        return super().render(template_name, context, request)


def render_unbound(form: forms.Form, *choices: Any) -> SafeString:
    """The form's markup, written once per process while it is unbound.

    An empty filter form is the same for every agent with the same
    ``choices`` (what its constructor was given) in the same language; a
    bound form shows what was typed and is always rendered afresh.
    """
    if form.is_bound:
        return SafeString(form.render())
    signature = hashlib.sha1(repr(choices).encode(), usedforsecurity=False).hexdigest()
    key = f"form:{type(form).__module__}.{type(form).__qualname__}:{get_language()}:{signature}"
    cache = caches["fragments"]
    html: str | None = cache.get(key)
    if html is None:
        html = str(form.render())
        cache.set(key, html, 3600)
    # Markup Django rendered and escaped itself, kept as plain text in the cache.
    return mark_safe(html)  # noqa: S308


class SharedPageForm(forms.Form):
    """A form shown on a page beside others (the case page's note, message,
    assignment…): its fields' ids start with ``id_prefix``, so two forms with
    a field of the same name never share an id, and a label always points
    at its own field. Field names, and so what is posted, do not change."""

    id_prefix = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if not self.id_prefix:
            raise TypeError(f"{type(self).__name__} must set id_prefix")
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class EurosField(forms.Field):
    """An amount in euros as agents type it (« 12,50 », « 1 250,00 € »):
    typed as text, so anything else gets a clear message; a ``Decimal`` with
    at most two decimals, above zero. ``example`` goes into the messages;
    ``positive_message`` says what must be above zero."""

    widget = forms.TextInput
    # Longer than any amount a city asks for or gives back.
    longest = 20

    def __init__(
        self,
        *,
        example: str = "12,50",
        positive_message: str | Promise = "",
        **kwargs: Any,
    ) -> None:
        self.example = example
        self.positive_message = positive_message
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        text = "" if value in self.empty_values else str(value).strip()
        for noise in ("€", " ", "\u00a0", "\u202f"):
            text = text.replace(noise, "")
        if not text:
            return None
        if len(text) > self.longest:
            raise forms.ValidationError(
                _("Indiquez un montant en euros, par exemple %(example)s.")
                % {"example": self.example},
                code="invalid",
            )
        try:
            amount = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise forms.ValidationError(
                _("Indiquez un montant en euros, par exemple %(example)s.")
                % {"example": self.example},
                code="invalid",
            ) from None
        if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
            raise forms.ValidationError(
                _("Indiquez un montant en euros, au centime près."), code="invalid"
            )
        if amount <= 0:
            message = self.positive_message or _("Le montant doit être supérieur à zéro.")
            raise forms.ValidationError(str(message), code="min_value")
        return amount
