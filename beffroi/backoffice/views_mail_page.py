"""A mail item's page, and the shape every action on it shares.

The page is built from one context per role: what anyone who sees the item
reads, what the mail office (or the treating service) uses to route it, and
what the treating service uses to treat or answer it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from beffroi.audit.models import AuditEvent
from beffroi.backoffice.forms_mail import (
    MailAssignForm,
    MailEditForm,
    MailLinkCaseForm,
    MailLinkCitizenForm,
    MailLinkOrganisationForm,
    MailNoteForm,
    MailReplyEditForm,
    MailReplyForm,
    MailReplySendForm,
    MailRouteForm,
    MailSendBackForm,
    MailStatusForm,
)
from beffroi.documents.sniff import kind_label
from beffroi.mail import services
from beffroi.mail.models import DocumentType, MailItem, OcrStatus, Status
from beffroi.mail.selectors import (
    can_read_content,
    can_route,
    can_see,
    can_treat,
    contacts_recent,
    get_mail_item_for_agent,
    is_mail_clerk,
    replies_visible,
)
from beffroi.municipality.models import Service

# What the journal's actions mean, for the item's history.
HISTORY_LABELS = {
    "mail.registered": "Enregistré",
    "mail.updated": "Enregistrement corrigé",
    "mail.routed": "Ventilé",
    "mail.sent_back": "Renvoyé au service courrier",
    "mail.assigned": "Attribué",
    "mail.status_changed": "Statut changé",
    "mail.note_added": "Note ajoutée",
    "mail.case_linked": "Lié à une demande",
    "mail.citizen_linked": "Lié à un citoyen",
    "mail.reply_drafted": "Réponse préparée",
    "mail.reply_updated": "Réponse modifiée",
    "mail.reply_sent": "Réponse envoyée",
    "mail.ocr_done": "OCR effectuée",
    "mail.ocr_failed": "OCR en échec",
    "mail.ocr_unavailable": "OCR non disponible",
    "mail.ocr_requested": "OCR relancée",
    "mail.reminded": "Rappel envoyé",
}
# Seconds between two loads of a page whose OCR is still running.
OCR_REFRESH_SECONDS = 5
Bound = dict[str, forms.Form]


# -- where the agent came from ---------------------------------------------------
def safe_next(request: HttpRequest) -> str:
    """The page the agent came from (``next``), if it is one of ours; else ""."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return ""


def item_url(item: MailItem, request: HttpRequest) -> str:
    """The item's page, remembering the list the agent came from."""
    url = reverse("backoffice:mail_item", args=[item.pk])
    back = safe_next(request)
    if back:
        query = QueryDict(mutable=True)
        query["next"] = back
        url = f"{url}?{query.urlencode()}"
    return url


# -- the parts of the page ---------------------------------------------------------
def _history(item: MailItem) -> list[dict[str, Any]]:
    events = (
        AuditEvent.objects.for_object("mail.mailitem", item.pk)
        .select_related("actor")
        .order_by("id")
    )
    return [
        {
            "at": event.occurred_at,
            "label": HISTORY_LABELS.get(event.action, event.action),
            "actor": event.actor,
        }
        for event in events
    ]


def _files(item: MailItem) -> list[dict[str, Any]]:
    return [
        {
            "file": mail_file,
            "kind": kind_label(mail_file.stored.kind),
            "url": reverse("backoffice:mail_file", args=[item.pk, mail_file.pk]),
        }
        for mail_file in item.files.select_related("stored").order_by("id")
    ]


def _suggestion(item: MailItem) -> dict[str, Any] | None:
    suggestion = services.mail_suggestion(item)
    if suggestion is None or suggestion.service_id is None:
        return None
    service = Service.objects.filter(pk=suggestion.service_id).first()
    document_type = (
        DocumentType.objects.filter(pk=suggestion.type_id).first() if suggestion.type_id else None
    )
    if service is None:
        return None
    return {"suggestion": suggestion, "service": service, "document_type": document_type}


def _reading_context(user: Any, item: MailItem, bound: Bound) -> dict[str, Any]:
    """What anyone who sees the item reads (its content only if they may)."""
    ocr_pending = item.ocr_status in (OcrStatus.PENDING, OcrStatus.RUNNING)
    context: dict[str, Any] = {
        "nav": "mail",
        "item": item,
        "can_read": can_read_content(user, item),
        "is_clerk": is_mail_clerk(user),
        "copies": list(item.copies.all()),
        "replies": replies_visible(user, item) if item.is_incoming else [],
        "in_reply_to": item.in_reply_to
        if item.in_reply_to is not None and can_see(user, item.in_reply_to)
        else None,
        "history": _history(item),
        "ocr_pending": ocr_pending,
        "ocr_refresh_seconds": OCR_REFRESH_SECONDS,
    }
    if context["can_read"]:
        context["files"] = _files(item)
        context["notes"] = list(item.notes.select_related("author"))
        context["note_form"] = bound.get("note") or MailNoteForm(prefix="note")
    return context


def _routing_context(item: MailItem, bound: Bound, copies: list[Service]) -> dict[str, Any]:
    suggestion = _suggestion(item)
    initial_service = item.treating_service_id or (suggestion["service"].pk if suggestion else None)
    initial_type = item.document_type_id or (
        suggestion["document_type"].pk if suggestion and suggestion["document_type"] else None
    )
    return {
        "suggestion": suggestion,
        "contacts": contacts_recent(),
        "ocr_retry": item.ocr_status in (OcrStatus.NOT_AVAILABLE, OcrStatus.FAILED, OcrStatus.DONE),
        "edit_form": bound.get("edit")
        or MailEditForm(prefix="edit", initial=MailEditForm.initial_for(item)),
        "route_form": bound.get("route")
        or MailRouteForm(
            prefix="route",
            initial={
                "service": initial_service,
                "copies": [copy.pk for copy in copies],
                "document_type": initial_type,
                "lock_version": item.lock_version,
            },
        ),
    }


def _treating_context(item: MailItem, bound: Bound) -> dict[str, Any]:
    version = item.lock_version
    status = item.status if item.status != Status.TO_ROUTE else Status.ROUTED
    organisation = item.organisation.enterprise_number if item.organisation else ""
    return {
        "assign_form": bound.get("assign")
        or MailAssignForm(
            prefix="assign",
            service_id=item.treating_service_id,
            initial={"agent": item.assigned_to_id, "lock_version": version},
        ),
        "status_form": bound.get("status")
        or MailStatusForm(prefix="status", initial={"status": status, "lock_version": version}),
        "reply_form": bound.get("reply") or MailReplyForm(prefix="reply"),
        "send_back_form": bound.get("send_back")
        or MailSendBackForm(prefix="back", initial={"lock_version": version}),
        "case_form": bound.get("case")
        or MailLinkCaseForm(
            prefix="case", initial={"reference": item.case.reference if item.case else ""}
        ),
        "citizen_form": bound.get("citizen")
        or MailLinkCitizenForm(
            prefix="citizen", initial={"citizen": item.citizen.email if item.citizen else ""}
        ),
        "organisation_form": bound.get("organisation")
        or MailLinkOrganisationForm(
            prefix="organisation", initial={"enterprise_number": organisation}
        ),
    }


def _draft_context(item: MailItem, bound: Bound) -> dict[str, Any]:
    recipient_email = item.recipient.email if item.recipient else ""
    return {
        "reply_edit_form": bound.get("reply_edit")
        or MailReplyEditForm(
            prefix="letter",
            initial={"subject": item.subject, "body": item.body, "lock_version": item.lock_version},
        ),
        "reply_send_form": bound.get("reply_send")
        or MailReplySendForm(
            prefix="send",
            initial={
                "method": "email" if recipient_email else "print",
                "email": recipient_email,
            },
        ),
    }


def item_page(request: HttpRequest, item: MailItem, bound: Bound | None = None) -> HttpResponse:
    """The item page with its forms; ``bound`` replaces one that failed, as typed."""
    user = request.user
    bound = bound or {}
    context = _reading_context(user, item, bound)
    context["can_route"] = can_route(user, item)
    context["can_treat"] = can_treat(user, item)
    context["next"] = safe_next(request)
    # A page shown again after a refused POST is not reloaded: that would
    # lose what the agent typed.
    context["ocr_refresh"] = context["ocr_pending"] and request.method == "GET"
    context["ocr_reload_url"] = item_url(item, request)
    if context["can_route"]:
        context.update(_routing_context(item, bound, context["copies"]))
    if context["can_treat"] and item.is_incoming:
        context.update(_treating_context(item, bound))
    if context["can_treat"] and not item.is_incoming and item.status == Status.DRAFT:
        context.update(_draft_context(item, bound))
    context["has_errors"] = any(form.errors for form in bound.values())
    services.mail_item_viewed(actor=user, item=item)
    return render(request, "backoffice/mail/item.html", context)


# -- acting on the item ---------------------------------------------------------------
def act_on(request: HttpRequest, pk: int, *, need: str) -> MailItem:
    """The item for a POST, if the agent may act on it in this way ("route", "treat", "read")."""
    item = get_mail_item_for_agent(request.user, pk, write=need != "read")
    allowed = {
        "route": can_route(request.user, item),
        "treat": can_treat(request.user, item),
        "read": can_read_content(request.user, item),
    }[need]
    if not allowed:
        raise PermissionDenied("Not allowed on this mail item.")
    return item


def apply_error(form: forms.Form, error: services.MailError) -> None:
    """Put a service's refusal next to its field (or on top of the form)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def current_version(form: forms.Form, item: MailItem) -> None:
    """After a conflict, the next submit acts on the item as it is now."""
    if "lock_version" in form.fields and isinstance(form.data, QueryDict):
        data = form.data.copy()
        data[form.add_prefix("lock_version")] = str(item.lock_version)
        form.data = data


def refused(request: HttpRequest, form: forms.Form, pk: int, error: services.MailError) -> MailItem:
    """Show a refusal on ``form``; return the item as it is now, for the page shown again."""
    apply_error(form, error)
    item = get_mail_item_for_agent(request.user, pk)
    current_version(form, item)
    return item


def done(item: MailItem, message: str, request: HttpRequest) -> HttpResponse:
    messages.success(request, message)
    return redirect(item_url(item, request))


def form_action(
    request: HttpRequest,
    item: MailItem,
    form: forms.Form,
    *,
    key: str,
    call: Callable[[dict[str, Any]], MailItem],
    message: str,
    versioned: bool = True,
) -> HttpResponse:
    """The shape of every action on an item's page: a valid form makes one
    service call and goes back to the item; a refusal shows the page again
    with the message next to the form and what was typed (and, when the item
    changed meanwhile, its current version, so the next try can succeed)."""
    if form.is_valid():
        try:
            result = call(form.cleaned_data)
        except services.MailError as error:
            if versioned:
                item = refused(request, form, item.pk, error)
            else:
                apply_error(form, error)
        else:
            return done(result, message, request)
    return item_page(request, item, {key: form})
