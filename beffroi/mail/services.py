"""Writing the mail register: every change in one transaction, journaled."""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from beffroi.audit.services import access_record, audit_event_record
from beffroi.core.counters import counter_next
from beffroi.core.jobs import enqueue_on_commit
from beffroi.core.text import fold, search_terms
from beffroi.core.workdays import add_working_days
from beffroi.documents.services import file_read, file_store
from beffroi.documents.sniff import sniff_kind
from beffroi.mail import routing
from beffroi.mail.models import (
    NUMBER_PREFIX,
    OPEN_STATUSES,
    Channel,
    Confidentiality,
    Contact,
    Direction,
    DocumentType,
    MailFile,
    MailItem,
    MailNote,
    OcrStatus,
    ReplyTemplate,
    Status,
)
from beffroi.mail.ocr import OCR_KINDS, OcrFailed, OcrUnavailable, ocr_document, page_count
from beffroi.mail.reference import DOCUMENT_TYPES, REPLY_TEMPLATES
from beffroi.mail.search_sql import visibility_keys
from beffroi.municipality.models import Membership, Service
from beffroi.municipality.selectors import current_municipality

logger = logging.getLogger(__name__)

# A worker that died mid-OCR leaves the item "running": retried after this.
STALE_OCR = timedelta(minutes=45)
# Reminders go out when an open item is due within this many working days.
REMINDER_WORKING_DAYS = 2
_SUBJECT_LINE = re.compile(r"^\s*(?:objet|concerne|ref|réf)\s*[:.]\s*(.{4,300})$", re.IGNORECASE)
_SAFE_NAME = re.compile(r"[^\w.\- ]+")
# A reply template sees plain strings only, never model instances.
_TEMPLATES = Engine(
    loaders=[("django.template.loaders.locmem.Loader", {})], libraries={}, autoescape=False
)


class MailError(ValueError):
    """A change the register refuses; the message is for the agent, in French."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class StaleMailItem(MailError):
    """Someone else changed the item since the agent opened it."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Ce courrier a été modifié par quelqu’un d’autre pendant que vous le "
                "consultiez. Vérifiez ses nouvelles données : votre saisie est conservée, "
                "enregistrez-la à nouveau si elle est toujours valable."
            )
        )


@dataclass(frozen=True)
class IncomingFile:
    """A file as it arrived: its name as given and its bytes."""

    filename: str
    content: bytes


@dataclass
class BatchResult:
    registered: list[MailItem] = field(default_factory=list)
    # (file name, number of the item that holds the same scan: registered
    # before, or earlier in the same batch)
    duplicates: list[tuple[str, str]] = field(default_factory=list)


# -- helpers -------------------------------------------------------------------
def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


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


def _number(direction: str) -> tuple[int, int, str]:
    """The next register number of ``direction``: gapless, in the caller's transaction."""
    year = timezone.localdate().year
    prefix = NUMBER_PREFIX[Direction(direction)]
    sequence = counter_next(name=f"mail:{prefix}:{year}")
    return year, sequence, f"{prefix}-{year}-{sequence:06d}"


def due_date(
    *, received_on: datetime.date, document_type: DocumentType | None
) -> datetime.date | None:
    """The due date in working days (the city's country and region holidays)."""
    if document_type is None or not document_type.treatment_days:
        return None
    municipality = current_municipality()
    return add_working_days(
        received_on,
        document_type.treatment_days,
        country=municipality.country,
        subdivision=municipality.subdivision,
    )


SEARCH_FIELDS = ("search_meta", "search_text", "search_keys")


def _refresh_search(item: MailItem, *, copy_ids: Sequence[int] | None = None) -> None:
    """What search reads besides the texts: metadata words, and who may see the item."""
    parts = [item.number]
    for contact in (item.sender, item.recipient):
        if contact is not None:
            parts += [contact.name, contact.email]
    if item.document_type is not None:
        parts.append(item.document_type.name)
    parts.append(item.get_channel_display())
    item.search_meta = " ".join(part for part in parts if part)
    if copy_ids is None:
        copy_ids = list(item.copies.values_list("pk", flat=True)) if item.pk else []
    item.search_keys = visibility_keys(
        treating_service_id=item.treating_service_id,
        assigned_to_id=item.assigned_to_id,
        confidentiality=item.confidentiality,
        copy_service_ids=copy_ids,
    )
    if connection.vendor == "postgresql":
        # PostgreSQL searches its generated tsvector column (migration 0002).
        item.search_text = ""
        return
    words = search_terms(" ".join([item.subject, item.search_meta, item.text, item.ocr_text]))
    item.search_text = f" {' '.join(sorted(set(words)))} "


def _locked(item: MailItem, expected_version: int | None) -> MailItem:
    locked = (
        MailItem.objects.select_for_update(of=("self",))
        .select_related("sender", "recipient", "document_type", "treating_service")
        .get(pk=item.pk)
    )
    if expected_version is not None and locked.lock_version != expected_version:
        raise StaleMailItem
    return locked


def _save(item: MailItem, fields: Iterable[str]) -> None:
    item.lock_version += 1
    item.save(update_fields=sorted({*fields, "lock_version", "updated_at"}))


def _subject_from_text(text: str) -> str:
    for line in text.splitlines()[:80]:
        match = _SUBJECT_LINE.match(line)
        if match:
            return " ".join(match[1].split())[:300]
    return ""


# -- contacts and reference data ----------------------------------------------------
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
        return found
    contact = Contact.objects.create(
        kind=kind,
        name=name[:200],
        email=email,
        user=user,
        street=street,
        postcode=postcode,
        city=city,
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


def _register(
    *,
    actor: Any,
    direction: str,
    channel: str,
    subject: str,
    received_on: datetime.date | None,
    sender: Contact | None,
    recipient: Contact | None,
    document_type: DocumentType | None,
    confidentiality: str,
    pages: int | None,
    files: Sequence[IncomingFile],
    text: str,
    source_key: str,
    citizen: Any,
    case: Any,
    treating_service: Service | None = None,
    in_reply_to: MailItem | None = None,
    status: str | None = None,
    body: str = "",
) -> MailItem:
    year, sequence, number = _number(direction)
    incoming = direction == Direction.INCOMING
    if incoming and received_on is None:
        received_on = timezone.localdate()
    item = MailItem(
        direction=direction,
        year=year,
        sequence=sequence,
        number=number,
        channel=channel,
        received_on=received_on,
        sender=sender,
        recipient=recipient,
        subject=" ".join(subject.split())[:300],
        document_type=document_type,
        confidentiality=confidentiality,
        pages=pages,
        text=text.strip(),
        body=body,
        source_key=source_key[:300],
        citizen=citizen or (sender.user if sender is not None else None),
        organisation=sender.organisation if sender is not None else None,
        case=case,
        treating_service=treating_service,
        in_reply_to=in_reply_to,
        status=status or (Status.TO_ROUTE if incoming else Status.DRAFT),
        created_by=_user_or_none(actor),
    )
    _refresh_search(item, copy_ids=[])
    item.save()
    attached, file_pages = _attach(item, files)
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
            "number": number,
            "direction": direction,
            "channel": channel,
            "files": [mail_file.stored.sha256 for mail_file in attached],
        },
    )
    if item.ocr_status == OcrStatus.PENDING:
        from beffroi.mail.tasks import ocr_mail_item

        enqueue_on_commit(ocr_mail_item, item_id=item.pk)
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
    if received_on is not None and received_on > timezone.localdate():
        raise MailError(
            _("La date de réception ne peut pas être dans le futur."), field="received_on"
        )
    if source_key and MailItem.objects.filter(source_key=source_key).exists():
        raise MailError(_("Ce document est déjà enregistré."))
    return _register(
        actor=actor,
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


def scan_source_key(content: bytes) -> str:
    import hashlib

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
    if received_on is not None and received_on > timezone.localdate():
        raise MailError(
            _("La date de réception ne peut pas être dans le futur."), field="received_on"
        )
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
        item = _register(
            actor=actor,
            direction=Direction.INCOMING,
            channel=channel,
            subject="",
            received_on=received_on,
            sender=None,
            recipient=None,
            document_type=document_type,
            confidentiality=confidentiality,
            pages=None,
            files=[incoming],
            text="",
            source_key=key,
            citizen=None,
            case=None,
        )
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
    locked = _locked(item, expected_version)
    if received_on is not None and received_on > timezone.localdate():
        raise MailError(
            _("La date de réception ne peut pas être dans le futur."), field="received_on"
        )
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
    _refresh_search(locked)
    _save(locked, [*changed, *SEARCH_FIELDS])
    audit_event_record(
        actor=actor, action="mail.updated", target=locked, data={"fields": sorted(changed)}
    )
    return locked


# -- routing ---------------------------------------------------------------------
def _check_service(service: Service | None, field_name: str) -> None:
    if service is None or not service.is_active or service.kind != Service.Kind.INTERNAL:
        raise MailError(_("Choisissez un service communal actif."), field=field_name)


@transaction.atomic
def mail_route(
    *,
    actor: Any,
    item: MailItem,
    service: Service,
    copies: Sequence[Service] = (),
    document_type: DocumentType | None = None,
    expected_version: int | None = None,
) -> MailItem:
    """Send an incoming item to its treating service, with services in copy.

    The due date follows the document type, in working days from the day it
    was received. The routing model learns from it (and forgets what it
    learned from an earlier routing of the same item).
    """
    locked = _locked(item, expected_version)
    if not locked.is_incoming:
        raise MailError(_("Seul le courrier entrant est ventilé."))
    _check_service(service, "service")
    copy_list = [copy for copy in copies if copy.pk != service.pk]
    for copy in copy_list:
        _check_service(copy, "copies")
    if copy_list and locked.confidentiality != Confidentiality.NORMAL:
        raise MailError(
            _("Un courrier confidentiel ou restreint n’est envoyé en copie à aucun service."),
            field="copies",
        )
    document_type = document_type or locked.document_type
    previous_service = locked.treating_service_id
    changed = ["treating_service", "document_type", "due_on", "status", "routing_learned"]
    locked.treating_service = service
    locked.document_type = document_type
    if locked.received_on is not None:
        locked.due_on = due_date(received_on=locked.received_on, document_type=document_type)
    if locked.status in (Status.TO_ROUTE, Status.CLOSED) or previous_service != service.pk:
        locked.status = Status.ROUTED
        locked.closed_at = None
        changed.append("closed_at")
    if previous_service is not None and previous_service != service.pk:
        locked.assigned_to = None
        changed.append("assigned_to")
    features = routing.item_features(locked)
    learned = locked.routing_learned or {}
    if learned:
        routing.routing_learn(
            features=features,
            service_id=learned.get("service"),
            type_id=learned.get("type"),
            weight=-1,
        )
    type_id = document_type.pk if document_type else None
    routing.routing_learn(features=features, service_id=service.pk, type_id=type_id)
    locked.routing_learned = {"service": service.pk, "type": type_id}
    _refresh_search(locked, copy_ids=[copy.pk for copy in copy_list])
    _save(locked, [*changed, *SEARCH_FIELDS])
    locked.copies.set(copy_list)
    audit_event_record(
        actor=actor,
        action="mail.routed",
        target=locked,
        data={
            "service": service.code,
            "copies": sorted(copy.code for copy in copy_list),
            "document_type": document_type.code if document_type else None,
        },
    )
    return locked


def mail_suggestion(item: MailItem) -> routing.Suggestion | None:
    """Where Beffroi would route this item, with its confidence (or None)."""
    document_type = item.document_type
    return routing.routing_suggest(
        features=routing.item_features(item),
        type_id=document_type.pk if document_type else None,
        default_service_id=document_type.default_service_id if document_type else None,
    )


@transaction.atomic
def mail_route_accept(*, actor: Any, item: MailItem, expected_version: int | None) -> MailItem:
    """Route as suggested: the one click of the mail office."""
    suggestion = mail_suggestion(item)
    if suggestion is None or suggestion.service_id is None:
        raise MailError(_("Aucune suggestion n’est disponible pour ce courrier : ventilez-le."))
    service = Service.objects.get(pk=suggestion.service_id)
    document_type = item.document_type
    if document_type is None and suggestion.type_id:
        document_type = DocumentType.objects.filter(pk=suggestion.type_id).first()
    return mail_route(
        actor=actor,
        item=item,
        service=service,
        document_type=document_type,
        expected_version=expected_version,
    )


@transaction.atomic
def mail_send_back(
    *, actor: Any, item: MailItem, reason: str, expected_version: int | None
) -> MailItem:
    """The treating service hands back an item that is not for it: to route again."""
    reason = reason.strip()
    if not reason:
        raise MailError(
            _("Dites au service courrier pourquoi ce courrier n’est pas pour vous."), field="reason"
        )
    locked = _locked(item, expected_version)
    service = locked.treating_service
    locked.status = Status.TO_ROUTE
    locked.treating_service = None
    locked.assigned_to = None
    locked.due_on = None
    _refresh_search(locked)
    _save(locked, ["status", "treating_service", "assigned_to", "due_on", *SEARCH_FIELDS])
    MailNote.objects.create(
        item=locked,
        author=_user_or_none(actor),
        text=_("Renvoyé au service courrier par %(service)s : %(reason)s")
        % {"service": service.name if service else "—", "reason": reason},
    )
    audit_event_record(
        actor=actor,
        action="mail.sent_back",
        target=locked,
        data={"service": service.code if service else None},
    )
    return locked


# -- treatment --------------------------------------------------------------------
@transaction.atomic
def mail_assign(
    *, actor: Any, item: MailItem, agent: Any, expected_version: int | None
) -> MailItem:
    """Give the item to an agent of its treating service (None: nobody)."""
    locked = _locked(item, expected_version)
    if locked.treating_service_id is None:
        raise MailError(_("Ventilez d’abord ce courrier vers un service."), field="agent")
    if (
        agent is not None
        and not Membership.objects.filter(
            user=agent, service_id=locked.treating_service_id
        ).exists()
    ):
        raise MailError(_("Cet agent ne fait pas partie du service traitant."), field="agent")
    locked.assigned_to = agent
    _refresh_search(locked)
    changed = ["assigned_to", *SEARCH_FIELDS]
    if agent is not None and locked.status == Status.ROUTED:
        locked.status = Status.IN_TREATMENT
        changed.append("status")
    _save(locked, changed)
    audit_event_record(
        actor=actor,
        action="mail.assigned",
        target=locked,
        data={"agent_id": agent.pk if agent is not None else None},
    )
    return locked


_SETTABLE = {Status.ROUTED, Status.IN_TREATMENT, Status.ANSWERED, Status.CLOSED}


@transaction.atomic
def mail_status_set(
    *, actor: Any, item: MailItem, status: str, expected_version: int | None
) -> MailItem:
    locked = _locked(item, expected_version)
    if not locked.is_incoming or status not in _SETTABLE:
        raise MailError(_("Ce statut ne peut pas être choisi ici."), field="status")
    if locked.treating_service_id is None:
        raise MailError(_("Ventilez d’abord ce courrier vers un service."), field="status")
    previous = locked.status
    if previous == status:
        return locked
    locked.status = status
    locked.closed_at = timezone.now() if status == Status.CLOSED else None
    _save(locked, ["status", "closed_at"])
    audit_event_record(
        actor=actor,
        action="mail.status_changed",
        target=locked,
        data={"from": previous, "to": status},
    )
    return locked


@transaction.atomic
def mail_note_add(*, actor: Any, item: MailItem, text: str) -> MailNote:
    text = text.strip()
    if not text:
        raise MailError(_("La note est vide."), field="text")
    note = MailNote.objects.create(item=item, author=_user_or_none(actor), text=text)
    audit_event_record(
        actor=actor, action="mail.note_added", target=item, data={"note_id": note.pk}
    )
    return note


@transaction.atomic
def mail_link_case(*, actor: Any, item: MailItem, case: Any) -> MailItem:
    """Attach the item to a case (None: detach)."""
    locked = _locked(item, None)
    locked.case = case
    fields = ["case"]
    if case is not None and locked.citizen_id is None and case.applicant_id is not None:
        locked.citizen_id = case.applicant_id
        fields.append("citizen")
    _save(locked, fields)
    audit_event_record(
        actor=actor,
        action="mail.case_linked",
        target=locked,
        data={"case_id": case.pk if case is not None else None},
    )
    return locked


@transaction.atomic
def mail_link_citizen(*, actor: Any, item: MailItem, citizen: Any) -> MailItem:
    """Attach the item to a citizen's account (None: detach); the sender learns it too."""
    locked = _locked(item, None)
    locked.citizen = citizen
    _save(locked, ["citizen"])
    contact = locked.correspondent
    if citizen is not None and contact is not None and contact.user_id is None:
        contact.user = citizen
        contact.save(update_fields=["user"])
    audit_event_record(
        actor=actor,
        action="mail.citizen_linked",
        target=locked,
        data={"citizen_id": citizen.pk if citizen is not None else None},
    )
    return locked


@transaction.atomic
def mail_link_organisation(*, actor: Any, item: MailItem, organisation: Any) -> MailItem:
    """Attach the item to an organisation (None: detach); an organisation sender learns it."""
    locked = _locked(item, None)
    locked.organisation = organisation
    _save(locked, ["organisation"])
    contact = locked.correspondent
    if (
        organisation is not None
        and contact is not None
        and contact.kind == Contact.Kind.ORGANISATION
        and contact.organisation_id is None
    ):
        contact.organisation = organisation
        contact.save(update_fields=["organisation"])
    audit_event_record(
        actor=actor,
        action="mail.organisation_linked",
        target=locked,
        data={"organisation_id": organisation.pk if organisation is not None else None},
    )
    return locked


def mail_item_viewed(*, actor: Any, item: MailItem) -> None:
    """Log that an agent opened an item about a citizen (they can read who did)."""
    if item.citizen_id is not None:
        access_record(actor=actor, subject_id=item.citizen_id, action="mail.viewed", target=item)


# -- replies ---------------------------------------------------------------------
def _reply_values(item: MailItem, actor: Any) -> dict[str, str]:
    contact = item.sender
    municipality = current_municipality()
    with translation.override(settings.LANGUAGE_CODE):
        received = formats.date_format(item.received_on, "j F Y") if item.received_on else ""
    return {
        "numero": item.number,
        "objet": item.subject or _("votre courrier"),
        "date_reception": received,
        "expediteur": contact.name if contact else "",
        "civilite": _("Madame, Monsieur"),
        "service": item.treating_service.name if item.treating_service else "",
        "agent": getattr(actor, "full_name", "") or "",
        "commune": municipality.name,
        "aujourdhui": formats.date_format(timezone.localdate(), "j F Y"),
    }


def reply_render(*, template: ReplyTemplate, item: MailItem, actor: Any) -> tuple[str, str]:
    context = Context(_reply_values(item, actor), autoescape=False)
    subject = _TEMPLATES.from_string(template.subject).render(context)
    body = _TEMPLATES.from_string(template.body).render(context)
    return " ".join(subject.split())[:300], body.strip()


@transaction.atomic
def mail_reply_draft(
    *, actor: Any, item: MailItem, template: ReplyTemplate | None, subject: str = "", body: str = ""
) -> MailItem:
    """Draft a reply: an outgoing item with its own S- number, linked to ``item``."""
    if not item.is_incoming:
        raise MailError(_("On ne répond qu’à un courrier entrant."))
    if item.treating_service_id is None:
        raise MailError(_("Ventilez d’abord ce courrier vers un service."), field="template")
    if template is not None:
        subject, body = reply_render(template=template, item=item, actor=actor)
    if not subject.strip() or not body.strip():
        raise MailError(_("La réponse doit avoir un objet et un texte."), field="template")
    recipient = item.sender
    reply = _register(
        actor=actor,
        direction=Direction.OUTGOING,
        channel=Channel.EMAIL if recipient is not None and recipient.email else Channel.PAPER,
        subject=subject,
        received_on=None,
        sender=None,
        recipient=recipient,
        document_type=None,
        confidentiality=item.confidentiality,
        pages=None,
        files=(),
        text="",
        source_key="",
        citizen=item.citizen,
        case=item.case,
        treating_service=item.treating_service,
        in_reply_to=item,
        status=Status.DRAFT,
        body=body,
    )
    locked = _locked(item, None)
    if locked.status == Status.ROUTED:
        locked.status = Status.IN_TREATMENT
        _save(locked, ["status"])
    audit_event_record(
        actor=actor,
        action="mail.reply_drafted",
        target=reply,
        data={"in_reply_to": item.number, "template": template.code if template else None},
    )
    return reply


@transaction.atomic
def mail_reply_update(
    *, actor: Any, reply: MailItem, subject: str, body: str, expected_version: int | None
) -> MailItem:
    locked = _locked(reply, expected_version)
    if locked.status != Status.DRAFT:
        raise MailError(_("Cette réponse est déjà envoyée : elle ne change plus."))
    if not subject.strip():
        raise MailError(_("Indiquez l’objet de la réponse."), field="subject")
    if not body.strip():
        raise MailError(_("Écrivez le texte de la réponse."), field="body")
    locked.subject = " ".join(subject.split())[:300]
    locked.body = body.strip()
    _refresh_search(locked)
    _save(locked, ["subject", "body", *SEARCH_FIELDS])
    audit_event_record(actor=actor, action="mail.reply_updated", target=locked, data={})
    return locked


def letter_context(reply: MailItem) -> dict[str, Any]:
    municipality = current_municipality()
    return {
        "reply": reply,
        "municipality": municipality,
        "service": reply.treating_service,
        "recipient": reply.recipient,
        "paragraphs": [part.strip() for part in reply.body.split("\n\n") if part.strip()],
        "date": timezone.localdate(reply.sent_at) if reply.sent_at else timezone.localdate(),
    }


def _letter_pdf(reply: MailItem) -> bytes:
    from weasyprint import HTML

    html = render_to_string("mail/letter.html", letter_context(reply))
    return bytes(HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf())


@transaction.atomic
def mail_reply_send(*, actor: Any, reply: MailItem, method: str, email: str = "") -> MailItem:
    """Send a drafted reply by email, or mark it to be printed and posted.

    The letter is kept as a PDF original of the outgoing item, with its
    SHA-256; the incoming item becomes "answered".
    """
    if method not in {"email", "print"}:
        raise MailError(_("Choisissez comment envoyer la réponse."), field="method")
    locked = _locked(reply, None)
    if locked.direction != Direction.OUTGOING or locked.status != Status.DRAFT:
        raise MailError(_("Cette réponse est déjà envoyée."))
    to = (email or (locked.recipient.email if locked.recipient else "")).strip()
    if method == "email" and not to:
        raise MailError(
            _("Indiquez l’adresse e-mail du destinataire, ou choisissez l’envoi imprimé."),
            field="email",
        )
    locked.sent_at = timezone.now()
    locked.status = Status.SENT
    locked.send_method = method
    locked.channel = Channel.EMAIL if method == "email" else Channel.PAPER
    pdf = _letter_pdf(locked)
    _save(locked, ["sent_at", "status", "send_method", "channel"])
    stored = file_store(content=pdf, kind="pdf")
    MailFile.objects.get_or_create(
        item=locked,
        stored=stored,
        role=MailFile.Role.ORIGINAL,
        defaults={"filename": f"{locked.number}.pdf"},
    )
    if method == "email":
        from beffroi.notifications.services import email_queue

        email_queue(
            to=to,
            subject=f"{locked.subject} ({locked.number})",
            body_text=f"{locked.body}\n\n— {locked.number}",
            case_id=locked.case_id,
        )
    incoming = locked.in_reply_to
    if incoming is not None and incoming.status in (*OPEN_STATUSES, Status.TO_ROUTE):
        incoming_locked = _locked(incoming, None)
        incoming_locked.status = Status.ANSWERED
        _save(incoming_locked, ["status"])
    audit_event_record(
        actor=actor,
        action="mail.reply_sent",
        target=locked,
        data={"method": method, "sha256": stored.sha256},
    )
    return locked


# -- OCR -----------------------------------------------------------------------------
def mail_ocr_process(*, item_id: int) -> str:
    """Run OCR on the item's scans and index the text; safe to call twice.

    Returns what happened: "skipped" (not pending, or claimed by another
    worker), "done", "failed" or "not_available". OCR runs outside any
    transaction; its results are written in one.
    """
    now = timezone.now()
    claimed = MailItem.objects.filter(
        Q(ocr_status=OcrStatus.PENDING)
        | Q(ocr_status=OcrStatus.RUNNING, ocr_started_at__lt=now - STALE_OCR),
        pk=item_id,
    ).update(ocr_status=OcrStatus.RUNNING, ocr_started_at=now)
    if not claimed:
        return "skipped"
    originals = [
        mail_file
        for mail_file in MailFile.objects.filter(
            item_id=item_id, role=MailFile.Role.ORIGINAL
        ).select_related("stored")
        if mail_file.stored.kind in OCR_KINDS
    ]
    results = []
    problems: list[str] = []
    unavailable = ""
    for original in originals:
        try:
            results.append(
                (original, ocr_document(file_read(original.stored), original.stored.kind))
            )
        except OcrUnavailable as error:
            unavailable = str(error)
            break
        except OcrFailed as error:
            problems.append(f"{original.filename} : {error}")
    with transaction.atomic():
        item = (
            MailItem.objects.select_for_update(of=("self",))
            .select_related("sender", "recipient", "document_type")
            .get(pk=item_id)
        )
        if unavailable:
            item.ocr_status = OcrStatus.NOT_AVAILABLE
            item.ocr_reason = unavailable[:500]
            item.save(update_fields=["ocr_status", "ocr_reason", "updated_at"])
            audit_event_record(actor=None, action="mail.ocr_unavailable", target=item, data={})
            logger.warning("OCR not available for mail item %s: %s", item_id, unavailable)
            return "not_available"
        texts = []
        notes = []
        for original, result in results:
            stem = PurePath(original.filename).stem or "document"
            if result.pdf is not None:
                pdf = file_store(content=result.pdf, kind="pdf")
                MailFile.objects.get_or_create(
                    item=item,
                    stored=pdf,
                    role=MailFile.Role.SEARCHABLE_PDF,
                    defaults={"filename": f"{stem}-ocr.pdf", "derived_from": original},
                )
            if result.text:
                text_file = file_store(content=result.text.encode("utf-8"), kind="txt")
                MailFile.objects.get_or_create(
                    item=item,
                    stored=text_file,
                    role=MailFile.Role.TEXT,
                    defaults={"filename": f"{stem}.txt", "derived_from": original},
                )
                texts.append(result.text)
            if result.note:
                notes.append(f"{original.filename} : {result.note}")
        item.ocr_text = "\n\n".join(texts)
        item.ocr_status = OcrStatus.FAILED if problems else OcrStatus.DONE
        item.ocr_reason = " ; ".join([*problems, *notes])[:500]
        fields = ["ocr_text", "ocr_status", "ocr_reason", *SEARCH_FIELDS]
        if not item.subject:
            item.subject = _subject_from_text(item.ocr_text)
            fields.append("subject")
        _refresh_search(item)
        item.save(update_fields=[*fields, "updated_at"])
        audit_event_record(
            actor=None,
            action="mail.ocr_done" if not problems else "mail.ocr_failed",
            target=item,
            data={"files": len(results), "failed": len(problems)},
        )
    return "failed" if problems else "done"


@transaction.atomic
def mail_ocr_retry(*, actor: Any, item: MailItem) -> MailItem:
    """Queue OCR again (after installing Tesseract, or after a failure)."""
    locked = _locked(item, None)
    if locked.ocr_status not in (OcrStatus.NOT_AVAILABLE, OcrStatus.FAILED, OcrStatus.DONE):
        raise MailError(_("L’OCR de ce courrier est déjà en attente ou en cours."))
    if not locked.files.filter(role=MailFile.Role.ORIGINAL, stored__kind__in=OCR_KINDS).exists():
        raise MailError(_("Ce courrier n’a aucun fichier que l’OCR sait lire."))
    locked.ocr_status = OcrStatus.PENDING
    locked.ocr_reason = ""
    _save(locked, ["ocr_status", "ocr_reason"])
    audit_event_record(actor=actor, action="mail.ocr_requested", target=locked, data={})
    from beffroi.mail.tasks import ocr_mail_item

    enqueue_on_commit(ocr_mail_item, item_id=locked.pk)
    return locked


# -- reminders -----------------------------------------------------------------------
def _reminder_line(item: MailItem, today: datetime.date) -> str:
    due = item.due_on or today
    state = (
        _("en retard depuis le %(date)s") if due < today else _("à traiter pour le %(date)s")
    ) % {"date": formats.date_format(due, "j F Y")}
    return (
        f"- {item.number} — {item.title} — {state}\n  {settings.SITE_URL}{item.get_absolute_url()}"
    )


def mail_reminders_send(*, today: datetime.date | None = None) -> int:
    """Email each agent (or service) a list of their open items due soon or late.

    Each item is reminded at most once a day (claimed by a conditional
    UPDATE, so two workers never send the same reminder). Returns how many
    items were reminded.
    """
    from beffroi.notifications.services import email_queue

    today = today or timezone.localdate()
    municipality = current_municipality()
    horizon = add_working_days(
        today,
        REMINDER_WORKING_DAYS,
        country=municipality.country,
        subdivision=municipality.subdivision,
    )
    candidates = list(
        MailItem.objects.filter(status__in=OPEN_STATUSES, due_on__lte=horizon)
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
        .select_related("assigned_to", "treating_service")
        .order_by("due_on", "id")[:2000]
    )
    by_recipient: dict[str, list[MailItem]] = {}
    for item in candidates:
        to = (item.assigned_to.email if item.assigned_to else "") or (
            item.treating_service.email if item.treating_service else ""
        )
        if not to:
            continue
        by_recipient.setdefault(to, []).append(item)
    reminded = 0
    for to, items in by_recipient.items():
        with transaction.atomic():
            mine = [
                item
                for item in items
                if MailItem.objects.filter(pk=item.pk)
                .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
                .update(reminded_on=today)
            ]
            if not mine:
                continue
            with translation.override(settings.LANGUAGE_CODE):
                lines = [_reminder_line(item, today) for item in mine]
                body = (
                    _("Bonjour,\n\nCes courriers arrivent à échéance ou sont en retard :\n\n")
                    + "\n".join(lines)
                    + _("\n\nBeffroi — registre du courrier")
                )
                subject = _("Courrier à traiter : %(count)s échéance(s)") % {"count": len(mine)}
            email_queue(to=to, subject=subject, body_text=body)
            for item in mine:
                audit_event_record(
                    actor=None,
                    action="mail.reminded",
                    target=item,
                    data={"due_on": str(item.due_on)},
                )
            reminded += len(mine)
    return reminded
