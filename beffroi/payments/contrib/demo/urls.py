from __future__ import annotations

from django.urls import path

from beffroi.payments.contrib.demo import views

app_name = "payments_demo"

urlpatterns = [
    path("<str:reference>/", views.checkout, name="checkout"),
]
