from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
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


class ProcedureTemplate(models.Model):
    """A procedure the cooperative publishes once for every municipality it hosts.

    Installation-wide, like the cooperative that writes it: no municipality.
    Each municipality adopts it (``TemplateAdoption``) as a procedure of its own.
    """

    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    latest_version = models.ForeignKey(
        "ProcedureTemplateVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("dernière version"),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("modèle de démarche")
        verbose_name_plural = _("modèles de démarche")

    def __str__(self) -> str:
        return self.title


class ProcedureTemplateVersion(models.Model):
    """One published version of a template, in the shipped format: never changed.

    It carries what a procedure's catalogue entry says (texts, fee, delays)
    and its fileable definition; ``category`` and ``service`` are the
    cooperative's suggestions, each municipality choosing its own.
    """

    template = models.ForeignKey(
        ProcedureTemplate, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("numéro"))
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
    suggested_category = models.SlugField(_("catégorie proposée"), max_length=80, blank=True)
    suggested_service = models.SlugField(_("service proposé"), max_length=50, blank=True)
    definition = models.JSONField(_("définition"), default=dict, blank=True)
    # Over the whole file (texts and definition): a new version only when it changed.
    checksum = models.CharField(_("empreinte"), max_length=64)
    published_at = models.DateTimeField(_("publiée le"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("publiée par"),
    )

    class Meta:
        ordering = ["template", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "number"], name="unique_template_version_number"
            )
        ]
        verbose_name = _("version de modèle")
        verbose_name_plural = _("versions de modèle")

    def __str__(self) -> str:
        return f"{self.template.slug} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Written once, when the cooperative publishes it; adoptions point at it.
        if self.pk is not None:
            raise RuntimeError("A published template version never changes.")
        super().save(*args, **kwargs)


class TemplateAdoption(models.Model):
    """A municipality's procedure made from a cooperative's template.

    It remembers the template version the procedure follows and what the
    municipality changed: a blank text or a null amount follows the template,
    so a new version brings its new texts where the municipality kept them.
    The category, service, address and publication are the procedure's own.
    """

    municipality = municipality_field()
    procedure = models.OneToOneField(
        Procedure, on_delete=models.PROTECT, related_name="template_adoption"
    )
    template = models.ForeignKey(
        ProcedureTemplate, on_delete=models.PROTECT, related_name="adoptions"
    )
    template_version = models.ForeignKey(
        ProcedureTemplateVersion,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("version du modèle suivie"),
    )
    title = models.CharField(_("titre de la commune"), max_length=200, blank=True)
    summary = models.TextField(_("en bref, de la commune"), blank=True)
    audience = models.TextField(_("pour qui, selon la commune"), blank=True)
    fee_amount = models.DecimalField(
        _("montant de la commune"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    fee_label = models.CharField(_("coût (texte) de la commune"), max_length=200, blank=True)
    adopted_at = models.DateTimeField(_("adopté le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    objects = MunicipalManager()
    all_municipalities: models.Manager[TemplateAdoption] = models.Manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "template"], name="template_adopted_once_per_municipality"
            )
        ]
        verbose_name = _("adoption de modèle")
        verbose_name_plural = _("adoptions de modèle")

    def __str__(self) -> str:
        return f"{self.template.slug} → {self.procedure.slug}"
