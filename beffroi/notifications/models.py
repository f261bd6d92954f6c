from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from beffroi.core.tenancy import MunicipalManager, municipality_field


class DemoEmail(models.Model):
    """An email the demo "sent": kept here so demo users can read it at /demo/courriels/."""

    municipality = municipality_field()
    sent_at = models.DateTimeField(auto_now_add=True)
    from_email = models.CharField(max_length=254)
    to = models.TextField(help_text="Recipients, one per line.")
    subject = models.CharField(max_length=998)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)

    objects = MunicipalManager["DemoEmail"]()
    # Cooperative-level code only: every municipality's rows.
    all_municipalities = models.Manager["DemoEmail"]()

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["municipality", "-sent_at"], name="demo_email_sent")]
        verbose_name = _("courriel de démonstration")
        verbose_name_plural = _("courriels de démonstration")

    def __str__(self) -> str:
        return self.subject

    @property
    def recipients(self) -> list[str]:
        return [line for line in self.to.splitlines() if line]


class OutgoingEmail(models.Model):
    """An email Beffroi must send: queued in the transaction that decides it,
    sent by the background worker after the commit, retried until it goes."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("en attente")
        SENDING = "sending", _("en cours d'envoi")
        SENT = "sent", _("envoyé")
        FAILED = "failed", _("échec définitif")

    municipality = municipality_field()
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # The case it is about, so its history lists it.
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="emails"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = MunicipalManager["OutgoingEmail"]()
    all_municipalities = models.Manager["OutgoingEmail"]()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["municipality", "status", "next_attempt_at"], name="outgoing_email_due"
            )
        ]
        verbose_name = _("e-mail à envoyer")
        verbose_name_plural = _("e-mails envoyés")

    def __str__(self) -> str:
        return self.subject
