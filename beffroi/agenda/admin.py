"""Technical administration of the agenda and the directory.

Read-only here: rows come from reviewed requests, and every change goes
through the services (journaled, and the public pages refreshed). The
actions withdraw what must leave the public site at once (a cancelled
event, a complaint about a page) or put back a withdrawn event.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from beffroi.agenda.models import AgendaEvent, DirectoryEntry
from beffroi.agenda.services import (
    agenda_event_publish,
    agenda_event_withdraw,
    directory_entry_withdraw,
)


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AgendaEvent)
class AgendaEventAdmin(_ReadOnly, admin.ModelAdmin[AgendaEvent]):
    list_display = ["title", "starts_at", "category", "place_name", "status", "source_case"]
    list_filter = ["status", "category"]
    search_fields = ["title", "place_name"]
    date_hierarchy = "starts_at"
    ordering = ["-starts_at"]
    list_select_related = ["source_case"]
    actions = ["withdraw", "publish_again"]

    @admin.action(description=_("Retirer de l’agenda les événements choisis"))
    def withdraw(self, request: HttpRequest, queryset: QuerySet[AgendaEvent]) -> None:
        for event in queryset.exclude(status=AgendaEvent.Status.WITHDRAWN):
            agenda_event_withdraw(actor=request.user, event=event)
        messages.success(request, _("Les événements choisis ne sont plus publiés."))

    @admin.action(description=_("Remettre dans l’agenda les événements retirés choisis"))
    def publish_again(self, request: HttpRequest, queryset: QuerySet[AgendaEvent]) -> None:
        # Only what was public before: a pending event is published by the
        # review of its request, never from here.
        done = 0
        for event in queryset.filter(
            status=AgendaEvent.Status.WITHDRAWN, published_at__isnull=False
        ):
            agenda_event_publish(actor=request.user, event=event)
            done += 1
        messages.info(request, _("%(count)d événement(s) remis dans l’agenda.") % {"count": done})


@admin.register(DirectoryEntry)
class DirectoryEntryAdmin(_ReadOnly, admin.ModelAdmin[DirectoryEntry]):
    list_display = ["__str__", "category", "status", "has_pending_change", "published_at"]
    list_filter = ["status", "category"]
    search_fields = ["name", "sort_name"]
    ordering = ["sort_name"]
    actions = ["withdraw"]

    @admin.action(description=_("Retirer de l’annuaire les pages choisies"))
    def withdraw(self, request: HttpRequest, queryset: QuerySet[DirectoryEntry]) -> None:
        for entry in queryset.exclude(status=DirectoryEntry.Status.WITHDRAWN):
            directory_entry_withdraw(actor=request.user, entry=entry)
        messages.success(request, _("Les pages choisies ne sont plus publiées."))
