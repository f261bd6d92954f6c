"""What agents do on a mail item's page: each action is one service call."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beffroi.backoffice.decorators import agent_required
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
from beffroi.backoffice.views_mail_page import (
    act_on,
    apply_error,
    done,
    form_action,
    item_page,
    item_url,
    refused,
    safe_next,
)
from beffroi.cases.models import Case
from beffroi.cases.selectors import get_case_for_agent
from beffroi.core.params import parse_id
from beffroi.mail import services
from beffroi.mail.models import Contact, MailItem


def contact_from(data: dict[str, Any], *, actor: Any) -> Contact | None:
    """The sender typed in a form, found in the directory or added to it."""
    name, email = data.get("sender") or "", data.get("sender_email") or ""
    if not (name or email):
        return None
    kind = Contact.Kind.ORGANISATION if data.get("sender_is_organisation") else Contact.Kind.PERSON
    return services.contact_find_or_create(
        actor=actor,
        name=name,
        email=email,
        kind=kind,
        street=data.get("sender_street") or "",
        postcode=data.get("sender_postcode") or "",
        city=data.get("sender_city") or "",
    )


@require_POST
@agent_required
def mail_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = act_on(request, pk, need="route")
    return form_action(
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
            sender=contact_from(data, actor=request.user),
            document_type=data["document_type"],
            confidentiality=data["confidentiality"],
            channel=data["channel"],
            received_on=data["received_on"],
            pages=data["pages"],
        ),
    )


def _routed(request: HttpRequest, item: MailItem) -> HttpResponse:
    """Back to where the agent was (the list they came from), else to the item."""
    service = item.treating_service
    messages.success(
        request,
        _("%(number)s est ventilé vers %(service)s.")
        % {"number": item.number, "service": service.name if service else "—"},
    )
    return redirect(safe_next(request) or item_url(item, request))


@require_POST
@agent_required
def mail_route(request: HttpRequest, pk: int) -> HttpResponse:
    item = act_on(request, pk, need="route")
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
            item = refused(request, form, pk, error)
        else:
            return _routed(request, item)
    return item_page(request, item, {"route": form})


@require_POST
@agent_required
def mail_route_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """The one click: route as Beffroi suggests."""
    item = act_on(request, pk, need="route")
    version = parse_id(request.POST.get("lock_version"))
    if version is None:
        version = item.lock_version
    try:
        item = services.mail_route_accept(actor=request.user, item=item, expected_version=version)
    except services.MailError as error:
        messages.error(request, error.message)
        return redirect(item_url(item, request))
    return _routed(request, item)


@require_POST
@agent_required
def mail_send_back(request: HttpRequest, pk: int) -> HttpResponse:
    item = act_on(request, pk, need="treat")
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
            item = refused(request, form, pk, error)
        else:
            messages.success(request, _("Le courrier est renvoyé au service courrier."))
            return redirect("backoffice:mail_home")
    return item_page(request, item, {"send_back": form})


@require_POST
@agent_required
def mail_assign(request: HttpRequest, pk: int) -> HttpResponse:
    item = act_on(request, pk, need="treat")
    return form_action(
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
    item = act_on(request, pk, need="treat")
    return form_action(
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
    item = act_on(request, pk, need="read")

    def add(data: dict[str, Any]) -> MailItem:
        services.mail_note_add(actor=request.user, item=item, text=data["text"])
        return item

    return form_action(
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
    item = act_on(request, pk, need="treat")
    form = MailReplyForm(request.POST, prefix="reply")
    if form.is_valid():
        try:
            reply = services.mail_reply_draft(
                actor=request.user, item=item, template=form.cleaned_data["template"]
            )
        except services.MailError as error:
            apply_error(form, error)
        else:
            messages.success(
                request,
                _("Réponse %(number)s préparée : relisez-la, puis envoyez-la.")
                % {"number": reply.number},
            )
            return redirect("backoffice:mail_item", pk=reply.pk)
    return item_page(request, item, {"reply": form})


@require_POST
@agent_required
def mail_reply_edit(request: HttpRequest, pk: int) -> HttpResponse:
    reply = act_on(request, pk, need="treat")
    return form_action(
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
    reply = act_on(request, pk, need="treat")
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
            apply_error(form, error)
        else:
            if reply.send_method == "print":
                messages.success(request, _("Réponse enregistrée : imprimez-la et postez-la."))
                return redirect("backoffice:mail_print", pk=reply.pk)
            return done(reply, _("La réponse est envoyée par courriel."), request)
    return item_page(request, reply, {"reply_send": form})


def _case_for(request: HttpRequest, reference: str) -> Case | None:
    """The case of this reference if the agent may see it (the cases app decides)."""
    try:
        return get_case_for_agent(request.user, reference)
    except Http404:
        return None


@require_POST
@agent_required
def mail_link_case(request: HttpRequest, pk: int) -> HttpResponse:
    item = act_on(request, pk, need="treat")
    form = MailLinkCaseForm(request.POST, prefix="case")
    if not form.is_valid():
        return item_page(request, item, {"case": form})
    reference = form.cleaned_data["reference"].strip().upper()
    case = _case_for(request, reference) if reference else None
    if reference and case is None:
        # A case of another service stays out of reach, as if it did not exist.
        form.add_error("reference", _("Aucune demande de vos services ne porte cette référence."))
        return item_page(request, item, {"case": form})
    item = services.mail_link_case(actor=request.user, item=item, case=case)
    return done(item, _("Le lien avec la demande est enregistré."), request)


@require_POST
@agent_required
def mail_link_citizen(request: HttpRequest, pk: int) -> HttpResponse:
    item = act_on(request, pk, need="treat")
    form = MailLinkCitizenForm(request.POST, prefix="citizen")
    if form.is_valid():
        item = services.mail_link_citizen(
            actor=request.user, item=item, citizen=form.cleaned_data["citizen"]
        )
        return done(item, _("Le lien avec le citoyen est enregistré."), request)
    return item_page(request, item, {"citizen": form})


@require_POST
@agent_required
def mail_link_organisation(request: HttpRequest, pk: int) -> HttpResponse:
    item = act_on(request, pk, need="treat")
    form = MailLinkOrganisationForm(request.POST, prefix="organisation")
    if form.is_valid():
        item = services.mail_link_organisation(
            actor=request.user, item=item, organisation=form.cleaned_data["enterprise_number"]
        )
        return done(item, _("Le lien avec l’organisation est enregistré."), request)
    return item_page(request, item, {"organisation": form})


@require_POST
@agent_required
def mail_ocr_retry(request: HttpRequest, pk: int) -> HttpResponse:
    item = act_on(request, pk, need="route")
    try:
        item = services.mail_ocr_retry(actor=request.user, item=item)
    except services.MailError as error:
        messages.error(request, error.message)
        return redirect(item_url(item, request))
    return done(
        item, _("L’OCR est relancée : le texte sera indexé dans quelques instants."), request
    )
