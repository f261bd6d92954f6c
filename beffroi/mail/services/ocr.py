"""OCR: the text of scanned letters, read in the background and indexed."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import PurePath
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from beffroi.audit.services import audit_event_record
from beffroi.documents.services import file_read, file_store
from beffroi.mail.models import MailFile, MailItem, OcrStatus
from beffroi.mail.ocr import OCR_KINDS, OcrFailed, OcrResult, OcrUnavailable, ocr_document
from beffroi.mail.services.common import (
    SEARCH_FIELDS,
    MailError,
    locked_item,
    refresh_search,
    save_item,
)
from beffroi.mail.signals import ocr_requested

logger = logging.getLogger(__name__)

# A worker that died mid-OCR leaves the item "running": retried after this.
STALE_OCR = timedelta(minutes=45)
_SUBJECT_LINE = re.compile(r"^\s*(?:objet|concerne|ref|réf)\s*[:.]\s*(.{4,300})$", re.IGNORECASE)


@dataclass
class _Reading:
    """What OCR made of an item's scans, before anything is written."""

    results: list[tuple[MailFile, OcrResult]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    unavailable: str = ""


def _subject_from_text(text: str) -> str:
    for line in text.splitlines()[:80]:
        match = _SUBJECT_LINE.match(line)
        if match:
            return " ".join(match[1].split())[:300]
    return ""


def _claim(item_id: int) -> bool:
    """Take the item for this worker (a conditional UPDATE: one worker wins)."""
    now = timezone.now()
    return bool(
        MailItem.objects.filter(
            Q(ocr_status=OcrStatus.PENDING)
            | Q(ocr_status=OcrStatus.RUNNING, ocr_started_at__lt=now - STALE_OCR),
            pk=item_id,
        ).update(ocr_status=OcrStatus.RUNNING, ocr_started_at=now)
    )


def _read(item_id: int) -> _Reading:
    reading = _Reading()
    originals = MailFile.objects.filter(
        item_id=item_id, role=MailFile.Role.ORIGINAL
    ).select_related("stored")
    for original in originals:
        if original.stored.kind not in OCR_KINDS:
            continue
        try:
            result = ocr_document(file_read(original.stored), original.stored.kind)
        except OcrUnavailable as error:
            reading.unavailable = str(error)
            break
        except OcrFailed as error:
            reading.problems.append(f"{original.filename} : {error}")
        else:
            reading.results.append((original, result))
    return reading


def _keep_derived(item: MailItem, original: MailFile, result: OcrResult) -> None:
    """Keep the searchable PDF and the text OCR made of ``original``."""
    stem = PurePath(original.filename).stem or "document"
    if result.pdf is not None:
        MailFile.objects.get_or_create(
            item=item,
            stored=file_store(content=result.pdf, kind="pdf"),
            role=MailFile.Role.SEARCHABLE_PDF,
            defaults={"filename": f"{stem}-ocr.pdf", "derived_from": original},
        )
    if result.text:
        MailFile.objects.get_or_create(
            item=item,
            stored=file_store(content=result.text.encode("utf-8"), kind="txt"),
            role=MailFile.Role.TEXT,
            defaults={"filename": f"{stem}.txt", "derived_from": original},
        )


def _write(item: MailItem, reading: _Reading) -> None:
    notes = []
    for original, result in reading.results:
        _keep_derived(item, original, result)
        if result.note:
            notes.append(f"{original.filename} : {result.note}")
    item.ocr_text = "\n\n".join(result.text for _, result in reading.results if result.text)
    item.ocr_status = OcrStatus.FAILED if reading.problems else OcrStatus.DONE
    item.ocr_reason = " ; ".join([*reading.problems, *notes])[:500]
    fields = ["ocr_text", "ocr_status", "ocr_reason", *SEARCH_FIELDS]
    if not item.subject:
        item.subject = _subject_from_text(item.ocr_text)
        fields.append("subject")
    refresh_search(item)
    item.save(update_fields=[*fields, "updated_at"])
    audit_event_record(
        actor=None,
        action="mail.ocr_failed" if reading.problems else "mail.ocr_done",
        target=item,
        data={"files": len(reading.results), "failed": len(reading.problems)},
    )


def mail_ocr_process(*, item_id: int) -> str:
    """Run OCR on the item's scans and index the text; safe to call twice.

    Returns what happened: "skipped" (not pending, or claimed by another
    worker), "done", "failed" or "not_available". OCR runs outside any
    transaction; its results are written in one.
    """
    if not _claim(item_id):
        return "skipped"
    reading = _read(item_id)
    with transaction.atomic():
        item = (
            MailItem.objects.select_for_update(of=("self",))
            .select_related("sender", "recipient", "document_type")
            .get(pk=item_id)
        )
        if reading.unavailable:
            item.ocr_status = OcrStatus.NOT_AVAILABLE
            item.ocr_reason = reading.unavailable[:500]
            item.save(update_fields=["ocr_status", "ocr_reason", "updated_at"])
            audit_event_record(actor=None, action="mail.ocr_unavailable", target=item, data={})
            logger.warning("OCR not available for mail item %s: %s", item_id, reading.unavailable)
            return "not_available"
        _write(item, reading)
    return "failed" if reading.problems else "done"


@transaction.atomic
def mail_ocr_retry(*, actor: Any, item: MailItem) -> MailItem:
    """Queue OCR again (after installing Tesseract, or after a failure)."""
    locked = locked_item(item, None)
    if locked.ocr_status not in (OcrStatus.NOT_AVAILABLE, OcrStatus.FAILED, OcrStatus.DONE):
        raise MailError(_("L’OCR de ce courrier est déjà en attente ou en cours."))
    if not locked.files.filter(role=MailFile.Role.ORIGINAL, stored__kind__in=OCR_KINDS).exists():
        raise MailError(_("Ce courrier n’a aucun fichier que l’OCR sait lire."))
    locked.ocr_status = OcrStatus.PENDING
    locked.ocr_reason = ""
    save_item(locked, ["ocr_status", "ocr_reason"])
    audit_event_record(actor=actor, action="mail.ocr_requested", target=locked, data={})
    ocr_requested.send(sender=MailItem, item_id=locked.pk)
    return locked
