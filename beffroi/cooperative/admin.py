"""The cooperative's administration of the municipalities it hosts.

Superusers only: they are the cooperative's administrators, above every
municipality. Every change goes through the services (journaled); the
municipality's own settings are edited by its functional administrators.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db.models import Count, QuerySet
from django.forms import ModelForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beffroi.cooperative import admin_installation as admin_installation  # restricts others'
from beffroi.cooperative import admin_templates as admin_templates  # registers its pages
from beffroi.cooperative.admin_access import CooperativeOnly
from beffroi.cooperative.exports_delivery import EXPORTS_DIR
from beffroi.cooperative.forms import (
    MunicipalityCreateForm,
    PartnerZoneForm,
    SuspensionForm,
    ZoneMemberAddForm,
    ZoneServiceLinkForm,
)
from beffroi.cooperative.services import municipality_create
from beffroi.cooperative.tasks import export_municipality
from beffroi.cooperative.usage import RECENT_DAYS, municipality_usage
from beffroi.core.jobs import enqueue_on_commit
from beffroi.municipality.models import (
    Municipality,
    MunicipalityHost,
    PartnerZone,
    PartnerZoneMember,
    PartnerZoneService,
)
from beffroi.municipality.selectors import partner_services_by_commune, zone_links_described
from beffroi.municipality.services import (
    municipality_resume,
    municipality_suspend,
    partner_zone_member_add,
    partner_zone_member_remove,
    partner_zone_save,
    partner_zone_service_link,
    partner_zone_service_unlink,
)


class MunicipalityHostInline(CooperativeOnly, admin.TabularInline[MunicipalityHost, Municipality]):
    model = MunicipalityHost
    fields = ["host"]
    readonly_fields = ["host"]
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Municipality)
class MunicipalityAdmin(CooperativeOnly, admin.ModelAdmin[Municipality]):
    list_display = ["name", "slug", "host_list", "is_suspended"]
    list_filter = ["is_suspended"]
    search_fields = ["name", "slug", "hosts__host"]
    fields = ["name", "slug", "is_suspended"]
    readonly_fields = ["name", "slug", "is_suspended"]
    inlines = [MunicipalityHostInline]
    actions = ["suspend", "resume", "export"]
    change_list_template = "cooperative/municipality_change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Municipality]:
        return super().get_queryset(request).prefetch_related("hosts")

    @admin.display(description=gettext_lazy("adresses"))
    def host_list(self, municipality: Municipality) -> str:
        return ", ".join(sorted(h.host for h in municipality.hosts.all()))

    def get_urls(self) -> list[URLPattern]:
        own = [
            path("usage/", self.admin_site.admin_view(self.usage_view), name="municipality_usage"),
            path(
                "exports/<str:name>/",
                self.admin_site.admin_view(self.export_download_view),
                name="municipality_municipality_export_download",
            ),
        ]
        return own + super().get_urls()

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise Http404
        form = MunicipalityCreateForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            municipality = municipality_create(actor=request.user, **form.cleaned_data)
            self.message_user(
                request,
                _("La commune « %(name)s » est créée ; son administrateur a reçu un courriel.")
                % {"name": municipality.name},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(
                reverse("admin:municipality_municipality_change", args=[municipality.pk])
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Créer une commune"),
            "form": form,
        }
        return render(request, "cooperative/municipality_add.html", context)

    def usage_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise Http404
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Utilisation par commune"),
            "rows": municipality_usage(),
            "recent_days": RECENT_DAYS,
        }
        return TemplateResponse(request, "cooperative/usage.html", context)

    def export_download_view(self, request: HttpRequest, name: str) -> HttpResponseBase:
        if not self.has_view_permission(request) or "/" in name or name.startswith("."):
            raise Http404
        storage_name = f"{EXPORTS_DIR}/{name}"
        if not default_storage.exists(storage_name):
            raise Http404
        return FileResponse(default_storage.open(storage_name, "rb"), as_attachment=True)

    def _reason_page(
        self, request: HttpRequest, queryset: QuerySet[Municipality], action: str, title: str
    ) -> tuple[str | None, HttpResponse | None]:
        form = SuspensionForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            return form.cleaned_data["reason"], None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "form": form,
            "municipalities": queryset,
            "action": action,
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return None, TemplateResponse(request, "cooperative/municipality_reason.html", context)

    @admin.action(description=gettext_lazy("Suspendre"))
    def suspend(
        self, request: HttpRequest, queryset: QuerySet[Municipality]
    ) -> HttpResponse | None:
        reason, page = self._reason_page(request, queryset, "suspend", _("Suspendre des communes"))
        if page is not None:
            return page
        done = sum(
            municipality_suspend(actor=request.user, municipality=m, reason=reason or "")
            for m in queryset
        )
        self.message_user(request, _("Communes suspendues : %(n)d.") % {"n": done})
        return None

    @admin.action(description=gettext_lazy("Rétablir"))
    def resume(self, request: HttpRequest, queryset: QuerySet[Municipality]) -> HttpResponse | None:
        reason, page = self._reason_page(request, queryset, "resume", _("Rétablir des communes"))
        if page is not None:
            return page
        done = sum(
            municipality_resume(actor=request.user, municipality=m, reason=reason or "")
            for m in queryset
        )
        self.message_user(request, _("Communes rétablies : %(n)d.") % {"n": done})
        return None

    @admin.action(description=gettext_lazy("Exporter les données"))
    def export(self, request: HttpRequest, queryset: QuerySet[Municipality]) -> None:
        for municipality in queryset:
            enqueue_on_commit(
                export_municipality,
                municipality_id=municipality.pk,
                requested_by_id=request.user.pk,
            )
        self.message_user(
            request,
            _("L'export est en cours ; le lien de téléchargement vous sera envoyé par courriel."),
        )


@admin.register(PartnerZone)
class PartnerZoneAdmin(CooperativeOnly, admin.ModelAdmin[PartnerZone]):
    """Police and fire-and-rescue zones serving several communes: their agents
    and, in each commune, the partner service that stands for the zone."""

    form = PartnerZoneForm
    list_display = ["name", "slug", "is_active", "commune_list", "agent_count"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    change_form_template = "cooperative/partner_zone_change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[PartnerZone]:
        return (
            super()
            .get_queryset(request)
            .annotate(agents=Count("members", distinct=True))
            .prefetch_related("links__commune")
        )

    @admin.display(description=gettext_lazy("communes servies"))
    def commune_list(self, zone: PartnerZone) -> str:
        return ", ".join(sorted({link.commune.name for link in zone.links.all()})) or "—"

    @admin.display(description=gettext_lazy("agents"))
    def agent_count(self, zone: PartnerZone) -> int:
        return int(getattr(zone, "agents", 0))

    def save_model(
        self, request: HttpRequest, obj: PartnerZone, form: ModelForm[PartnerZone], change: bool
    ) -> None:
        saved = partner_zone_save(
            actor=request.user,
            name=form.cleaned_data["name"],
            slug=form.cleaned_data["slug"],
            is_active=form.cleaned_data["is_active"],
            zone=obj if change else None,
        )
        obj.pk = saved.pk

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:pk>/agents-et-services/",
                self.admin_site.admin_view(self.people_view),
                name="municipality_partnerzone_people",
            )
        ]
        return own + super().get_urls()

    def people_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_change_permission(request):
            raise Http404
        zone = PartnerZone.objects.filter(pk=pk).first()
        if zone is None:
            raise Http404
        choices = [
            (
                municipality.name,
                [(f"{municipality.pk}:{s.code}", f"{s.name} ({s.code})") for s in services],
            )
            for municipality, services in partner_services_by_commune()
            if services
        ]
        action = request.POST.get("action", "") if request.method == "POST" else ""
        member_form = ZoneMemberAddForm(request.POST if action == "add_member" else None)
        link_form = ZoneServiceLinkForm(
            request.POST if action == "link_service" else None, choices=choices
        )
        done = self._people_action(request, zone, action, member_form, link_form)
        if done is not None:
            self.message_user(request, done, messages.SUCCESS)
            return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": zone,
            "title": _("Agents et services de « %(zone)s »") % {"zone": zone.name},
            "zone": zone,
            "members": PartnerZoneMember.objects.filter(zone=zone)
            .select_related("user")
            .order_by("user__last_name", "user__email"),
            "links": zone_links_described(zone),
            "member_form": member_form,
            "link_form": link_form,
        }
        status = 400 if action and (member_form.errors or link_form.errors) else 200
        return TemplateResponse(
            request, "cooperative/partner_zone_people.html", context, status=status
        )

    def _people_action(
        self,
        request: HttpRequest,
        zone: PartnerZone,
        action: str,
        member_form: ZoneMemberAddForm,
        link_form: ZoneServiceLinkForm,
    ) -> str | None:
        """The change asked for, made; its message (None: nothing done, or refused)."""
        if action == "add_member" and member_form.is_valid():
            try:
                member = partner_zone_member_add(
                    actor=request.user, zone=zone, email=member_form.cleaned_data["email"]
                )
            except ValidationError as error:
                for message in error.messages:
                    member_form.add_error("email", message)
                return None
            return _("%(email)s est maintenant agent de la zone.") % {"email": member.user.email}
        if action == "remove_member":
            member_found = PartnerZoneMember.objects.filter(
                zone=zone, pk=request.POST.get("member") or 0
            ).first()
            if member_found is None:
                raise Http404
            partner_zone_member_remove(actor=request.user, member=member_found)
            return _("L'agent ne fait plus partie de la zone.")
        if action == "link_service" and link_form.is_valid():
            commune_id, code = link_form.commune_and_code()
            commune = Municipality.objects.filter(pk=commune_id).first()
            if commune is None:
                link_form.add_error("service", _("Cette commune n'existe plus."))
                return None
            try:
                partner_zone_service_link(
                    actor=request.user, zone=zone, commune=commune, service_code=code
                )
            except ValidationError as error:
                for message in error.messages:
                    link_form.add_error("service", message)
                return None
            return _("Le service de %(commune)s est rattaché à la zone.") % {
                "commune": commune.name
            }
        if action == "unlink_service":
            link = PartnerZoneService.objects.filter(
                zone=zone, pk=request.POST.get("link") or 0
            ).first()
            if link is None:
                raise Http404
            partner_zone_service_unlink(actor=request.user, link=link)
            return _("Le service n'est plus rattaché à la zone.")
        return None
