"""The contact form, under /contact/ in the portal namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from beffroi.portal import views_contact

urlpatterns: list[URLPattern] = [
    path("", views_contact.contact, name="contact"),
    path("merci/", views_contact.contact_thanks, name="contact_thanks"),
]
