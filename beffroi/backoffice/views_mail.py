"""The mail register's screens: the mail office registers and routes, services treat."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from beffroi.audit.models import AuditEvent
from beffroi.backoffice.decorators import agent_required
from beffroi.backoffice.forms_mail import (
    MailAssignForm,
    MailBatchForm,
    MailEditForm,
    MailFilterForm,
    MailLinkCaseForm,
    MailLinkCitizenForm,
    MailLinkOrganisationForm,
    MailNoteForm,
    MailRegisterForm,
    MailReplyEditForm,
    MailReplyForm,
    MailReplySendForm,
    MailRouteForm,
    MailSendBackForm,
    MailStatusForm,
)
from beffroi.cases.models import Case
from beffroi.core.params import parse_id, parse_page
from beffroi.documents.sniff import content_type, kind_label
from beffroi.mail import services
from beffroi.mail.models import (
    Contact,
    Direction,
    DocumentType,
    MailFile,
    MailItem,
    OcrStatus,
    Status,
)
from beffroi.mail.selectors import (
    can_read_content,
    can_route,
    can_treat,
    contacts_recent,
    get_mail_item_for_agent,
    is_mail_clerk,
    mail_items_for_inbox,
    mail_items_in_copy,
    mail_search_page,
    register_years,
    user_service_ids,
)
from beffroi.municipality.models import Service

PAGE_SIZE = 50
DIRECTIONS = {"entrant": Direction.INCOMING, "sortant": Direction.OUTGOING}
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
# Files shown in the browser; any other kind is downloaded.
_INLINE_TYPES = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "txt": "text/plain; charset=utf-8",
}
_FILE_CSP = (
    "default-src 'none'; object-src 'self'; img-src 'self' data:; "
    "style-src 'unsafe-inline'; frame-ancestors 'self'"
)


# -- helpers ------------------------------------------------------------------------
def _clerk_only(request: HttpRequest) -> None:
    if not is_mail_clerk(request.user):
        raise PermissionDenied("Only the mail office registers mail.")


def _apply(form: forms.Form, error: services.MailError) -> None:
    """Put a service's refusal next to its field (or on top of the form)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def _current_version(form: forms.Form, item: MailItem) -> None:
    """After a conflict, the next submit acts on the item as it is now."""
    if "lock_version" in form.fields and isinstance(form.data, QueryDict):
        data = form.data.copy()
        data[form.add_prefix("lock_version")] = str(item.lock_version)
        form.data = data


def _contact_from(data: dict[str, Any], *, actor: Any) -> Contact | None:
    name, email = data.get("sender") or "", data.get("sender_email") or ""
    if not (name or email):
        return None
    kind = Contact.Kind.ORGANISATION if data.get("sender_is_organisation") else Contact.Kind.PERSON
    return services.contact_find_or_create(actor=actor, name=name, email=email, kind=kind)


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
    rows = []
    for mail_file in item.files.select_related("stored").order_by("id"):
        rows.append(
            {
                "file": mail_file,
                "kind": kind_label(mail_file.stored.kind),
                "size_kb": max(1, round(mail_file.stored.size / 1024)),
                "url": reverse("backoffice:mail_file", args=[item.pk, mail_file.pk]),
            }
        )
    return rows


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


def _item_page(
    request: HttpRequest,
    item: MailItem,
    bound: dict[str, forms.Form] | None = None,
) -> HttpResponse:
    """The item page with its forms; ``bound`` replaces one that failed, as typed."""
    user = request.user
    bound = bound or {}
    routable = can_route(user, item)
    treatable = can_treat(user, item)
    readable = can_read_content(user, item)
    version = item.lock_version
    context: dict[str, Any] = {
        "nav": "mail",
        "item": item,
        "can_route": routable,
        "can_treat": treatable,
        "can_read": readable,
        "is_clerk": is_mail_clerk(user),
        "copies": list(item.copies.all()),
        "replies": list(item.replies.order_by("id")) if item.is_incoming else [],
        "history": _history(item),
        "ocr_retry": routable
        and item.ocr_status in (OcrStatus.NOT_AVAILABLE, OcrStatus.FAILED, OcrStatus.DONE),
    }
    if readable:
        context["files"] = _files(item)
        context["notes"] = list(item.notes.select_related("author"))
        context["note_form"] = bound.get("note") or MailNoteForm(prefix="note")
    if routable:
        suggestion = _suggestion(item)
        context["suggestion"] = suggestion
        context["contacts"] = contacts_recent()
        context["edit_form"] = bound.get("edit") or MailEditForm(
            prefix="edit", initial=MailEditForm.initial_for(item)
        )
        initial_service = item.treating_service_id or (
            suggestion["service"].pk if suggestion else None
        )
        initial_type = item.document_type_id or (
            suggestion["document_type"].pk if suggestion and suggestion["document_type"] else None
        )
        context["route_form"] = bound.get("route") or MailRouteForm(
            prefix="route",
            initial={
                "service": initial_service,
                "copies": [copy.pk for copy in context["copies"]],
                "document_type": initial_type,
                "lock_version": version,
            },
        )
    if treatable and item.is_incoming:
        context["assign_form"] = bound.get("assign") or MailAssignForm(
            prefix="assign",
            service_id=item.treating_service_id,
            initial={"agent": item.assigned_to_id, "lock_version": version},
        )
        context["status_form"] = bound.get("status") or MailStatusForm(
            prefix="status",
            initial={
                "status": item.status if item.status != Status.TO_ROUTE else Status.ROUTED,
                "lock_version": version,
            },
        )
        context["reply_form"] = bound.get("reply") or MailReplyForm(prefix="reply")
        context["send_back_form"] = bound.get("send_back") or MailSendBackForm(
            prefix="back", initial={"lock_version": version}
        )
        context["case_form"] = bound.get("case") or MailLinkCaseForm(
            prefix="case", initial={"reference": item.case.reference if item.case else ""}
        )
        context["citizen_form"] = bound.get("citizen") or MailLinkCitizenForm(
            prefix="citizen", initial={"citizen": item.citizen.email if item.citizen else ""}
        )
        context["organisation_form"] = bound.get("organisation") or MailLinkOrganisationForm(
            prefix="organisation",
            initial={
                "enterprise_number": item.organisation.enterprise_number
                if item.organisation
                else ""
            },
        )
    if treatable and not item.is_incoming and item.status == Status.DRAFT:
        context["reply_edit_form"] = bound.get("reply_edit") or MailReplyEditForm(
            prefix="letter",
            initial={"subject": item.subject, "body": item.body, "lock_version": version},
        )
        context["reply_send_form"] = bound.get("reply_send") or MailReplySendForm(
            prefix="send",
            initial={
                "method": "email" if item.recipient and item.recipient.email else "print",
                "email": item.recipient.email if item.recipient else "",
            },
        )
    context["has_errors"] = any(form.errors for form in bound.values())
    services.mail_item_viewed(actor=user, item=item)
    return render(request, "backoffice/mail/item.html", context)


def _act(request: HttpRequest, pk: int, *, need: str) -> MailItem:
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


def _done(item: MailItem, message: str, request: HttpRequest) -> HttpResponse:
    messages.success(request, message)
    return redirect("backoffice:mail_item", pk=item.pk)


def _form_action(
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
            _apply(form, error)
            if versioned:
                item = get_mail_item_for_agent(request.user, item.pk)
                _current_version(form, item)
        else:
            return _done(result, message, request)
    return _item_page(request, item, {key: form})


# -- lists ---------------------------------------------------------------------------
@require_GET
@agent_required
def mail_home(request: HttpRequest) -> HttpResponse:
    """The services' mail: what to treat (due first), what came in copy."""
    user = request.user
    memberships = Service.objects.filter(pk__in=user_service_ids(user)).order_by("name")
    service_id = request.GET.get("service")
    chosen = None
    if (wanted := parse_id(service_id)) is not None:
        chosen = next((s for s in memberships if s.pk == wanted), None)
    inbox = mail_items_for_inbox(
        user, service_ids=[chosen.pk] if chosen else None, include_to_route=False
    )
    to_route = MailItem.objects.filter(status=Status.TO_ROUTE).count() if is_mail_clerk(user) else 0
    return render(
        request,
        "backoffice/mail/home.html",
        {
            "nav": "mail",
            "inbox": list(inbox[:200]),
            "copies": mail_items_in_copy(user, limit=20),
            "services": memberships,
            "chosen": chosen,
            "is_clerk": is_mail_clerk(user),
            "to_route": to_route,
            "today": timezone.localdate(),
        },
    )


@require_GET
@agent_required
def mail_register_list(request: HttpRequest, direction: str) -> HttpResponse:
    """The incoming or outgoing register, by year, with filters and full-text search."""
    if direction not in DIRECTIONS:
        raise Http404("No such register.")
    value = DIRECTIONS[direction]
    outgoing = value == Direction.OUTGOING
    years = register_years(direction=value) or [timezone.localdate().year]
    data = request.GET.copy()
    if not data:
        data["year"] = str(timezone.localdate().year)
    form = MailFilterForm(data, years=years, outgoing=outgoing)
    form.is_valid()
    filters = {name: value for name, value in form.cleaned_data.items() if name not in form.errors}
    page = parse_page(request.GET.get("page"))
    rows, has_next = mail_search_page(
        user=request.user,
        page=page,
        per_page=PAGE_SIZE,
        query=filters.get("q") or "",
        direction=value,
        year=filters.get("year"),
        service_id=filters["service"].pk if filters.get("service") else None,
        status=filters.get("status") or None,
        document_type_id=filters["document_type"].pk if filters.get("document_type") else None,
        channel=filters.get("channel") or None,
        received_from=filters.get("received_from"),
        received_to=filters.get("received_to"),
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "backoffice/mail/register.html",
        {
            "nav": "mail",
            "direction": direction,
            "outgoing": outgoing,
            "form": form,
            "items": rows,
            "page": page,
            "has_next": has_next,
            "query": query.urlencode(),
            "searched": bool(filters.get("q")),
            "is_clerk": is_mail_clerk(request.user),
        },
    )


# -- registering ----------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@agent_required
def mail_register_new(request: HttpRequest) -> HttpResponse:
    """Register one item fast; the form comes back empty for the next one."""
    _clerk_only(request)
    if request.method == "POST":
        form = MailRegisterForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = services.mail_register(
                    actor=request.user,
                    channel=data["channel"],
                    subject=data["subject"],
                    received_on=data["received_on"],
                    sender=_contact_from(data, actor=request.user),
                    document_type=data["document_type"],
                    confidentiality=data["confidentiality"],
                    pages=data["pages"],
                    files=data["documents"],
                    text=data["text"],
                )
            except services.MailError as error:
                _apply(form, error)
            else:
                messages.success(
                    request,
                    _("Courrier enregistré sous le numéro %(number)s.") % {"number": item.number},
                )
                if "open" in request.POST:
                    return redirect("backoffice:mail_item", pk=item.pk)
                return redirect(f"{reverse('backoffice:mail_register_new')}?dernier={item.pk}")
    else:
        form = MailRegisterForm()
    last = None
    last_id = request.GET.get("dernier", "")
    if (last_pk := parse_id(last_id)) is not None:
        last = MailItem.objects.filter(pk=last_pk).first()
    return render(
        request,
        "backoffice/mail/register_new.html",
        {
            "nav": "mail",
            "form": form,
            "contacts": contacts_recent(),
            "last": last,
            "files_posted": bool(request.FILES) and bool(form.errors),
        },
    )


@require_http_methods(["GET", "POST"])
@agent_required
def mail_batch(request: HttpRequest) -> HttpResponse:
    """Drop a day's scans: each file becomes an item, numbered in order."""
    _clerk_only(request)
    result = None
    if request.method == "POST":
        form = MailBatchForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = services.mail_register_batch(
                    actor=request.user,
                    files=data["scans"],
                    received_on=data["received_on"],
                    document_type=data["document_type"],
                    confidentiality=data["confidentiality"],
                )
            except services.MailError as error:
                _apply(form, error)
            else:
                form = MailBatchForm(initial={"received_on": data["received_on"]})
    else:
        form = MailBatchForm()
    return render(
        request,
        "backoffice/mail/batch.html",
        {
            "nav": "mail",
            "form": form,
            "result": result,
            "files_posted": bool(request.FILES) and bool(form.errors),
        },
    )


# -- the item -------------------------------------------------------------------------
@require_GET
@agent_required
def mail_item(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_mail_item_for_agent(request.user, pk)
    return _item_page(request, item)


@require_GET
@agent_required
def mail_file(request: HttpRequest, pk: int, file_id: int) -> FileResponse:
    """A file of the item, streamed to an agent who may read it (never a public URL)."""
    item = _act(request, pk, need="read")
    mail_file = get_object_or_404(MailFile.objects.select_related("stored"), pk=file_id, item=item)
    stored = mail_file.stored
    inline = stored.kind in _INLINE_TYPES
    response = FileResponse(
        default_storage.open(stored.storage_name, "rb"),
        as_attachment=not inline,
        filename=mail_file.filename,
        content_type=_INLINE_TYPES.get(stored.kind) or content_type(stored.kind),
    )
    response["Content-Length"] = str(stored.size)
    response["Content-Security-Policy"] = _FILE_CSP
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
@agent_required
def mail_print(request: HttpRequest, pk: int) -> HttpResponse:
    """An outgoing letter as a page to print."""
    item = _act(request, pk, need="read")
    if item.is_incoming:
        raise Http404("Only outgoing letters are printed.")
    return render(
        request, "backoffice/mail/print.html", {"nav": "mail", **services.letter_context(item)}
    )


@require_POST
@agent_required
def mail_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _act(request, pk, need="route")
    return _form_action(
        request,
        item,
        MailEditForm(request.POST, prefix="edit"),
        key="edit",
        message=_("L’enregistrement est corrigé."),
        call=lambda data: services.mail_update(
            actor=request.user,
            item=item,
            expected_version=data["lock_version"],
            subject=data["subject"],
            sender=_contact_from(data, actor=request.user),
            document_type=data["document_type"],
            confidentiality=data["confidentiality"],
            channel=data["channel"],
            received_on=data["received_on"],
            pages=data["pages"],
        ),
    )


@require_POST
@agent_required
def mail_route(request: HttpRequest, pk: int) -> HttpResponse:
    item = _act(request, pk, need="route")
    form = MailRouteForm(request.POST, prefix="route")
    if form.is_valid():
        data = form.cleaned_data
        try:
            item = services.mail_route(
                actor=request.user,
                item=item,
                service=data["service"],
                copies=list(data["copies"]),
                document_type=data["document_type"],
                expected_version=data["lock_version"],
            )
        except services.MailError as error:
            _apply(form, error)
            item = get_mail_item_for_agent(request.user, pk)
            _current_version(form, item)
        else:
            return _routed(request, item)
    return _item_page(request, item, {"route": form})


def _routed(request: HttpRequest, item: MailItem) -> HttpResponse:
    service = item.treating_service
    messages.success(
        request,
        _("%(number)s est ventilé vers %(service)s.")
        % {"number": item.number, "service": service.name if service else "—"},
    )
    if is_mail_clerk(request.user):
        following = (
            MailItem.objects.filter(status=Status.TO_ROUTE).order_by("registered_at", "id").first()
        )
        if following is not None:
            # The mail office goes straight on with the next item to route.
            return redirect("backoffice:mail_item", pk=following.pk)
        return redirect("backoffice:mail_register_list", direction="entrant")
    return redirect("backoffice:mail_item", pk=item.pk)


@require_POST
@agent_required
def mail_route_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """The one click: route as Beffroi suggests."""
    item = _act(request, pk, need="route")
    version = parse_id(request.POST.get("lock_version"))
    if version is None:
        version = item.lock_version
    try:
        item = services.mail_route_accept(actor=request.user, item=item, expected_version=version)
    except services.MailError as error:
        messages.error(request, error.message)
        return redirect("backoffice:mail_item", pk=pk)
    return _routed(request, item)


@require_POST
@agent_required
def mail_send_back(request: HttpRequest, pk: int) -> HttpResponse:
    item = _act(request, pk, need="treat")
    form = MailSendBackForm(request.POST, prefix="back")
    if form.is_valid():
        try:
            services.mail_send_back(
                actor=request.user,
                item=item,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["lock_version"],
            )
        except services.MailError as error:
            _apply(form, error)
            item = get_mail_item_for_agent(request.user, pk)
            _current_version(form, item)
        else:
            messages.success(request, _("Le courrier est renvoyé au service courrier."))
            return redirect("backoffice:mail_home")
    return _item_page(request, item, {"send_back": form})


@require_POST
@agent_required
def mail_assign(request: HttpRequest, pk: int) -> HttpResponse:
    item = _act(request, pk, need="treat")
    return _form_action(
        request,
        item,
        MailAssignForm(request.POST, prefix="assign", service_id=item.treating_service_id),
        key="assign",
        message=_("L’attribution est enregistrée."),
        call=lambda data: services.mail_assign(
            actor=request.user,
            item=item,
            agent=data["agent"],
            expected_version=data["lock_version"],
        ),
    )


@require_POST
@agent_required
def mail_status(request: HttpRequest, pk: int) -> HttpResponse:
    item = _act(request, pk, need="treat")
    return _form_action(
        request,
        item,
        MailStatusForm(request.POST, prefix="status"),
        key="status",
        message=_("Le statut est enregistré."),
        call=lambda data: services.mail_status_set(
            actor=request.user,
            item=item,
            status=data["status"],
            expected_version=data["lock_version"],
        ),
    )


@require_POST
@agent_required
def mail_note(request: HttpRequest, pk: int) -> HttpResponse:
    item = _act(request, pk, need="read")

    def add(data: dict[str, Any]) -> MailItem:
        services.mail_note_add(actor=request.user, item=item, text=data["text"])
        return item

    return _form_action(
        request,
        item,
        MailNoteForm(request.POST, prefix="note"),
        key="note",
        message=_("La note est ajoutée."),
        call=add,
        versioned=False,
    )


@require_POST
@agent_required
def mail_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """Draft a reply from a template: it opens as an outgoing item to edit and send."""
    item = _act(request, pk, need="treat")
    form = MailReplyForm(request.POST, prefix="reply")
    if form.is_valid():
        try:
            reply = services.mail_reply_draft(
                actor=request.user, item=item, template=form.cleaned_data["template"]
            )
        except services.MailError as error:
            _apply(form, error)
        else:
            messages.success(
                request,
                _("Réponse %(number)s préparée : relisez-la, puis envoyez-la.")
                % {"number": reply.number},
            )
            return redirect("backoffice:mail_item", pk=reply.pk)
    return _item_page(request, item, {"reply": form})


@require_POST
@agent_required
def mail_reply_edit(request: HttpRequest, pk: int) -> HttpResponse:
    reply = _act(request, pk, need="treat")
    return _form_action(
        request,
        reply,
        MailReplyEditForm(request.POST, prefix="letter"),
        key="reply_edit",
        message=_("La réponse est enregistrée."),
        call=lambda data: services.mail_reply_update(
            actor=request.user,
            reply=reply,
            subject=data["subject"],
            body=data["body"],
            expected_version=data["lock_version"],
        ),
    )


@require_POST
@agent_required
def mail_reply_send(request: HttpRequest, pk: int) -> HttpResponse:
    reply = _act(request, pk, need="treat")
    form = MailReplySendForm(request.POST, prefix="send")
    if form.is_valid():
        try:
            reply = services.mail_reply_send(
                actor=request.user,
                reply=reply,
                method=form.cleaned_data["method"],
                email=form.cleaned_data["email"],
            )
        except services.MailError as error:
            _apply(form, error)
        else:
            if reply.send_method == "print":
                messages.success(request, _("Réponse enregistrée : imprimez-la et postez-la."))
                return redirect("backoffice:mail_print", pk=reply.pk)
            return _done(reply, _("La réponse est envoyée par courriel."), request)
    return _item_page(request, reply, {"reply_send": form})


@require_POST
@agent_required
def mail_link_case(request: HttpRequest, pk: int) -> HttpResponse:
    item = _act(request, pk, need="treat")
    form = MailLinkCaseForm(request.POST, prefix="case")
    if form.is_valid():
        reference = form.cleaned_data["reference"].strip().upper()
        case = None
        if reference:
            case = Case.objects.filter(reference=reference).select_related("service").first()
            # A case of another service stays out of reach, as if it did not exist.
            if case is None or not (
                is_mail_clerk(request.user) or case.service_id in user_service_ids(request.user)
            ):
                form.add_error(
                    "reference", _("Aucune demande de vos services ne porte cette référence.")
                )
                return _item_page(request, item, {"case": form})
        item = services.mail_link_case(actor=request.user, item=item, case=case)
        return _done(item, _("Le lien avec la demande est enregistré."), request)
    return _item_page(request, item, {"case": form})


@require_POST
@agent_required
def mail_link_citizen(request: HttpRequest, pk: int) -> HttpResponse:
    item = _act(request, pk, need="treat")
    form = MailLinkCitizenForm(request.POST, prefix="citizen")
    if form.is_valid():
        item = services.mail_link_citizen(
            actor=request.user, item=item, citizen=form.cleaned_data["citizen"]
        )
        return _done(item, _("Le lien avec le citoyen est enregistré."), request)
    return _item_page(request, item, {"citizen": form})


@require_POST
@agent_required
def mail_link_organisation(request: HttpRequest, pk: int) -> HttpResponse:
    item = _act(request, pk, need="treat")
    form = MailLinkOrganisationForm(request.POST, prefix="organisation")
    if form.is_valid():
        item = services.mail_link_organisation(
            actor=request.user, item=item, organisation=form.cleaned_data["enterprise_number"]
        )
        return _done(item, _("Le lien avec l’organisation est enregistré."), request)
    return _item_page(request, item, {"organisation": form})


@require_POST
@agent_required
def mail_ocr_retry(request: HttpRequest, pk: int) -> HttpResponse:
    item = _act(request, pk, need="route")
    try:
        item = services.mail_ocr_retry(actor=request.user, item=item)
    except services.MailError as error:
        messages.error(request, error.message)
        return redirect("backoffice:mail_item", pk=pk)
    return _done(
        item, _("L’OCR est relancée : le texte sera indexé dans quelques instants."), request
    )
