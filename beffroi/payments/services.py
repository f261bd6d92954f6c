"""Every write of the payments app: starting a payment, applying what its
provider says of it, refunds and receipts.

A payment's row is locked (``select_for_update``) by whoever changes it, so
notifications delivered ten times at once make one change; the change, its
journal event, the case's next step and the citizen's email commit together.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from beffroi.accounts.actors import Actor, actor_user
from beffroi.audit.services import audit_event_record
from beffroi.cases.history import case_history_add
from beffroi.cases.models import Case, CaseEvent
from beffroi.cases.notify import citizen_email_address, notify_service
from beffroi.cases.services import StaleCase, case_transition
from beffroi.cases.workflow import TransitionRefused
from beffroi.catalogue.definition import euros
from beffroi.documents.models import IssuedDocument
from beffroi.documents.services import document_issue
from beffroi.municipality.selectors import current_municipality, municipality_site_url, roles_in
from beffroi.notifications.services import email_queue
from beffroi.payments import base
from beffroi.payments.links import amount_due_url
from beffroi.payments.models import SETTLED_STATUSES, AmountDue, Payment, ReceiptTemplate, Refund
from beffroi.payments.receipt_text import (
    receipt_text_problems,
    receipt_text_render,
    receipt_values,
)
from beffroi.payments.registry import default_provider, provider_get
from beffroi.payments.selectors import receipt_template_current

logger = logging.getLogger(__name__)

# Who may give money back: the head of the case's service.
REFUND_ROLES = {"head"}
RECEIPT_DOCUMENT_ID = "payment_receipt"

# What a provider's word may change. A late « paid » after a failure, an
# expiry or an abandon is accepted (the money was taken); nothing else
# undoes a final status.
_ALLOWED: dict[str, set[str]] = {
    Payment.Status.PENDING: {base.PAID, base.FAILED, base.EXPIRED, base.CANCELLED},
    Payment.Status.FAILED: {base.PAID},
    Payment.Status.EXPIRED: {base.PAID},
    Payment.Status.CANCELLED: {base.PAID},
}


class PaymentRefused(Exception):
    """A payment cannot be started (or its receipt issued) now; ``message`` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RefundRefused(PaymentRefused):
    """A refund that cannot be made; ``message`` says why, in French."""


class PaymentNotFound(Exception):
    """A notification about a payment Beffroi does not know."""


def _provider(name: str) -> base.PaymentProvider:
    provider = provider_get(name)
    if provider is None:
        raise base.ProviderError(_("Ce prestataire de paiement n'est plus disponible."))
    return provider


# --- Starting a payment --------------------------------------------------------------------


def _open_or_settled(case: Case, due_key: str) -> Payment | None:
    """The payment already open for this due amount; refused if it is paid."""
    payments = Payment.objects.filter(case=case, due_key=due_key)
    if payments.filter(status__in=SETTLED_STATUSES).exists():
        raise PaymentRefused(_("Ce montant est déjà payé."))
    return payments.filter(status=Payment.Status.PENDING).first()


def _request(payment: Payment, provider: base.PaymentProvider) -> base.PaymentRequest:
    return base.PaymentRequest(
        idempotency_key=payment.idempotency_key,
        amount=payment.amount,
        description=f"{payment.reason} — {payment.case.reference}",
        # On the municipality's own host: the webhook is then served in its
        # scope (its keys), and the payer comes back to their session.
        return_url=municipality_site_url()
        + reverse("portal:payment_return", args=[payment.idempotency_key]),
        webhook_url=municipality_site_url() + reverse("payments:webhook", args=[provider.name]),
    )


def _given_way(*, actor: Actor, payment: Payment) -> Payment | None:
    """The open ``payment`` cancelled if its provider gives way to the
    method the payer now chose (a transfer never made, a card instead);
    otherwise it stays the one open (None: it gave way)."""
    if not _provider(payment.provider).gives_way:
        return payment
    # Under the payment's own lock, as a bank credit settling it takes it:
    # a transfer paid meanwhile stays paid.
    payment = Payment.objects.select_for_update(of=("self",)).get(pk=payment.pk)
    if payment.is_settled:
        raise PaymentRefused(_("Ce montant est déjà payé."))
    if not payment.is_open:
        return None
    payment.status = Payment.Status.CANCELLED
    payment.status_changed_at = timezone.now()
    payment.save(update_fields=["status", "status_changed_at"])
    audit_event_record(
        actor=actor,
        action="payment.replaced",
        target=payment,
        data={"case_id": payment.case_id, "provider": payment.provider},
    )
    return None


@transaction.atomic
def payment_start(
    *,
    actor: Actor,
    case: Case,
    amount: Decimal,
    reason: str,
    idempotency_key: uuid.UUID,
    due_key: str = "filing",
    provider_name: str = "",
) -> Payment:
    """Open a payment of ``amount`` at the provider, or return the one that is open.

    ``provider_name``: the method the payer chose (``"transfer"``); the
    default provider (``PAYMENT_PROVIDER``) otherwise.

    The same click twice (``idempotency_key``), a second tab or « back »
    find the payment already open for this due amount: never two charges.
    Raises ``PaymentRefused`` (already paid, case closed) or
    ``base.ProviderError`` (the provider did not answer; nothing is kept).
    """
    same = Payment.objects.filter(idempotency_key=idempotency_key).first()
    if same is not None and same.case_id == case.pk:
        return same
    # Two tabs queue here, on the case's row, and the second finds the first's payment.
    locked = Case.objects.select_for_update().select_related("service").get(pk=case.pk)
    existing = _open_or_settled(locked, due_key)
    provider = _provider(provider_name) if provider_name else default_provider()
    if existing is not None and existing.provider != provider.name:
        existing = _given_way(actor=actor, payment=existing)
    if existing is not None:
        return existing
    if locked.is_closed:
        raise PaymentRefused(_("Cette demande est clôturée : elle ne peut plus être payée."))
    if amount <= 0:
        raise PaymentRefused(_("Il n'y a rien à payer pour cette demande."))
    payment = Payment.objects.create(
        case=locked,
        due_key=due_key,
        amount=amount,
        reason=reason[:200],
        provider=provider.name,
        payer=actor_user(actor),
        idempotency_key=idempotency_key if same is None else uuid.uuid4(),
    )
    checkout = provider.start(_request(payment, provider))
    payment.provider_reference = checkout.reference
    payment.checkout_url = checkout.url
    payment.save(update_fields=["provider_reference", "checkout_url"])
    audit_event_record(
        actor=actor,
        action="payment.started",
        target=payment,
        data={"case_id": locked.pk, "amount": str(amount), "provider": provider.name},
    )
    return payment


# --- What the provider says ----------------------------------------------------------------


def _email_paid(payment: Payment) -> None:
    case = payment.case
    to = citizen_email_address(case)
    if not to:
        return
    context = {
        "payment": payment,
        "case": case,
        "amount": euros(payment.amount),
        "municipality": current_municipality(),
        "payments_url": settings.SITE_URL + reverse("portal:my_payments"),
        "tracking_url": settings.SITE_URL
        + reverse("portal:tracking_detail", args=[case.tracking_code]),
    }
    email_queue(
        to=to,
        subject=_("Paiement reçu pour votre demande %(reference)s") % {"reference": case.reference},
        body_text=render_to_string("payments/email_paid.txt", context),
        case_id=case.pk,
    )


def _case_goes_on(payment: Payment) -> None:
    """The fee due at filing is paid: the case leaves « En attente de paiement »."""
    case = payment.case
    if payment.due_key != "filing":
        _amount_due_settle(payment)
        return
    transition_id = (case.spec.fee or {}).get("paid_transition")
    if not transition_id:
        return
    if case.status != case.spec.initial_status or case.is_closed:
        # Paid late, after the case was cancelled: the service decides (a refund).
        audit_event_record(
            actor=None,
            action="payment.paid_after_case_moved_on",
            target=payment,
            data={"case_id": case.pk, "status": case.status},
        )
        notify_service(
            case,
            message=_(
                "Un paiement de %(amount)s est arrivé alors que la demande n'attendait plus "
                "son paiement : remboursez-le depuis le dossier si elle ne sera pas traitée."
            )
            % {"amount": euros(payment.amount)},
        )
        return
    try:
        case_transition(actor=None, case=case, transition_id=str(transition_id))
    except TransitionRefused:
        logger.warning("Payment %s paid but case %s cannot go on", payment.pk, case.pk)


def _payment_received(payment: Payment) -> None:
    case_history_add(
        case_id=payment.case_id,
        kind=CaseEvent.Kind.PAYMENT,
        text=_("Paiement reçu : %(amount)s (%(reason)s).")
        % {"amount": euros(payment.amount), "reason": payment.reason},
        visible_to_citizen=True,
    )
    _email_paid(payment)
    _case_goes_on(payment)


@transaction.atomic
def payment_status_apply(*, payment_id: int, status: str, source: str) -> bool:
    """Apply what the provider says of the payment; False when nothing changes.

    ``source``: "notification", "return" or "reconciliation" (journaled).
    """
    payment = Payment.objects.select_for_update().select_related("case").get(pk=payment_id)
    if status not in _ALLOWED.get(payment.status, set()):
        return False
    previous = payment.status
    now = timezone.now()
    payment.status = status
    payment.status_changed_at = now
    if status == base.PAID:
        payment.paid_at = now
    payment.save(update_fields=["status", "status_changed_at", "paid_at"])
    audit_event_record(
        actor=None,
        action=f"payment.{status}",
        target=payment,
        data={"case_id": payment.case_id, "from": previous, "source": source},
    )
    if status == base.PAID:
        _payment_received(payment)
    return True


def payment_notification_receive(*, provider_name: str, reference: str) -> bool:
    """A provider's notification (already authenticated) about ``reference``:
    its status is read from the provider and applied. Raises
    ``PaymentNotFound`` (journaled) or ``base.ProviderError``."""
    payment = Payment.objects.filter(provider=provider_name, provider_reference=reference).first()
    if payment is None:
        with transaction.atomic():
            audit_event_record(
                actor=None,
                action="payment.notification_unknown",
                target=("payments.payment", reference[:100]),
                data={"provider": provider_name[:30]},
            )
        raise PaymentNotFound(reference)
    status = _provider(provider_name).fetch_status(reference)
    return payment_status_apply(payment_id=payment.pk, status=status, source="notification")


@transaction.atomic
def payment_notification_refuse(*, provider_name: str) -> None:
    """A notification that is not the provider's: nothing changes, it is journaled."""
    audit_event_record(
        actor=None,
        action="payment.notification_refused",
        target=("payments.provider", provider_name[:30]),
    )


def payment_refresh(*, payment: Payment, source: str) -> bool:
    """Read the payment's status again from its provider and apply it.

    A provider that fails to answer changes nothing (the reconciliation job
    asks again later); False then.
    """
    if not payment.provider_reference:
        return False
    try:
        status = _provider(payment.provider).fetch_status(payment.provider_reference)
    except base.ProviderError:
        logger.warning("Payment %s: its provider did not answer", payment.pk)
        return False
    return payment_status_apply(payment_id=payment.pk, status=status, source=source)


# --- Refunds -------------------------------------------------------------------------------


def _refund_check(actor: Actor, payment: Payment, amount: Decimal, reason: str) -> None:
    if not REFUND_ROLES & roles_in(actor, payment.case.service_id):
        raise RefundRefused(_("Seul le chef du service de cette demande peut rembourser."))
    if amount <= 0:
        raise RefundRefused(_("Le montant à rembourser doit être supérieur à zéro."))
    if not reason.strip():
        raise RefundRefused(_("Indiquez le motif du remboursement."))
    if not payment.is_settled:
        raise RefundRefused(_("Ce paiement n'a pas été reçu : il n'y a rien à rembourser."))
    if amount > payment.refundable_amount:
        raise RefundRefused(
            _("Le remboursement ne peut pas dépasser ce qui reste payé (%(left)s).")
            % {"left": euros(payment.refundable_amount)}
        )


@transaction.atomic
def payment_refund_reauthentication_record(*, actor: Actor, case: Case, succeeded: bool) -> None:
    """An agent confirmed (or failed to confirm) their password before a refund."""
    audit_event_record(
        actor=actor,
        action="payment.refund_reauthenticated"
        if succeeded
        else "payment.refund_reauthentication_failed",
        target=case,
    )


@transaction.atomic
def payment_refund(*, actor: Actor, payment: Payment, amount: Decimal, reason: str) -> Refund:
    """Give back ``amount`` (all or part of what is left) with a reason.

    Raises ``RefundRefused`` with a French message: not the head of the
    service, nothing or too much to refund, the provider refusing.
    """
    payment = Payment.objects.select_for_update().select_related("case").get(pk=payment.pk)
    _refund_check(actor, payment, amount, reason)
    try:
        refund_reference = _provider(payment.provider).refund(
            payment.provider_reference, amount=amount, reason=reason.strip()
        )
    except base.ProviderError as error:
        raise RefundRefused(error.message) from error
    agent = actor_user(actor)
    assert agent is not None  # the role check above needs an account
    refund = Refund.objects.create(
        payment=payment,
        amount=amount,
        reason=reason.strip()[:300],
        agent=agent,
        provider_reference=refund_reference[:100],
    )
    payment.refunded_amount += amount
    payment.status = (
        Payment.Status.REFUNDED
        if payment.refunded_amount == payment.amount
        else Payment.Status.REFUNDED_PARTIALLY
    )
    payment.status_changed_at = timezone.now()
    payment.save(update_fields=["refunded_amount", "status", "status_changed_at"])
    case_history_add(
        case_id=payment.case_id,
        kind=CaseEvent.Kind.PAYMENT,
        actor=actor,
        text=_("Remboursement de %(amount)s : %(reason)s")
        % {"amount": euros(amount), "reason": refund.reason},
        visible_to_citizen=True,
    )
    audit_event_record(
        actor=actor,
        action="payment.refunded",
        target=payment,
        data={"refund_id": refund.pk, "amount": str(amount), "status": payment.status},
    )
    return refund


# --- Receipts ------------------------------------------------------------------------------


@transaction.atomic
def payment_receipt_issue(*, payment: Payment) -> IssuedDocument:
    """The payment's receipt, rendered once (in the city's letterhead, like
    every issued document) the first time it is asked for."""
    payment = (
        Payment.objects.select_for_update(of=("self",))
        .select_related("case__service", "case__procedure", "receipt")
        .get(pk=payment.pk)
    )
    if payment.receipt is not None:
        return payment.receipt
    if not payment.is_settled or payment.paid_at is None:
        raise PaymentRefused(_("Ce paiement n'a pas été reçu : il n'a pas de reçu."))
    case = payment.case
    municipality = current_municipality()
    template = receipt_template_current()
    if template is not None:  # the city's own text
        body = str(receipt_text_render(template.body, receipt_values(payment, municipality.name)))
    else:
        body = render_to_string(
            "payments/receipt_body.html",
            {"payment": payment, "case": case, "amount": euros(payment.amount)},
        )
    issued = document_issue(
        actor=None,
        case_id=case.pk,
        document_id=RECEIPT_DOCUMENT_ID,
        title=_("Reçu de paiement"),
        filename=f"recu-{case.reference}-{payment.pk}.pdf",
        body=body,
        reference=case.reference,
        service=case.service,
        municipality=municipality,
        issued_at=payment.paid_at,
    )
    payment.receipt = issued
    payment.save(update_fields=["receipt"])
    return issued


# --- Amounts an agent asks for (« Demander un paiement ») ----------------------------------

# Above this, an agent's typing error is more likely than a municipal fee.
PAYMENT_REQUEST_MAX = Decimal("100000.00")


def payment_amount_problem(amount: Decimal) -> str | None:
    """Why ``amount`` cannot be asked for (in French), or None."""
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        return _("Indiquez un montant en euros, au centime près (par exemple 12,50).")
    if amount <= 0:
        return _("Le montant demandé doit être supérieur à zéro.")
    if amount > PAYMENT_REQUEST_MAX:
        return _("Le montant demandé ne peut pas dépasser %(max)s.") % {
            "max": euros(PAYMENT_REQUEST_MAX)
        }
    return None


def _email_requested(amount_due: AmountDue, comment: str) -> None:
    case = amount_due.case
    to = citizen_email_address(case)
    if not to:
        return
    context = {
        "amount_due": amount_due,
        "case": case,
        "amount": euros(amount_due.amount),
        "comment": comment,
        "link": amount_due_url(amount_due, absolute=True),
        "municipality": current_municipality(),
        "tracking_url": settings.SITE_URL
        + reverse("portal:tracking_detail", args=[case.tracking_code]),
    }
    email_queue(
        to=to,
        subject=_("Paiement demandé pour votre demande %(reference)s")
        % {"reference": case.reference},
        body_text=render_to_string("payments/email_requested.txt", context),
        case_id=case.pk,
    )


def _payment_request_check(
    case: Case, transition_id: str, amount: Decimal, reason: str
) -> tuple[Mapping[str, Any], str]:
    """The transition's ``payment:`` and the reason as kept; ``PaymentRefused`` otherwise."""
    transition = case.spec.transitions.get(transition_id) or {}
    payment = transition.get("payment")
    if not isinstance(payment, Mapping):
        raise PaymentRefused(_("Cette action ne demande pas de paiement."))
    problem = payment_amount_problem(amount)
    if problem:
        raise PaymentRefused(problem)
    reason = " ".join(reason.split())
    if not reason:
        raise PaymentRefused(_("Indiquez l’objet du paiement (le demandeur le lit)."))
    return payment, reason


@transaction.atomic
def payment_request(
    *,
    actor: Actor,
    case: Case,
    transition_id: str,
    amount: Decimal,
    reason: str,
    comment: str = "",
    expected_lock_version: int | None = None,
) -> AmountDue:
    """Ask the applicant for ``amount`` (a ``payment:`` transition of the
    definition): the case takes the transition, the amount is recorded with
    its own ``due_key``, journaled, and the applicant gets an email with a
    signed link to pay it, with or without an account.

    Raises ``PaymentRefused`` (amount, reason, not such a transition),
    ``TransitionRefused`` or ``StaleCase`` (from ``case_transition``).
    """
    payment, reason = _payment_request_check(case, transition_id, amount, reason)
    case = case_transition(
        actor=actor,
        case=case,
        transition_id=transition_id,
        comment=comment,
        expected_lock_version=expected_lock_version,
        with_payment=True,
    )
    key = uuid.uuid4()
    amount_due = AmountDue.objects.create(
        case=case,
        key=key,
        due_key=f"request-{key.hex}",
        amount=amount,
        reason=reason[:200],
        paid_transition=str(payment.get("paid_transition", "")),
        requested_by=actor_user(actor),
    )
    case_history_add(
        case_id=case.pk,
        kind=CaseEvent.Kind.PAYMENT,
        actor=actor,
        text=_("Paiement demandé : %(amount)s (%(reason)s).")
        % {"amount": euros(amount), "reason": amount_due.reason},
        visible_to_citizen=True,
    )
    audit_event_record(
        actor=actor,
        action="payment.requested",
        target=amount_due,
        data={"case_id": case.pk, "amount": str(amount), "transition": transition_id},
    )
    _email_requested(amount_due, comment.strip())
    return amount_due


def _amount_due_settle(payment: Payment) -> None:
    """An amount asked for is paid: recorded, journaled, and the case takes
    the definition's transition for it."""
    amount_due = (
        AmountDue.objects.select_for_update()
        .filter(case_id=payment.case_id, due_key=payment.due_key)
        .first()
    )
    if amount_due is None or amount_due.is_paid:
        return
    amount_due.paid_at = payment.paid_at or timezone.now()
    amount_due.save(update_fields=["paid_at"])
    audit_event_record(
        actor=None,
        action="payment.amount_due_paid",
        target=amount_due,
        data={"case_id": payment.case_id, "payment_id": payment.pk},
    )
    case = payment.case
    if not amount_due.paid_transition or case.is_closed:
        return
    try:
        case_transition(actor=None, case=case, transition_id=amount_due.paid_transition)
    except (TransitionRefused, StaleCase):
        # Another amount still due, or the case moved on: the agent decides.
        notify_service(
            case,
            message=_("Le paiement de %(amount)s (%(reason)s) est reçu.")
            % {"amount": euros(payment.amount), "reason": amount_due.reason},
        )


class ReceiptTextRefused(PaymentRefused):
    """A receipt text that cannot be saved; ``message`` lists why, in French."""


@transaction.atomic
def receipt_template_save(*, actor: Actor, body: str) -> ReceiptTemplate | None:
    """Save the city's receipt text; an empty text goes back to the shipped one
    (None then). Receipts already issued keep their text. Raises
    ``ReceiptTextRefused`` for an unknown placeholder, a tag or a seal claim."""
    body = body.strip()
    problems = receipt_text_problems(body)
    if problems:
        raise ReceiptTextRefused(" ".join(problems))
    current = receipt_template_current()
    if not body:
        if current is not None:
            audit_event_record(actor=actor, action="payment.receipt_template_reset", target=current)
            current.delete()
        return None
    template = current or ReceiptTemplate()
    template.body = body
    template.updated_by = actor_user(actor)
    template.save()
    audit_event_record(
        actor=actor,
        action="payment.receipt_template_saved",
        target=template,
        data={"length": len(body)},
    )
    return template
