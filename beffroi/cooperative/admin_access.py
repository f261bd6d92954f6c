"""Who may use the cooperative's admin pages: its administrators, the superusers."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


class CooperativeOnly:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a municipality leaves by export, its rows are protected


class InstallationWide(CooperativeOnly):
    """An installation-wide model another app registers: the cooperative's
    administrators may also delete its rows (an account's e-mail address)."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)
