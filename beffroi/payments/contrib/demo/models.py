"""The demo provider's own books: what a real provider keeps on its servers."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from beffroi.core.tenancy import MunicipalManager, municipality_field


class DemoCharge(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("ouvert")
        PAID = "paid", _("payé")
        FAILED = "failed", _("refusé")
        CANCELLED = "cancelled", _("abandonné")

    municipality = municipality_field()
    reference = models.CharField(max_length=40, unique=True)
    # The merchant's idempotency key: the same key is the same charge.
    idempotency_key = models.UUIDField(unique=True)
    amount_cents = models.PositiveIntegerField()
    description = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    return_url = models.URLField(max_length=500)
    refunded_cents = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MunicipalManager["DemoCharge"]()
    all_municipalities = models.Manager["DemoCharge"]()

    class Meta:
        verbose_name = _("paiement de démonstration")
        verbose_name_plural = _("paiements de démonstration")

    def __str__(self) -> str:
        return self.reference

    @property
    def amount(self) -> Decimal:
        return Decimal(self.amount_cents) / 100
