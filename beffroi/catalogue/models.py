from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from beffroi.catalogue.definition import ProcedureDefinition
from beffroi.core.tenancy import MunicipalManager, MunicipalQuerySet, municipality_field
from beffroi.municipality.models import Service


class Category(models.Model):
    municipality = municipality_field()
    slug = models.SlugField(_("identifiant"), max_length=80)
    name = models.CharField(_("nom"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)

    objects = MunicipalManager()
    # The cooperative's view, across its municipalities.
    all_municipalities: models.Manager[Category] = models.Manager()

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "slug"], name="category_slug_per_municipality"
            )
        ]
        indexes = [
            models.Index(
                fields=["municipality", "position", "name"], name="category_municipality_list"
            )
        ]
        verbose_name = _("catégorie")
        verbose_name_plural = _("catégories")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portal:category", kwargs={"slug": self.slug})


class ProcedureQuerySet(MunicipalQuerySet["Procedure"]):
    def published(self) -> ProcedureQuerySet:
        return self.filter(is_published=True)


class Procedure(models.Model):
    """A procedure as the catalogue presents it to citizens."""

    municipality = municipality_field()
    slug = models.SlugField(_("identifiant"), max_length=100)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="procedures")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="procedures")
    title = models.CharField(_("titre"), max_length=200)
    summary = models.TextField(_("en bref"))
    audience = models.TextField(_("pour qui"))
    prepare = models.JSONField(_("à préparer"), default=list, blank=True)
    steps = models.JSONField(_("comment ça se passe"), default=list, blank=True)
    fee_amount = models.DecimalField(
        _("montant"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    fee_label = models.CharField(_("coût (texte)"), max_length=200, blank=True)
    processing_days = models.PositiveIntegerField(_("délai habituel (jours ouvrables)"))
    legal_deadline_days = models.PositiveIntegerField(
        _("délai légal (jours)"), null=True, blank=True
    )
    requires_eid = models.BooleanField(_("carte d'identité électronique requise"), default=False)
    allows_anonymous = models.BooleanField(_("possible sans compte"), default=False)
    legal_basis = models.TextField(_("base légale"), blank=True)
    keywords = models.JSONField(_("mots-clés et synonymes"), default=list, blank=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)
    is_published = models.BooleanField(_("publiée"), default=True)
    # The version new requests are filed with; None while the procedure
    # cannot be filed online yet.
    current_version = models.ForeignKey(
        "ProcedureVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("version en vigueur"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = MunicipalManager.from_queryset(ProcedureQuerySet)()
    all_municipalities: models.Manager[Procedure] = models.Manager()

    class Meta:
        ordering = ["position", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "slug"], name="procedure_slug_per_municipality"
            )
        ]
        indexes = [
            models.Index(
                fields=["municipality", "position", "title"], name="procedure_municipality_list"
            )
        ]
        verbose_name = _("démarche")
        verbose_name_plural = _("démarches")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("portal:procedure", kwargs={"slug": self.slug})

    @property
    def is_free(self) -> bool:
        return self.fee_amount is None or self.fee_amount == Decimal("0")

    @property
    def can_be_filed_online(self) -> bool:
        return self.current_version_id is not None and not self.requires_eid


class ProcedureVersion(models.Model):
    """One published definition of a procedure: never changed once written.

    Cases keep the version they were filed with, so a new version never
    changes the form, workflow or documents of a running case.
    """

    municipality = municipality_field()
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("numéro"))
    definition = models.JSONField(_("définition"))
    checksum = models.CharField(_("empreinte"), max_length=64)
    published_at = models.DateTimeField(_("publiée le"))

    objects = MunicipalManager()
    all_municipalities: models.Manager[ProcedureVersion] = models.Manager()

    class Meta:
        ordering = ["procedure", "number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="unique_version_number")
        ]
        verbose_name = _("version de démarche")
        verbose_name_plural = _("versions de démarche")

    def __str__(self) -> str:
        return f"{self.procedure.slug} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A version is written once, when it is published: it has no id before.
        if self.pk is not None:
            raise RuntimeError("A published procedure version never changes.")
        super().save(*args, **kwargs)

    @cached_property
    def spec(self) -> ProcedureDefinition:
        return ProcedureDefinition(self.definition)
