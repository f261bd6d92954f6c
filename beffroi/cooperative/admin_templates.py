"""The cooperative's shared procedure templates: published from a YAML file,
adopted by each municipality in its back-office (superusers only here)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beffroi.catalogue.models import ProcedureTemplate, ProcedureTemplateVersion
from beffroi.catalogue.services import template_publish
from beffroi.cooperative.admin_access import CooperativeOnly
from beffroi.cooperative.forms_templates import TemplateUploadForm, uploaded_text


class TemplateVersionInline(
    CooperativeOnly, admin.TabularInline[ProcedureTemplateVersion, ProcedureTemplate]
):
    model = ProcedureTemplateVersion
    fields = ["number", "title", "fee_label", "published_at", "published_by", "checksum"]
    readonly_fields = ["number", "title", "fee_label", "published_at", "published_by", "checksum"]
    extra = 0
    ordering = ["-number"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ProcedureTemplate)
class ProcedureTemplateAdmin(CooperativeOnly, admin.ModelAdmin[ProcedureTemplate]):
    list_display = ["title", "slug", "latest_number", "latest_published_at"]
    search_fields = ["title", "slug"]
    fields = ["title", "slug", "latest_version", "created_at", "updated_at"]
    readonly_fields = ["title", "slug", "latest_version", "created_at", "updated_at"]
    inlines = [TemplateVersionInline]
    change_form_template = "cooperative/template_change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProcedureTemplate]:
        return super().get_queryset(request).select_related("latest_version")

    @admin.display(description=gettext_lazy("dernière version"))
    def latest_number(self, template: ProcedureTemplate) -> int | None:
        return template.latest_version.number if template.latest_version else None

    @admin.display(description=gettext_lazy("publiée le"))
    def latest_published_at(self, template: ProcedureTemplate) -> Any:
        return template.latest_version.published_at if template.latest_version else None

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Publish a template, or a template's next version, from its file."""
        if not self.has_add_permission(request):
            raise Http404
        form = TemplateUploadForm()
        status = 200
        if request.method == "POST":
            data = request.POST.copy()
            upload = request.FILES.get("file")
            if upload is not None:
                text = uploaded_text(upload)
                if text is not None:
                    # Shown again in the text area if anything is wrong: nothing is lost.
                    data["text"] = text
                data["filename"] = upload.name or ""
            form = TemplateUploadForm(data, request.FILES)
            if form.is_valid():
                published = template_publish(
                    actor=request.user,
                    data=form.cleaned_data["data"],
                    source=form.cleaned_data["source"],
                )
                self._publication_message(request, published)
                return HttpResponseRedirect(
                    reverse(
                        "admin:catalogue_proceduretemplate_change", args=[published.template.pk]
                    )
                )
            status = 400
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Publier un modèle de démarche"),
            "form": form,
        }
        return TemplateResponse(
            request, "cooperative/template_publish.html", context, status=status
        )

    def _publication_message(self, request: HttpRequest, published: Any) -> None:
        if not published.is_new_version:
            self.message_user(
                request,
                _("Le modèle « %(title)s » n’a pas changé : aucune version publiée.")
                % {"title": published.template.title},
                messages.WARNING,
            )
            return
        self.message_user(
            request,
            _("Version %(number)d du modèle « %(title)s » publiée ; communes prévenues : %(told)d.")
            % {
                "number": published.version.number,
                "title": published.template.title,
                "told": published.municipalities_told,
            },
            messages.SUCCESS,
        )
