"""The bank's books as its CODA statements tell them: each file imported and
each credit on the city's account, with the payment it settled, if any."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from beffroi.core.tenancy import MunicipalManager, MunicipalQuerySet, municipality_field


class CodaImportQuerySet(MunicipalQuerySet["CodaImport"]):
    pass


class BankCreditQuerySet(MunicipalQuerySet["BankCredit"]):
    pass


class CodaImport(models.Model):
    """One CODA file a finance agent imported (the same file twice is refused)."""

    municipality = municipality_field()
    filename = models.CharField(_("fichier"), max_length=200)
    sha256 = models.CharField(max_length=64)
    account = models.CharField(_("compte"), max_length=40, blank=True)
    statement_date = models.DateField(_("date de l'extrait"), null=True, blank=True)
    credits_count = models.PositiveIntegerField(_("crédits"), default=0)
    settled_count = models.PositiveIntegerField(_("paiements réglés"), default=0)
    to_match_count = models.PositiveIntegerField(_("à rapprocher"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(_("importé le"), auto_now_add=True)

    objects = MunicipalManager.from_queryset(CodaImportQuerySet)()
    all_municipalities = models.Manager["CodaImport"]()

    class Meta:
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "sha256"], name="coda_import_once"),
        ]
        verbose_name = _("import CODA")
        verbose_name_plural = _("imports CODA")

    def __str__(self) -> str:
        return self.filename


class BankCredit(models.Model):
    """Money received on the city's account, one line of a statement."""

    class Status(models.TextChoices):
        SETTLED = "settled", _("Rapproché automatiquement")
        MATCHED = "matched", _("Rapproché par un agent")
        TO_MATCH = "to_match", _("À rapprocher")
        NOT_OURS = "not_ours", _("Sans rapport avec un paiement")

    municipality = municipality_field()
    coda_import = models.ForeignKey(CodaImport, on_delete=models.PROTECT, related_name="credits")
    # Account, statement and line numbers: the same line in two files is one credit.
    line_key = models.CharField(max_length=120)
    bank_reference = models.CharField(_("référence bancaire"), max_length=40, blank=True)
    amount = models.DecimalField(_("montant (€)"), max_digits=12, decimal_places=2)
    value_date = models.DateField(_("date valeur"), null=True, blank=True)
    communication = models.CharField(_("communication"), max_length=200, blank=True)
    # The structured communication's 12 digits, when the credit carries one.
    structured = models.CharField(_("communication structurée"), max_length=12, blank=True)
    counterparty_name = models.CharField(_("donneur d'ordre"), max_length=100, blank=True)
    counterparty_account = models.CharField(
        _("compte du donneur d'ordre"), max_length=40, blank=True
    )
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices)
    payment = models.ForeignKey(
        "payments.Payment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("paiement"),
    )
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    matched_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = MunicipalManager.from_queryset(BankCreditQuerySet)()
    all_municipalities = models.Manager["BankCredit"]()

    class Meta:
        ordering = ["value_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "line_key"], name="bank_credit_once"),
            models.CheckConstraint(
                condition=models.Q(amount__gt=Decimal("0")), name="bank_credit_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "value_date"], name="bank_credit_status"),
            models.Index(fields=["structured"], name="bank_credit_structured"),
        ]
        verbose_name = _("crédit bancaire")
        verbose_name_plural = _("crédits bancaires")

    def __str__(self) -> str:
        return f"{self.amount} € — {self.communication}"


# Credits that pay a payment.
MATCHED = (BankCredit.Status.SETTLED, BankCredit.Status.MATCHED)
