"""The reminder a case waiting for its fee at filing gets, once, before the
procedure's own timer cancels it (``PAYMENT_REMINDER_AFTER_DAYS``)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from beffroi.audit.services import audit_event_record
from beffroi.cases.history import case_history_add
from beffroi.cases.models import Case, CaseEvent, CaseTimer
from beffroi.cases.notify import citizen_email_address
from beffroi.catalogue.definition import euros
from beffroi.core.periodic import municipalities_among
from beffroi.municipality.selectors import current_municipality
from beffroi.notifications.services import email_queue
from beffroi.payments.models import PaymentReminder
from beffroi.payments.selectors import filing_fee_unpaid


def filing_fees_to_remind(*, now: datetime.datetime | None = None, limit: int = 500) -> list[int]:
    """Open cases still in the first status of a procedure paid at filing,
    for ``PAYMENT_REMINDER_AFTER_DAYS`` or more, never reminded."""
    if settings.PAYMENT_REMINDER_AFTER_DAYS <= 0:
        return []
    cases = _to_remind(Case.objects.all(), PaymentReminder.objects.all(), now=now or timezone.now())
    return list(cases.order_by("status_changed_at").values_list("pk", flat=True)[:limit])


def _to_remind(
    cases: QuerySet[Case], reminders: QuerySet[PaymentReminder], *, now: datetime.datetime
) -> QuerySet[Case]:
    before = now - datetime.timedelta(days=settings.PAYMENT_REMINDER_AFTER_DAYS)
    reminded = reminders.filter(due_key="filing").values("case_id")
    return (
        cases.filter(closed_at__isnull=True)
        .alias(initial=KeyTextTransform("initial", KeyTransform("workflow", "version__definition")))
        .filter(
            version__definition__fee__pay="filing",
            status=F("initial"),
            status_changed_at__lte=before,
        )
        .exclude(pk__in=reminded)
    )


def municipalities_with_fees_to_remind() -> list[int | None]:
    """The reminders job's ``pending``, in one query."""
    if settings.PAYMENT_REMINDER_AFTER_DAYS <= 0:
        return []
    return municipalities_among(
        _to_remind(
            Case.all_municipalities.all(),
            PaymentReminder.all_municipalities.all(),
            now=timezone.now(),
        )
    )


def cancellation_due(case: Case) -> datetime.datetime | None:
    """When the procedure's timer takes the unpaid case out of its status."""
    timer = (
        CaseTimer.objects.filter(
            case=case,
            status=case.status,
            kind=CaseTimer.Kind.TRANSITION,
            fired_at__isnull=True,
            cancelled_at__isnull=True,
        )
        .order_by("due_at")
        .first()
    )
    return timer.due_at if timer else None


def _pay_url(case: Case) -> str:
    if case.applicant_id:
        return settings.SITE_URL + reverse("portal:case_detail", args=[case.reference])
    return settings.SITE_URL + reverse("portal:tracking_detail", args=[case.tracking_code])


def _email(case: Case, amount: str) -> None:
    to = citizen_email_address(case)
    if not to:
        return
    cancel_at = cancellation_due(case)
    context = {
        "case": case,
        "amount": amount,
        "reason": case.procedure.title,
        "pay_url": _pay_url(case),
        "cancel_on": timezone.localtime(cancel_at) if cancel_at else None,
        "municipality": current_municipality(),
    }
    email_queue(
        to=to,
        subject=_("Rappel : votre demande %(reference)s attend son paiement")
        % {"reference": case.reference},
        body_text=render_to_string("payments/email_reminder.txt", context),
        case_id=case.pk,
    )


def payment_reminder_send(*, case_id: int) -> bool:
    """Remind the citizen of the fee, once; False when it is paid, moved on
    or already reminded (running the job twice sends nothing more)."""
    try:
        with transaction.atomic():
            case = (
                Case.objects.select_for_update(of=("self",))
                .select_related("procedure", "applicant")
                .get(pk=case_id)
            )
            fee = filing_fee_unpaid(case)
            if fee is None or PaymentReminder.objects.filter(case=case, due_key="filing").exists():
                return False
            PaymentReminder.objects.create(case=case, due_key="filing")
            amount = euros(fee.amount)
            case_history_add(
                case_id=case.pk,
                kind=CaseEvent.Kind.PAYMENT,
                text=_("Rappel envoyé : %(amount)s restent à payer.") % {"amount": amount},
                visible_to_citizen=True,
            )
            audit_event_record(
                actor=None,
                action="payment.reminded",
                target=case,
                data={"amount": str(fee.amount)},
            )
            _email(case, amount)
    except IntegrityError:  # another worker made the same reminder at the same time
        return False
    return True
