"""Templates written in definitions (documents, emails): one engine that
reaches no file and no custom tag, and each text compiled once."""

from __future__ import annotations

import functools
from typing import Any

from django.template import Engine, Template, TemplateSyntaxError

from beffroi.catalogue.definition.problems import Problems

# Document and email templates are rendered by an engine with no loader and
# no extra libraries: a definition cannot reach files or custom tags.
TEMPLATE_ENGINE = Engine(
    loaders=[("django.template.loaders.locmem.Loader", {})],
    libraries={},
    builtins=["django.templatetags.i18n", "django.contrib.humanize.templatetags.humanize"],
    autoescape=True,
)


@functools.lru_cache(maxsize=512)
def definition_template(source: str) -> Template:
    """A template written in a definition (email, document), compiled once per
    process: published versions never change, so the same text is sent again
    and again (a syntax error is raised each time, never kept)."""
    return TEMPLATE_ENGINE.from_string(source)


def check_template(source: Any, path: str, problems: Problems) -> None:
    if not isinstance(source, str) or not source.strip():
        problems.add(path, "un texte non vide est attendu")
        return
    try:
        TEMPLATE_ENGINE.from_string(source)
    except TemplateSyntaxError as error:
        problems.add(path, f"modèle illisible ({error})")
