from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from beffroi.core.admin_shortcut import view_on_site

urlpatterns = [
    path("compte/", include("allauth.urls")),
    path("backoffice/", include("beffroi.backoffice.urls")),
    # Before the admin's own, which it replaces (it read the unscoped base manager).
    path(
        "admin/r/<path:content_type_id>/<path:object_id>/",
        admin.site.admin_view(view_on_site),
    ),
    path("admin/", admin.site.urls),
    path("paiements/demo/", include("beffroi.payments.contrib.demo.urls")),
    path("paiements/", include("beffroi.payments.urls")),
    path("", include("beffroi.portal.urls")),
]

handler404 = "beffroi.portal.views_site.not_found"
handler500 = "beffroi.portal.views_site.server_error"
handler403 = "beffroi.portal.views_site.forbidden"
