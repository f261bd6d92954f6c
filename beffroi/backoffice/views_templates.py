"""« Modèles de la coopérative »: a functional administrator adopts the
cooperative's procedure templates, sees what a new version changes and
follows it (catalogue/services.py does the work)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beffroi.backoffice.decorators import agent_required
from beffroi.backoffice.forms_templates import (
    TemplateAdaptForm,
    TemplateAdoptForm,
    TemplateUpdateForm,
)
from beffroi.catalogue.loader import DefinitionError
from beffroi.catalogue.models import ProcedureTemplate, TemplateAdoption
from beffroi.catalogue.selectors import (
    template_adoption_of,
    template_version_diff,
    templates_for_municipality,
)
from beffroi.catalogue.services import (
    template_adopt,
    template_adoption_adapt,
    template_adoption_update,
)
from beffroi.core.tenancy import current_municipality_id
from beffroi.municipality.selectors import is_functional_admin


def _functional_admin_only(request: HttpRequest) -> None:
    if not is_functional_admin(request.user):
        raise PermissionDenied("The cooperative's templates are the functional administrators'.")
    if current_municipality_id() is None:
        raise PermissionDenied("No municipality is recorded yet.")


def _published_template(slug: str) -> ProcedureTemplate:
    template = (
        ProcedureTemplate.objects.select_related("latest_version")
        .filter(slug=slug, latest_version__isnull=False)
        .first()
    )
    if template is None:
        raise Http404("No such template.")
    return template


def _adoption_for_admin(request: HttpRequest, slug: str) -> TemplateAdoption:
    """The current municipality's adoption of the template (404 otherwise)."""
    _functional_admin_only(request)
    adoption = template_adoption_of(template=_published_template(slug))
    if adoption is None:
        raise Http404("The municipality has not adopted this template.")
    return adoption


@agent_required
def template_list(request: HttpRequest) -> HttpResponse:
    _functional_admin_only(request)
    return render(
        request,
        "backoffice/procedure_templates/list.html",
        {"rows": templates_for_municipality(), "nav": "home"},
    )


def _adopt_page(
    request: HttpRequest,
    template: ProcedureTemplate,
    form: TemplateAdoptForm,
    *,
    problems: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "backoffice/procedure_templates/adopt.html",
        {
            "template": template,
            "version": template.latest_version,
            "form": form,
            "problems": problems or [],
            "has_categories": form.fields["category"].queryset.exists(),  # type: ignore[attr-defined]
            "nav": "home",
        },
        status=status,
    )


@agent_required
def template_adopt_view(request: HttpRequest, slug: str) -> HttpResponse:
    _functional_admin_only(request)
    template = _published_template(slug)
    version = template.latest_version
    assert version is not None  # _published_template
    if template_adoption_of(template=template) is not None:
        messages.info(request, _("La commune a déjà adopté ce modèle."))
        return redirect("backoffice:template_update", slug=slug)
    if request.method != "POST":
        form = TemplateAdoptForm(initial=TemplateAdoptForm.initial_for(version), version=version)
        return _adopt_page(request, template, form)
    form = TemplateAdoptForm(request.POST, version=version)
    if not form.is_valid():
        return _adopt_page(request, template, form, status=400)
    try:
        adoption = template_adopt(
            actor=request.user,
            template=template,
            category=form.cleaned_data["category"],
            service=form.cleaned_data["service"],
            slug=form.cleaned_data["slug"],
            overrides=form.overrides(),
            publish=form.cleaned_data["publish"],
        )
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
        return _adopt_page(request, template, form, status=400)
    except DefinitionError as error:
        return _adopt_page(request, template, form, problems=error.problems, status=400)
    messages.success(
        request,
        _("La démarche « %(title)s » est créée à partir du modèle de la coopérative.")
        % {"title": adoption.procedure.title},
    )
    return redirect("backoffice:template_list")


def _adapt_page(
    request: HttpRequest,
    adoption: TemplateAdoption,
    form: TemplateAdaptForm,
    *,
    problems: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "backoffice/procedure_templates/adapt.html",
        {"adoption": adoption, "form": form, "problems": problems or [], "nav": "home"},
        status=status,
    )


@agent_required
def template_adapt_view(request: HttpRequest, slug: str) -> HttpResponse:
    """The municipality's texts, fee, category and service of an adopted template."""
    adoption = _adoption_for_admin(request, slug)
    version = adoption.template_version
    if request.method != "POST":
        form = TemplateAdaptForm(
            initial=TemplateAdaptForm.initial_of(adoption.procedure), version=version
        )
        return _adapt_page(request, adoption, form)
    form = TemplateAdaptForm(request.POST, version=version)
    if not form.is_valid():
        return _adapt_page(request, adoption, form, status=400)
    try:
        template_adoption_adapt(
            actor=request.user,
            adoption=adoption,
            category=form.cleaned_data["category"],
            service=form.cleaned_data["service"],
            overrides=form.overrides(),
        )
    except DefinitionError as error:
        return _adapt_page(request, adoption, form, problems=error.problems, status=400)
    messages.success(
        request,
        _("Les adaptations de la démarche « %(title)s » sont enregistrées.")
        % {"title": form.cleaned_data["title"]},
    )
    return redirect("backoffice:template_list")


@agent_required
def template_update_view(request: HttpRequest, slug: str) -> HttpResponse:
    """What the template's latest version changes, and the button to follow it."""
    adoption = _adoption_for_admin(request, slug)
    latest = adoption.template.latest_version
    assert latest is not None  # _published_template
    diff = (
        template_version_diff(old=adoption.template_version, new=latest)
        if latest.pk != adoption.template_version_id
        else None
    )
    return render(
        request,
        "backoffice/procedure_templates/update.html",
        {
            "adoption": adoption,
            "latest": latest,
            "diff": diff,
            "form": TemplateUpdateForm(initial={"version": latest.number}),
            "problems": [],
            "nav": "home",
        },
    )


@require_POST
@agent_required
def template_update_apply(request: HttpRequest, slug: str) -> HttpResponse:
    adoption = _adoption_for_admin(request, slug)
    latest = adoption.template.latest_version
    assert latest is not None  # _published_template
    form = TemplateUpdateForm(request.POST)
    if not form.is_valid() or form.cleaned_data["version"] != latest.number:
        # Another version came out since the page was shown: its changes must be seen first.
        messages.warning(
            request,
            _("Une version plus récente du modèle vient d’être publiée : voyez ses changements."),
        )
        return redirect("backoffice:template_update", slug=slug)
    try:
        template_adoption_update(actor=request.user, adoption=adoption)
    except DefinitionError as error:
        return render(
            request,
            "backoffice/procedure_templates/update.html",
            {
                "adoption": adoption,
                "latest": latest,
                "diff": template_version_diff(old=adoption.template_version, new=latest),
                "form": form,
                "problems": error.problems,
                "nav": "home",
            },
            status=400,
        )
    messages.success(
        request,
        _(
            "La démarche « %(title)s » suit désormais la version %(number)d du modèle ; "
            "les demandes en cours gardent la leur."
        )
        % {"title": adoption.procedure.title, "number": latest.number},
    )
    return redirect("backoffice:template_list")
