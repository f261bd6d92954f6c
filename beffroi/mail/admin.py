"""Technical administration of the mail register.

The register itself is read-only here (every change goes through the
services and the journal); the administrator sees which items OCR could not
read and why, and queues OCR again once the cause is fixed. Document types
and reply templates are edited here, journaled.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from beffroi.audit.services import audit_event_record
from beffroi.mail.models import DocumentType, MailItem, OcrStatus, ReplyTemplate
from beffroi.mail.services import MailError, mail_ocr_retry

_SHOWN: tuple[str, ...] = (
    "number",
    "direction",
    "channel",
    "received_on",
    "registered_at",
    "subject",
    "status",
    "treating_service",
    "ocr_status",
    "ocr_reason",
)


@admin.register(MailItem)
class MailItemAdmin(admin.ModelAdmin[MailItem]):
    list_display = ["number", "subject", "channel", "status", "ocr_status", "ocr_reason"]
    list_filter = ["direction", "ocr_status", "status", "channel", "year"]
    search_fields = ["number", "subject"]
    ordering = ["-id"]
    actions = ["retry_ocr"]
    fields = _SHOWN
    readonly_fields = _SHOWN
    list_select_related = True

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Relancer l’OCR des courriers choisis"))
    def retry_ocr(self, request: HttpRequest, queryset: QuerySet[MailItem]) -> None:
        queued = 0
        for item in queryset.filter(
            ocr_status__in=[OcrStatus.NOT_AVAILABLE, OcrStatus.FAILED, OcrStatus.DONE]
        ):
            try:
                mail_ocr_retry(actor=request.user, item=item)
                queued += 1
            except MailError as error:
                self.message_user(request, f"{item.number} : {error.message}", messages.WARNING)
        self.message_user(
            request, _("OCR relancée pour %(count)d courrier(s).") % {"count": queued}
        )


class JournaledAdmin(admin.ModelAdmin[Any]):
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_event_record(
            actor=request.user,
            action=f"mail.{obj._meta.model_name}_{'changed' if change else 'created'}",
            target=obj,
            data={"fields": sorted(form.changed_data)},
        )


@admin.register(DocumentType)
class DocumentTypeAdmin(JournaledAdmin):
    list_display = ["name", "treatment_days", "default_service", "is_active"]
    list_editable = []
    ordering = ["name"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(JournaledAdmin):
    list_display = ["name", "subject", "is_active"]
    ordering = ["name"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
