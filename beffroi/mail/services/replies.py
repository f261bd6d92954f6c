"""Replies: an outgoing item drafted from a template, then emailed or printed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from beffroi.audit.services import audit_event_record
from beffroi.documents.services import file_store
from beffroi.mail.models import (
    OPEN_STATUSES,
    Channel,
    Contact,
    Direction,
    MailFile,
    MailItem,
    ReplyTemplate,
    Status,
)
from beffroi.mail.services.common import (
    SEARCH_FIELDS,
    MailError,
    locked_item,
    refresh_search,
    save_item,
)
from beffroi.mail.services.register import Registration, register_line
from beffroi.municipality.selectors import current_municipality
from beffroi.notifications.services import email_queue

# A reply template sees plain strings only, never model instances.
_TEMPLATES = Engine(
    loaders=[("django.template.loaders.locmem.Loader", {})], libraries={}, autoescape=False
)


def salutation_for(contact: Contact | None) -> str:
    """How a letter opens: the person by name when known, else the neutral form."""
    if contact is not None and contact.kind == Contact.Kind.PERSON and contact.name.strip():
        return _("Bonjour %(name)s") % {"name": contact.name.strip()}
    return _("Madame, Monsieur")


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
        "salutation": salutation_for(contact),
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
    line = Registration(
        direction=Direction.OUTGOING,
        channel=Channel.EMAIL if recipient is not None and recipient.email else Channel.PAPER,
        subject=subject,
        recipient=recipient,
        confidentiality=item.confidentiality,
        citizen=item.citizen,
        case=item.case,
        treating_service=item.treating_service,
        in_reply_to=item,
        status=Status.DRAFT,
        body=body,
    )
    reply = register_line(actor=actor, line=line)
    locked = locked_item(item, None)
    if locked.status == Status.ROUTED:
        locked.status = Status.IN_TREATMENT
        save_item(locked, ["status"])
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
    locked = locked_item(reply, expected_version)
    if locked.status != Status.DRAFT:
        raise MailError(_("Cette réponse est déjà envoyée : elle ne change plus."))
    if not subject.strip():
        raise MailError(_("Indiquez l’objet de la réponse."), field="subject")
    if not body.strip():
        raise MailError(_("Écrivez le texte de la réponse."), field="body")
    locked.subject = " ".join(subject.split())[:300]
    locked.body = body.strip()
    refresh_search(locked)
    save_item(locked, ["subject", "body", *SEARCH_FIELDS])
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
    # WeasyPrint takes a while to load: only the processes that print pay for it.
    from weasyprint import HTML

    html = render_to_string("mail/letter.html", letter_context(reply))
    return bytes(HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf())


def _recipient_email(locked: MailItem, method: str, email: str) -> str:
    if method not in {"email", "print"}:
        raise MailError(_("Choisissez comment envoyer la réponse."), field="method")
    if locked.direction != Direction.OUTGOING or locked.status != Status.DRAFT:
        raise MailError(_("Cette réponse est déjà envoyée."))
    to = (email or (locked.recipient.email if locked.recipient else "")).strip()
    if method == "email" and not to:
        raise MailError(
            _("Indiquez l’adresse e-mail du destinataire, ou choisissez l’envoi imprimé."),
            field="email",
        )
    return to


@transaction.atomic
def mail_reply_send(*, actor: Any, reply: MailItem, method: str, email: str = "") -> MailItem:
    """Send a drafted reply by email, or mark it to be printed and posted.

    The letter is kept as a PDF original of the outgoing item, with its
    SHA-256; the incoming item becomes "answered".
    """
    locked = locked_item(reply, None)
    to = _recipient_email(locked, method, email)
    locked.sent_at = timezone.now()
    locked.status = Status.SENT
    locked.send_method = method
    locked.channel = Channel.EMAIL if method == "email" else Channel.PAPER
    pdf = _letter_pdf(locked)
    save_item(locked, ["sent_at", "status", "send_method", "channel"])
    stored = file_store(content=pdf, kind="pdf")
    MailFile.objects.get_or_create(
        item=locked,
        stored=stored,
        role=MailFile.Role.ORIGINAL,
        defaults={"filename": f"{locked.number}.pdf"},
    )
    if method == "email":
        email_queue(
            to=to,
            subject=f"{locked.subject} ({locked.number})",
            body_text=f"{locked.body}\n\n— {locked.number}",
            case_id=locked.case_id,
        )
    incoming = locked.in_reply_to
    if incoming is not None and incoming.status in (*OPEN_STATUSES, Status.TO_ROUTE):
        incoming_locked = locked_item(incoming, None)
        incoming_locked.status = Status.ANSWERED
        save_item(incoming_locked, ["status"])
    audit_event_record(
        actor=actor,
        action="mail.reply_sent",
        target=locked,
        data={"method": method, "sha256": stored.sha256},
    )
    return locked
