"""The public agenda and the business directory, at the root of the portal
namespace: ``path("", include("beffroi.portal.urls_agenda"))``."""

from __future__ import annotations

from django.urls import URLPattern, path

from beffroi.portal import views_agenda

urlpatterns: list[URLPattern] = [
    path("agenda/", views_agenda.agenda, name="agenda"),
    path("agenda/<int:pk>/", views_agenda.agenda_event, name="agenda_event"),
    path("agenda/<int:pk>.ics", views_agenda.agenda_event_ical, name="agenda_event_ical"),
    path("agenda.ics", views_agenda.agenda_ical, name="agenda_ical"),
    path("annuaire/", views_agenda.directory, name="directory"),
    path("annuaire/<int:pk>/", views_agenda.directory_entry, name="directory_entry"),
    path(
        "annuaire/<int:pk>/images/<int:image_pk>/",
        views_agenda.directory_image,
        name="directory_image",
    ),
]
