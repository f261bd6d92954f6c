"""The emails a case sends: to the citizen at each status change or message,
to the service when something needs it. Queued in the caller's transaction,
sent by the worker after commit (notifications.services)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template import Context, TemplateSyntaxError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from beffroi.cases.models import Case
from beffroi.catalogue.definition import definition_template
from beffroi.municipality.selectors import current_municipality
from beffroi.notifications.services import email_queue


def citizen_email_address(case: Case) -> str:
    if case.applicant_id is not None and case.applicant is not None:
        return str(case.applicant.email)
    return case.applicant_email


def _urls(case: Case) -> dict[str, str]:
    tracking = settings.SITE_URL + reverse("portal:tracking_detail", args=[case.tracking_code])
    own = settings.SITE_URL + reverse("portal:case_detail", args=[case.reference])
    return {"tracking_url": tracking, "case_url": own if case.applicant_id else tracking}


def _context(case: Case, **extra: Any) -> dict[str, Any]:
    spec = case.spec
    return {
        "case": case,
        "procedure": case.procedure,
        "service": case.service,
        "municipality": current_municipality(),
        "status": spec.status_label(case.status),
        "next_step": case.next_step,
        "applicant_name": case.applicant_name,
        "answers": case.answers,
        **_urls(case),
        **extra,
    }


def _render_definition(source: str, context: dict[str, Any]) -> str | None:
    try:
        return str(definition_template(source).render(Context(context, autoescape=False)))
    except (TemplateSyntaxError, ValueError, TypeError, KeyError, AttributeError):
        return None


def notify_citizen_of_status(case: Case, *, comment: str = "") -> None:
    """Email the citizen the case's new status (procedure's template or the default)."""
    to = citizen_email_address(case)
    if not to:
        return
    context = _context(case, comment=comment)
    template = case.spec.emails.get(case.status)
    subject = body = None
    if template:
        subject = _render_definition(template["subject"], context)
        body = _render_definition(template["body"], context)
    if not subject or not body:
        subject = _("Votre demande %(reference)s : %(status)s") % {
            "reference": case.reference,
            "status": context["status"],
        }
        body = render_to_string("cases/emails/status.txt", context)
    email_queue(to=to, subject=subject, body_text=body, case_id=case.pk)


def notify_citizen_of_message(case: Case, *, body: str) -> None:
    to = citizen_email_address(case)
    if not to:
        return
    context = _context(case, message=body)
    email_queue(
        to=to,
        subject=_("Nouveau message au sujet de votre demande %(reference)s")
        % {"reference": case.reference},
        body_text=render_to_string("cases/emails/message.txt", context),
        case_id=case.pk,
    )


def notify_owner_of_failed_check(case: Case) -> None:
    """Tell the case's account holder that someone failed its check questions."""
    if case.applicant_id is None:
        return  # filed without an account: no address of theirs to trust
    email_queue(
        to=citizen_email_address(case),
        subject=_("Votre demande %(reference)s : une tentative d’accès au détail")
        % {"reference": case.reference},
        body_text=render_to_string("cases/emails/tracking_check.txt", _context(case)),
        case_id=case.pk,
    )


def _service_recipient(case: Case) -> str:
    if case.assigned_to_id is not None and case.assigned_to is not None:
        return str(case.assigned_to.email)
    return case.service.email


def notify_service(case: Case, *, message: str = "", subject: str = "") -> None:
    """Tell the agent in charge (or the service's address) that the case needs them."""
    to = _service_recipient(case)
    if not to:
        return
    backoffice_url = settings.SITE_URL + reverse("backoffice:case_detail", args=[case.reference])
    context = {**_context(case), "message": message, "backoffice_url": backoffice_url}
    email_queue(
        to=to,
        subject=subject
        or _("Demande %(reference)s : %(procedure)s")
        % {"reference": case.reference, "procedure": case.procedure.title},
        body_text=render_to_string("cases/emails/service.txt", context),
        case_id=case.pk,
    )
