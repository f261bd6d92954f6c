from __future__ import annotations

from django.urls import URLPattern, path

from beffroi.portal import views_verification

# Included at verifier/ inside the portal namespace.
urlpatterns: list[URLPattern] = [
    path("", views_verification.verification, name="verification"),
    path("<str:code>/", views_verification.verification_detail, name="verification_detail"),
]
