"""Template helpers for forms built from procedure definitions."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.forms import BoundField, Form
from django.utils.translation import gettext as _

from beffroi.cases.formengine import FieldView, describe_condition
from beffroi.core.templatetags.beffroi_format import file_size
from beffroi.documents.sniff import kind_label

register = template.Library()


@register.filter
def field(form: Form, name: str) -> BoundField:
    return form[name]


@register.filter
def json_attr(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


@register.filter
def is_required(view: FieldView) -> bool:
    return view.required


@register.filter
def group_has_errors(form: Form, view: FieldView) -> bool:
    return any(name in form.errors for name in view.names)


@register.filter
def address_part(name: str) -> str:
    return name.rsplit("__", 1)[-1]


@register.filter
def condition_text(view: FieldView, form: Any) -> str:
    return describe_condition(form.spec, view.live_condition)


@register.filter
def file_rules(view: FieldView) -> str:
    definition = view.definition
    kinds = ", ".join(kind_label(k) for k in definition.get("accept", ["pdf", "jpeg", "png"]))
    size = file_size(int(definition.get("max_size_mb", 10)) * 1024 * 1024)
    count = int(definition.get("max_files", 1))
    if count > 1:
        return _(
            "Formats acceptés : %(kinds)s ; %(size)s au plus par fichier, %(count)d fichiers au plus."
        ) % {
            "kinds": kinds,
            "size": size,
            "count": count,
        }
    return _("Formats acceptés : %(kinds)s ; %(size)s au plus.") % {"kinds": kinds, "size": size}
