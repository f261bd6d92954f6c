"""How every form renders: labels, hints and errors tied to their fields.

Errors are announced in a summary at the top of the form (with links to each
field) and next to the field; Django points the input at its hint and its
error through ``aria-describedby`` and marks it ``aria-invalid``.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates


class BeffroiFormRenderer(DjangoTemplates):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
