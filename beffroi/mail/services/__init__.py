"""Writing the mail register: every change in one transaction, journaled.

One module per part of the work (register, routing, treatment, replies,
OCR, reminders); callers import the functions from here.
"""

from __future__ import annotations

from beffroi.mail.services.common import (
    SEARCH_FIELDS,
    IncomingFile,
    MailError,
    StaleMailItem,
    due_date,
)
from beffroi.mail.services.ocr import STALE_OCR, mail_ocr_process, mail_ocr_retry
from beffroi.mail.services.register import (
    BatchResult,
    Registration,
    contact_find_or_create,
    mail_reference_data_load,
    mail_register,
    mail_register_batch,
    mail_update,
    scan_source_key,
)
from beffroi.mail.services.reminders import (
    REMINDER_WORKING_DAYS,
    mail_reminders_send,
    municipalities_with_mail_to_remind,
)
from beffroi.mail.services.replies import (
    letter_context,
    mail_reply_draft,
    mail_reply_send,
    mail_reply_update,
    reply_render,
    salutation_for,
)
from beffroi.mail.services.routing import (
    mail_route,
    mail_route_accept,
    mail_send_back,
    mail_suggestion,
)
from beffroi.mail.services.treatment import (
    mail_assign,
    mail_item_viewed,
    mail_link_case,
    mail_link_citizen,
    mail_link_organisation,
    mail_note_add,
    mail_status_set,
)

__all__ = [
    "REMINDER_WORKING_DAYS",
    "SEARCH_FIELDS",
    "STALE_OCR",
    "BatchResult",
    "IncomingFile",
    "MailError",
    "Registration",
    "StaleMailItem",
    "contact_find_or_create",
    "due_date",
    "letter_context",
    "mail_assign",
    "mail_item_viewed",
    "mail_link_case",
    "mail_link_citizen",
    "mail_link_organisation",
    "mail_note_add",
    "mail_ocr_process",
    "mail_ocr_retry",
    "mail_reference_data_load",
    "mail_register",
    "mail_register_batch",
    "mail_reminders_send",
    "mail_reply_draft",
    "mail_reply_send",
    "mail_reply_update",
    "mail_route",
    "mail_route_accept",
    "mail_send_back",
    "mail_status_set",
    "mail_suggestion",
    "mail_update",
    "municipalities_with_mail_to_remind",
    "reply_render",
    "salutation_for",
    "scan_source_key",
]
