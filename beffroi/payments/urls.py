from __future__ import annotations

from django.urls import path

from beffroi.payments import views

app_name = "payments"

urlpatterns = [
    path("notification/<slug:provider_name>/", views.webhook, name="webhook"),
]
