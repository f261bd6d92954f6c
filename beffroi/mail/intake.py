"""Emails and scan folders becoming registered items."""

from __future__ import annotations

import email
import email.policy
import hashlib
import logging
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import strip_tags

from beffroi.documents.sniff import sniff_upload_kind
from beffroi.mail.models import Channel, MailItem
from beffroi.mail.services import (
    IncomingFile,
    contact_find_or_create,
    mail_register,
    mail_register_batch,
    scan_source_key,
)
from beffroi.notifications.services import email_queue

logger = logging.getLogger(__name__)

SCAN_KINDS = frozenset({"pdf", "jpeg", "png", "tiff", "webp", "heic"})


def email_source_key(raw: bytes, message: EmailMessage) -> str:
    message_id = " ".join(str(message.get("Message-ID", "")).split())
    if message_id:
        return f"email:{message_id[:290]}"
    return f"email:sha256:{hashlib.sha256(raw).hexdigest()}"


def _body_text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    try:
        content = body.get_content()
    except (LookupError, ValueError):
        payload = body.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if body.get_content_type() == "text/html":
        content = strip_tags(content)
    return "\n".join(line.rstrip() for line in str(content).splitlines()).strip()


def _attachments(message: EmailMessage) -> list[IncomingFile]:
    files = []
    for number, part in enumerate(message.iter_attachments(), start=1):
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes) or not payload:
            continue
        filename = part.get_filename() or f"piece-jointe-{number}"
        files.append(IncomingFile(filename=str(filename), content=payload))
    return files


def _received_on(message: EmailMessage) -> Any:
    today = timezone.localdate()
    try:
        sent = parsedate_to_datetime(str(message.get("Date", "")))
    except (TypeError, ValueError, IndexError):
        return today
    if sent is None or sent.tzinfo is None:
        return today
    day = timezone.localdate(sent)
    return day if day <= today else today


def email_register(*, raw: bytes, actor: Any = None) -> MailItem | None:
    """Register an email and its attachments; None when it was registered before.

    Idempotent by Message-ID (or the message's SHA-256 when it has none):
    polling the same mailbox twice registers each email once.
    """
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    key = email_source_key(raw, message)
    if MailItem.objects.filter(source_key=key).exists():
        return None
    senders = getaddresses([str(message.get("Reply-To") or message.get("From") or "")])
    name, address = senders[0] if senders else ("", "")
    try:
        with transaction.atomic():
            sender = (
                contact_find_or_create(actor=actor, name=name, email=address)
                if (name or address)
                else None
            )
            return mail_register(
                actor=actor,
                channel=Channel.EMAIL,
                subject=str(message.get("Subject", "")),
                received_on=_received_on(message),
                sender=sender,
                files=[IncomingFile(filename="message.eml", content=raw), *_attachments(message)],
                text=_body_text(message),
                source_key=key,
            )
    except IntegrityError:
        # Another poller registered it at the same moment.
        if MailItem.objects.filter(source_key=key).exists():
            return None
        raise


@dataclass
class FolderImport:
    registered: list[MailItem]
    already: list[str]
    skipped: list[str]


def scans_import(*, folder: Path, actor: Any = None, processed: Path | None = None) -> FolderImport:
    """Register every scan (PDF or image) of ``folder``; move each one done to ``processed``.

    Idempotent by SHA-256: a file registered before is not registered again
    (and is moved too). Files that are not scans are left where they are.
    """
    processed = processed or folder / "traites"
    report = FolderImport(registered=[], already=[], skipped=[])
    scans: list[tuple[Path, bytes]] = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith("."):
            continue
        content = path.read_bytes()
        if sniff_upload_kind(content) not in SCAN_KINDS:
            report.skipped.append(path.name)
            continue
        scans.append((path, content))
    for start in range(0, len(scans), 200):
        chunk = scans[start : start + 200]
        known = set(
            MailItem.objects.filter(
                source_key__in=[scan_source_key(content) for _, content in chunk]
            ).values_list("source_key", flat=True)
        )
        fresh = [
            (path, content) for path, content in chunk if scan_source_key(content) not in known
        ]
        report.already += [
            path.name for path, content in chunk if scan_source_key(content) in known
        ]
        result = mail_register_batch(
            actor=actor,
            files=[IncomingFile(filename=path.name, content=content) for path, content in fresh],
        )
        report.registered += result.registered
        processed.mkdir(parents=True, exist_ok=True)
        for path, _content in chunk:
            target = processed / path.name
            if target.exists():
                target = (
                    processed
                    / f"{path.stem}-{hashlib.sha256(_content).hexdigest()[:8]}{path.suffix}"
                )
            path.rename(target)
    return report


def web_form_register(
    *,
    actor: Any,
    name: str,
    email: str,
    subject: str,
    message: str,
    files: list[IncomingFile],
) -> MailItem:
    """A message sent through the portal's contact form: an incoming item like any other.

    The message is kept as an original text file; a logged-in citizen is
    linked to the item (and to the contact when they wrote from their
    account's address). An acknowledgment with the number goes to the
    address given; it repeats nothing the sender typed, so the form cannot
    be used to send someone else arbitrary text.
    """
    citizen = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        sender = contact_find_or_create(
            actor=actor,
            name=name,
            email=email,
            user=citizen if citizen is not None and citizen.email == email.lower() else None,
        )
        item = mail_register(
            actor=actor,
            channel=Channel.WEB_FORM,
            subject=subject,
            sender=sender,
            text=message,
            files=[IncomingFile(filename="message.txt", content=message.encode("utf-8")), *files],
            citizen=citizen,
        )
        email_queue(
            to=sender.email or email,
            subject=f"Votre message est enregistré sous le numéro {item.number}",
            body_text=(
                "Bonjour,\n\n"
                f"Nous avons bien reçu votre message, enregistré sous le numéro {item.number}. "
                "Il est transmis au service compétent, qui vous répondra.\n\n"
                "Rappelez ce numéro si vous nous recontactez à ce sujet.\n\n"
                "Ceci est un message automatique : merci de ne pas y répondre."
            ),
        )
    return item
