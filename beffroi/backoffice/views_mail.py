"""The mail register's screens: the mail office registers, services find their mail.

An item's page is built in ``views_mail_page``; the actions on it are in
``views_mail_actions``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from beffroi.backoffice.decorators import agent_required
from beffroi.backoffice.forms_mail import MailBatchForm, MailFilterForm, MailRegisterForm
from beffroi.backoffice.views_mail_actions import contact_from
from beffroi.backoffice.views_mail_page import act_on, apply_error, item_page
from beffroi.core.params import parse_id, parse_page
from beffroi.documents.sniff import content_type
from beffroi.mail import services
from beffroi.mail.models import Direction, MailFile, MailItem
from beffroi.mail.selectors import (
    contacts_recent,
    get_mail_item_for_agent,
    is_mail_clerk,
    mail_items_for_inbox,
    mail_items_in_copy,
    mail_items_to_route_count,
    mail_search_page,
    register_years,
    user_service_ids,
)
from beffroi.municipality.models import Service

PAGE_SIZE = 50
DIRECTIONS = {"entrant": Direction.INCOMING, "sortant": Direction.OUTGOING}
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


def _clerk_only(request: HttpRequest) -> None:
    if not is_mail_clerk(request.user):
        raise PermissionDenied("Only the mail office registers mail.")


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
    to_route = mail_items_to_route_count() if is_mail_clerk(user) else 0
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


def _last_registered(request: HttpRequest, pk: int) -> MailItem | None:
    """The item just registered, to route next; nothing if the address names no such item."""
    try:
        return get_mail_item_for_agent(request.user, pk)
    except (Http404, PermissionDenied):
        return None


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
                    sender=contact_from(data, actor=request.user),
                    document_type=data["document_type"],
                    confidentiality=data["confidentiality"],
                    pages=data["pages"],
                    files=data["documents"],
                    text=data["text"],
                )
            except services.MailError as error:
                apply_error(form, error)
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
        last = _last_registered(request, last_pk)
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
                apply_error(form, error)
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
    return item_page(request, item)


@require_GET
@agent_required
def mail_file(request: HttpRequest, pk: int, file_id: int) -> FileResponse:
    """A file of the item, streamed to an agent who may read it (never a public URL)."""
    item = act_on(request, pk, need="read")
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
    item = act_on(request, pk, need="read")
    if item.is_incoming:
        raise Http404("Only outgoing letters are printed.")
    return render(
        request, "backoffice/mail/print.html", {"nav": "mail", **services.letter_context(item)}
    )
