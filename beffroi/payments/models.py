"""Money a case asks for, what the provider says of it, and what was given back.

Amounts are ``Decimal`` euros; providers receive cents (``base.cents``).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beffroi.core.tenancy import (
    MunicipalManager,
    MunicipalQuerySet,
    municipality_field,
)


class PaymentQuerySet(MunicipalQuerySet["Payment"]):
    def open(self) -> PaymentQuerySet:
        return self.filter(status=Payment.Status.PENDING)


class Payment(models.Model):
    """One attempt at paying an amount a case is due (its ``due_key``).

    A due amount may be tried several times (a card refused, a page left),
    but has at most one attempt open at a time, so two tabs or a double
    click never charge twice.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        PAID = "paid", _("Payé")
        FAILED = "failed", _("Refusé")
        EXPIRED = "expired", _("Expiré")
        CANCELLED = "cancelled", _("Abandonné")
        REFUNDED_PARTIALLY = "refunded_partially", _("Remboursé en partie")
        REFUNDED = "refunded", _("Remboursé")

    municipality = municipality_field()
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="payments")
    # Which amount of the case this pays: "filing" for the procedure's fee.
    due_key = models.CharField(max_length=63, default="filing")
    amount = models.DecimalField(_("montant (€)"), max_digits=10, decimal_places=2)
    reason = models.CharField(_("objet"), max_length=200)
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    provider = models.CharField(_("prestataire"), max_length=30)
    provider_reference = models.CharField(_("référence du prestataire"), max_length=100, blank=True)
    # Where the provider expects the payer (kept: « back » or a second tab
    # goes to the same page rather than to a second charge).
    checkout_url = models.URLField(max_length=500, blank=True)
    # Sent with the payer's click and to the provider: the same click twice
    # is the same payment.
    idempotency_key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    receipt = models.ForeignKey(
        "documents.IssuedDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reçu"),
    )
    refunded_amount = models.DecimalField(
        _("remboursé (€)"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    status_changed_at = models.DateTimeField(_("statut depuis le"), auto_now_add=True)
    paid_at = models.DateTimeField(_("payé le"), null=True, blank=True)

    objects = MunicipalManager.from_queryset(PaymentQuerySet)()
    # Cooperative-level code only: every municipality's rows.
    all_municipalities = models.Manager["Payment"]()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "due_key"],
                condition=Q(status="pending"),
                name="payment_one_open_per_due",
            ),
            models.UniqueConstraint(
                fields=["provider", "provider_reference"],
                condition=~Q(provider_reference=""),
                name="payment_unique_provider_reference",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0) & Q(refunded_amount__lte=models.F("amount")),
                name="payment_refunded_within_amount",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="payment_open_created",
                condition=Q(status="pending"),
            ),
            models.Index(fields=["payer", "-created_at"], name="payment_payer"),
        ]
        verbose_name = _("paiement")
        verbose_name_plural = _("paiements")

    def __str__(self) -> str:
        return f"{self.amount} € — {self.reason}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_settled(self) -> bool:
        """Money was received (some may have been given back since)."""
        return self.status in SETTLED_STATUSES

    @property
    def refundable_amount(self) -> Decimal:
        return self.amount - self.refunded_amount if self.is_settled else Decimal("0")


SETTLED_STATUSES = (
    Payment.Status.PAID,
    Payment.Status.REFUNDED_PARTIALLY,
    Payment.Status.REFUNDED,
)
# Tried and not paid: the payer may try again.
UNPAID_STATUSES = (Payment.Status.FAILED, Payment.Status.EXPIRED, Payment.Status.CANCELLED)


class Refund(models.Model):
    """Money given back on a payment, by an agent, with the reason."""

    municipality = municipality_field()
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(_("montant (€)"), max_digits=10, decimal_places=2)
    reason = models.CharField(_("motif"), max_length=300)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("agent"),
    )
    provider_reference = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(_("remboursé le"), auto_now_add=True)

    objects = MunicipalManager["Refund"]()
    all_municipalities = models.Manager["Refund"]()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
        ]
        verbose_name = _("remboursement")
        verbose_name_plural = _("remboursements")

    def __str__(self) -> str:
        return f"{self.amount} € — {self.reason}"


class AmountDue(models.Model):
    """An amount an agent asked for on a case (« Demander un paiement »), with
    its reason; paid by a ``Payment`` of the same ``due_key``.

    The filing fee is not one: it is computed from the definition. This is
    what an agent typed, so it is kept as typed.
    """

    municipality = municipality_field()
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="amounts_due")
    # Public and unguessable: what the signed link names.
    key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    due_key = models.CharField(max_length=63)
    amount = models.DecimalField(_("montant (€)"), max_digits=10, decimal_places=2)
    reason = models.CharField(_("objet"), max_length=200)
    # The definition's transition taken once it is paid ("" : none).
    paid_transition = models.CharField(max_length=63, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("demandé par"),
    )
    requested_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    paid_at = models.DateTimeField(_("payé le"), null=True, blank=True)

    objects = MunicipalManager["AmountDue"]()
    all_municipalities = models.Manager["AmountDue"]()

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "due_key"], name="amount_due_unique_key"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="amount_due_positive"),
        ]
        verbose_name = _("montant demandé")
        verbose_name_plural = _("montants demandés")

    def __str__(self) -> str:
        return f"{self.amount} € — {self.reason}"

    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None


class PaymentReminder(models.Model):
    """The one reminder a case waiting for its fee gets (the row makes it once)."""

    municipality = municipality_field()
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    due_key = models.CharField(max_length=63, default="filing")
    sent_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)

    objects = MunicipalManager["PaymentReminder"]()
    all_municipalities = models.Manager["PaymentReminder"]()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "due_key"], name="payment_reminder_once")
        ]
        verbose_name = _("rappel de paiement")
        verbose_name_plural = _("rappels de paiement")

    def __str__(self) -> str:
        return f"{self.case_id} {self.due_key} reminded {self.sent_at:%Y-%m-%d}"


class ReceiptTemplate(models.Model):
    """The city's own text for the body of its payment receipts (one per
    city); without it, the shipped text (``payments/receipt_body.html``)."""

    municipality = municipality_field()
    body = models.TextField(_("texte du reçu"))
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = MunicipalManager["ReceiptTemplate"]()
    all_municipalities = models.Manager["ReceiptTemplate"]()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality"], name="receipt_template_one_per_city")
        ]
        verbose_name = _("modèle de reçu")
        verbose_name_plural = _("modèles de reçu")

    def __str__(self) -> str:
        return f"receipt template of {self.municipality_id}"
