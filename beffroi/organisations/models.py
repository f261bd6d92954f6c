from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beffroi.core.tenancy import MunicipalManager, municipality_field


class Organisation(models.Model):
    """An association or a business known to the city.

    Created when the city validates its identity card (a procedure), so
    nothing is filed in its name before the city has checked it.
    """

    class Kind(models.TextChoices):
        ASSOCIATION = "association", _("association")
        BUSINESS = "business", _("commerce ou entreprise")

    class Status(models.TextChoices):
        VALIDATED = "validated", _("validée")
        SUSPENDED = "suspended", _("suspendue")

    municipality = municipality_field()
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("nom"), max_length=150)
    acronym = models.CharField(_("sigle"), max_length=50, blank=True)
    legal_form = models.CharField(_("forme juridique"), max_length=30, blank=True)
    enterprise_number = models.CharField(_("numéro d'entreprise"), max_length=10, blank=True)
    address = models.JSONField(_("adresse"), default=dict, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    website = models.CharField(_("site web"), max_length=200, blank=True)
    sector = models.CharField(_("domaine"), max_length=30, blank=True)
    activities = models.TextField(_("activités"), blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.VALIDATED
    )
    validated_at = models.DateTimeField(_("validée le"))
    # The request (identity card) that created it.
    source_case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MunicipalManager["Organisation"]()
    # Cooperative-level code only: every municipality's rows.
    all_municipalities = models.Manager["Organisation"]()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["municipality", "name"], name="organisation_name")]
        constraints = [
            models.UniqueConstraint(
                # A business known to two municipalities has a card in each.
                fields=["municipality", "enterprise_number"],
                condition=~Q(enterprise_number=""),
                name="unique_organisation_enterprise_number",
            )
        ]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def is_usable(self) -> bool:
        return self.status == self.Status.VALIDATED


class OrganisationMember(models.Model):
    """A person's place in an organisation, found by their e-mail address.

    The link to an account is made when someone with (or later with) a
    verified account at that address logs in: representatives may name people
    who have no account yet.
    """

    class Role(models.TextChoices):
        REPRESENTATIVE = "representative", _("représentant")
        MEMBER = "member", _("membre")

    municipality = municipality_field()
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="members")
    email = models.EmailField(_("e-mail"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="organisation_memberships",
    )
    first_name = models.CharField(_("prénom"), max_length=100, blank=True)
    last_name = models.CharField(_("nom"), max_length=100, blank=True)
    function = models.CharField(_("fonction"), max_length=80, blank=True)
    role = models.CharField(_("rôle"), max_length=15, choices=Role.choices, default=Role.MEMBER)
    added_at = models.DateTimeField(auto_now_add=True)

    objects = MunicipalManager["OrganisationMember"]()
    all_municipalities = models.Manager["OrganisationMember"]()

    class Meta:
        ordering = ["role", "last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "email"], name="unique_member_email")
        ]
        indexes = [models.Index(fields=["municipality", "email"], name="organisation_member_email")]
        verbose_name = _("membre")
        verbose_name_plural = _("membres")

    def __str__(self) -> str:
        return f"{self.email} ({self.get_role_display()})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email
