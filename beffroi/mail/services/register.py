"""Registering: contacts, reference data, and items getting their register number."""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beffroi.audit.services import audit_event_record
from beffroi.core.text import fold
from beffroi.documents.services import file_store
from beffroi.documents.sniff import sniff_kind
from beffroi.mail import routing
from beffroi.mail.models import (
    Channel,
    Confidentiality,
    Contact,
    Direction,
    DocumentType,
    MailFile,
    MailItem,
    OcrStatus,
    ReplyTemplate,
    Status,
)
from beffroi.mail.ocr import OCR_KINDS, page_count
from beffroi.mail.reference import DOCUMENT_TYPES, REPLY_TEMPLATES, TYPE_EXAMPLES
from beffroi.mail.services.common import (
    SEARCH_FIELDS,
    IncomingFile,
    MailError,
    due_date,
    locked_item,
    next_number,
    refresh_search,
    refuse_future,
    save_item,
    user_or_none,
)
from beffroi.mail.signals import ocr_requested
from beffroi.municipality.models import Service

_SAFE_NAME = re.compile(r"[^\w.\- ]+")
ADDRESS_FIELDS = ("street", "postcode", "city")


@dataclass
class BatchResult:
    registered: list[MailItem] = field(default_factory=list)
    # (file name, number of the item that holds the same scan: registered
    # before, or earlier in the same batch)
    duplicates: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Registration:
    """Everything a new register line says, incoming or outgoing."""

    direction: str
    channel: str
    subject: str = ""
    received_on: datetime.date | None = None
    sender: Contact | None = None
    recipient: Contact | None = None
    document_type: DocumentType | None = None
    confidentiality: str = Confidentiality.NORMAL
    pages: int | None = None
    files: Sequence[IncomingFile] = ()
    text: str = ""
    source_key: str = ""
    citizen: Any = None
    case: Any = None
    treating_service: Service | None = None
    in_reply_to: MailItem | None = None
    status: str | None = None
    body: str = ""


def _clean_filename(name: str) -> str:
    base = PurePath(name.replace("\\", "/")).name.strip() or "fichier"
    return _SAFE_NAME.sub("_", base)[:200]


def _kind_of(content: bytes, filename: str) -> str:
    kind = sniff_kind(content)
    if kind:
        return kind
    suffix = PurePath(filename).suffix.lower().lstrip(".")
    if suffix in {"txt", "eml", "csv", "html", "xml", "msg", "rtf", "doc", "xls", "zip"}:
        return suffix
    return "other"


# -- contacts and reference data ----------------------------------------------------
def _address_complete(actor: Any, contact: Contact, address: dict[str, str]) -> None:
    """A known contact without a postal address learns the one just typed."""
    given = {name: value.strip() for name, value in address.items() if value.strip()}
    if not given or any(getattr(contact, name) for name in ADDRESS_FIELDS):
        return
    for name, value in given.items():
        setattr(contact, name, value[:200])
    contact.save(update_fields=sorted(given))
    audit_event_record(actor=actor, action="mail.contact_address_added", target=contact, data={})


@transaction.atomic
def contact_find_or_create(
    *,
    actor: Any,
    name: str,
    email: str = "",
    kind: str = Contact.Kind.PERSON,
    user: Any = None,
    street: str = "",
    postcode: str = "",
    city: str = "",
    phone: str = "",
) -> Contact:
    """The directory's contact for this email (or, without email, this exact name)."""
    email = email.strip().lower()
    name = " ".join(name.split()) or (email.split("@", 1)[0] if email else "")
    if not name:
        raise MailError(_("Indiquez le nom ou l’adresse e-mail du correspondant."), field="name")
    found = (
        Contact.objects.filter(email=email).order_by("id").first()
        if email
        else Contact.objects.filter(email="", folded_name=fold(name)[:200]).order_by("id").first()
    )
    if found is not None:
        if user is not None and found.user_id is None:
            found.user = user
            found.save(update_fields=["user"])
            audit_event_record(
                actor=actor, action="mail.contact_linked", target=found, data={"user_id": user.pk}
            )
        _address_complete(actor, found, {"street": street, "postcode": postcode, "city": city})
        return found
    contact = Contact.objects.create(
        kind=kind,
        name=name[:200],
        email=email,
        user=user,
        street=street.strip()[:200],
        postcode=postcode.strip()[:20],
        city=city.strip()[:100],
        phone=phone,
        folded_name=fold(name)[:200],
    )
    audit_event_record(actor=actor, action="mail.contact_created", target=contact, data={})
    return contact


@transaction.atomic
def mail_reference_data_load(*, actor: Any) -> None:
    """Create the shipped document types and reply templates; idempotent.

    A document type without a default service gets the shipped one when the
    service exists (services are loaded after the migrations).
    """
    services = {service.code: service for service in Service.objects.all()}
    for code, name, days, service_code in DOCUMENT_TYPES:
        document_type, created = DocumentType.objects.get_or_create(
            code=code, defaults={"name": name, "treatment_days": days}
        )
        if document_type.default_service_id is None and service_code in services:
            document_type.default_service = services[service_code]
            document_type.save(update_fields=["default_service"])
            created = True
        if created:
            audit_event_record(
                actor=actor, action="mail.document_type_loaded", target=document_type, data={}
            )
    _routing_examples_learn(actor)
    for code, name, subject, body in REPLY_TEMPLATES:
        _, created = ReplyTemplate.objects.get_or_create(
            code=code, defaults={"name": name, "subject": subject, "body": body}
        )
        if created:
            audit_event_record(
                actor=actor,
                action="mail.reply_template_loaded",
                target=("mail.replytemplate", code),
                data={},
            )


def _routing_examples_learn(actor: Any) -> None:
    """Start the routing model from the shipped examples, once (before any routing)."""
    if routing.routing_has_learned() or not Service.objects.exists():
        # Learned already, or too early: the services are loaded after the migrations.
        return
    types = DocumentType.objects.filter(code__in=list(TYPE_EXAMPLES), is_active=True)
    learned = 0
    for document_type in types:
        for subject in TYPE_EXAMPLES[document_type.code]:
            routing.routing_learn(
                features=routing.features_for(subject=subject),
                service_id=document_type.default_service_id,
                type_id=document_type.pk,
            )
            learned += 1
    if learned:
        audit_event_record(
            actor=actor,
            action="mail.routing_examples_learned",
            target=("mail.routingclass", "examples"),
            data={"examples": learned},
        )


# -- registering -----------------------------------------------------------------
def _attach(item: MailItem, files: Sequence[IncomingFile]) -> tuple[list[MailFile], int | None]:
    """Keep the files as originals of ``item``; return them and their pages (None if unknown)."""
    attached: list[MailFile] = []
    seen: set[int] = set()
    pages: int | None = 0
    for incoming in files:
        kind = _kind_of(incoming.content, incoming.filename)
        stored = file_store(content=incoming.content, kind=kind)
        if stored.pk in seen:
            continue
        seen.add(stored.pk)
        attached.append(
            MailFile.objects.create(
                item=item,
                stored=stored,
                filename=_clean_filename(incoming.filename),
                role=MailFile.Role.ORIGINAL,
            )
        )
        count = page_count(incoming.content, stored.kind)
        pages = None if count is None or pages is None else pages + count
    return attached, (pages or None)


def _new_item(actor: Any, line: Registration) -> MailItem:
    year, sequence, number = next_number(line.direction)
    incoming = line.direction == Direction.INCOMING
    sender = line.sender
    item = MailItem(
        direction=line.direction,
        year=year,
        sequence=sequence,
        number=number,
        channel=line.channel,
        received_on=line.received_on or (timezone.localdate() if incoming else None),
        sender=sender,
        recipient=line.recipient,
        subject=" ".join(line.subject.split())[:300],
        document_type=line.document_type,
        confidentiality=line.confidentiality,
        pages=line.pages,
        text=line.text.strip(),
        body=line.body,
        source_key=line.source_key[:300],
        citizen=line.citizen or (sender.user if sender is not None else None),
        organisation=sender.organisation if sender is not None else None,
        case=line.case,
        treating_service=line.treating_service,
        in_reply_to=line.in_reply_to,
        status=line.status or (Status.TO_ROUTE if incoming else Status.DRAFT),
        created_by=user_or_none(actor),
    )
    refresh_search(item, copy_ids=[])
    item.save()
    return item


def register_line(*, actor: Any, line: Registration) -> MailItem:
    """Number and keep one item, its files as originals; OCR is requested when it can read them."""
    item = _new_item(actor, line)
    attached, file_pages = _attach(item, line.files)
    changed = []
    if item.pages is None and file_pages:
        item.pages = file_pages
        changed.append("pages")
    if any(mail_file.stored.kind in OCR_KINDS for mail_file in attached):
        item.ocr_status = OcrStatus.PENDING
        changed.append("ocr_status")
    if changed:
        item.save(update_fields=changed)
    audit_event_record(
        actor=actor,
        action="mail.registered",
        target=item,
        data={
            "number": item.number,
            "direction": item.direction,
            "channel": item.channel,
            "files": [mail_file.stored.sha256 for mail_file in attached],
        },
    )
    if item.ocr_status == OcrStatus.PENDING:
        ocr_requested.send(sender=MailItem, item_id=item.pk)
    return item


@transaction.atomic
def mail_register(
    *,
    actor: Any,
    channel: str,
    subject: str = "",
    direction: str = Direction.INCOMING,
    received_on: datetime.date | None = None,
    sender: Contact | None = None,
    recipient: Contact | None = None,
    document_type: DocumentType | None = None,
    confidentiality: str = Confidentiality.NORMAL,
    pages: int | None = None,
    files: Sequence[IncomingFile] = (),
    text: str = "",
    source_key: str = "",
    citizen: Any = None,
    case: Any = None,
) -> MailItem:
    """Register one item with the next number of its register (E- or S-).

    The number is taken in this transaction: if it rolls back, the number
    goes back too, so the register has neither gaps nor duplicates. Files
    are kept as immutable originals; OCR is queued after the commit.
    """
    refuse_future(received_on)
    if source_key and MailItem.objects.filter(source_key=source_key).exists():
        raise MailError(_("Ce document est déjà enregistré."))
    line = Registration(
        direction=direction,
        channel=channel,
        subject=subject,
        received_on=received_on,
        sender=sender,
        recipient=recipient,
        document_type=document_type,
        confidentiality=confidentiality,
        pages=pages,
        files=files,
        text=text,
        source_key=source_key,
        citizen=citizen,
        case=case,
    )
    return register_line(actor=actor, line=line)


def scan_source_key(content: bytes) -> str:
    return f"scan:{hashlib.sha256(content).hexdigest()}"


@transaction.atomic
def mail_register_batch(
    *,
    actor: Any,
    files: Sequence[IncomingFile],
    channel: str = Channel.SCAN,
    received_on: datetime.date | None = None,
    document_type: DocumentType | None = None,
    confidentiality: str = Confidentiality.NORMAL,
) -> BatchResult:
    """Register each scan as its own incoming item, with consecutive numbers.

    A scan registered before (same SHA-256) is not registered twice: it is
    reported with the number it already has. The subject is read from the
    letter's "Objet :" line once OCR has run.
    """
    refuse_future(received_on)
    result = BatchResult()
    keys = {scan_source_key(incoming.content): incoming for incoming in files}
    known = dict(
        MailItem.objects.filter(source_key__in=list(keys)).values_list("source_key", "number")
    )
    for incoming in files:
        key = scan_source_key(incoming.content)
        if key in known:
            result.duplicates.append((incoming.filename, known[key]))
            continue
        line = Registration(
            direction=Direction.INCOMING,
            channel=channel,
            received_on=received_on,
            document_type=document_type,
            confidentiality=confidentiality,
            files=[incoming],
            source_key=key,
        )
        item = register_line(actor=actor, line=line)
        known[key] = item.number
        result.registered.append(item)
    return result


@transaction.atomic
def mail_update(
    *,
    actor: Any,
    item: MailItem,
    expected_version: int | None,
    subject: str,
    sender: Contact | None,
    document_type: DocumentType | None,
    confidentiality: str,
    channel: str,
    received_on: datetime.date | None,
    pages: int | None,
) -> MailItem:
    """Correct the register line of an incoming item (the number never changes)."""
    locked = locked_item(item, expected_version)
    refuse_future(received_on)
    if confidentiality != Confidentiality.NORMAL and locked.copies.exists():
        raise MailError(
            _("Retirez d’abord les services en copie : un courrier confidentiel n’a pas de copie."),
            field="confidentiality",
        )
    values: dict[str, Any] = {
        "subject": " ".join(subject.split())[:300],
        "sender": sender,
        "document_type": document_type,
        "confidentiality": confidentiality,
        "channel": channel,
        "received_on": received_on or locked.received_on,
        "pages": pages,
    }
    changed = [name for name, value in values.items() if getattr(locked, name) != value]
    if not changed:
        return locked
    for name in changed:
        setattr(locked, name, values[name])
    if (
        {"document_type", "received_on"} & set(changed)
        and locked.treating_service_id
        and locked.received_on
    ):
        locked.due_on = due_date(received_on=locked.received_on, document_type=locked.document_type)
        changed.append("due_on")
    if sender is not None and locked.citizen_id is None and sender.user_id is not None:
        locked.citizen_id = sender.user_id
        changed.append("citizen")
    refresh_search(locked)
    save_item(locked, [*changed, *SEARCH_FIELDS])
    audit_event_record(
        actor=actor, action="mail.updated", target=locked, data={"fields": sorted(changed)}
    )
    return locked
