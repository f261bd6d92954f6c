from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beffroi.core.tenancy import MunicipalManager, municipality_field


class Decision(models.TextChoices):
    AUTHORISED = "authorised", _("autorisé")
    AUTHORISED_WITH_CONDITIONS = "authorised_with_conditions", _("autorisé sous conditions")
    REFUSED = "refused", _("refusé")


class CollegeMeeting(models.Model):
    """A meeting of the College (mayor and aldermen), with its agenda."""

    municipality = municipality_field()
    date = models.DateField(_("date de la séance"))
    closed_at = models.DateTimeField(_("clôturée le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MunicipalManager["CollegeMeeting"]()
    # Cooperative-level code only: every municipality's rows.
    all_municipalities = models.Manager["CollegeMeeting"]()

    class Meta:
        ordering = ["-date"]
        indexes = [models.Index(fields=["municipality", "-date"], name="college_meeting_date")]
        verbose_name = _("séance du Collège")
        verbose_name_plural = _("séances du Collège")

    def __str__(self) -> str:
        return f"Collège du {self.date:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class CollegeItem(models.Model):
    """A request on a meeting's agenda, and the College's decision on it."""

    municipality = municipality_field()
    meeting = models.ForeignKey(CollegeMeeting, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="college_items")
    position = models.PositiveIntegerField(default=0)
    decision = models.CharField(_("décision"), max_length=30, choices=Decision.choices, blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = MunicipalManager["CollegeItem"]()
    all_municipalities = models.Manager["CollegeItem"]()

    class Meta:
        ordering = ["meeting", "position", "id"]
        constraints = [
            # A request waits on one agenda at a time.
            models.UniqueConstraint(
                fields=["case"], condition=Q(decision=""), name="one_pending_college_item"
            )
        ]
        verbose_name = _("point à l'ordre du jour")
        verbose_name_plural = _("points à l'ordre du jour")

    def __str__(self) -> str:
        return f"{self.meeting} — {self.case_id}"
