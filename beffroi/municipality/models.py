from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from beffroi.core.tenancy import MunicipalManager, municipality_field
from beffroi.municipality.validators import validate_brand_colour

# The article of the common nouns a municipality's official name starts with.
NAME_ARTICLES = {
    "ville": "la",
    "commune": "la",
    "cité": "la",
    "municipalité": "la",
    "administration": "l’",
    "cpas": "le",
}


def logo_path(instance: Municipality, filename: str) -> str:
    """A municipality's logo under its own prefix (``m<id>/``), beside its files."""
    prefix = f"m{instance.pk}/" if instance.pk else ""
    return f"{prefix}branding/{filename}"


class Municipality(models.Model):
    """A municipality the installation serves: its identity and its look.

    A lone city's installation has one; an intermunicipal cooperative's has
    one per commune it hosts, each recognised by its hosts.
    """

    name = models.CharField(_("nom"), max_length=120)
    # Names the municipality in commands, file prefixes and the demo.
    slug = models.SlugField(_("identifiant"), max_length=60, unique=True, null=True, blank=True)
    # A suspended municipality's portal and back-office answer « service suspendu ».
    is_suspended = models.BooleanField(_("suspendue"), default=False)
    short_name = models.CharField(_("nom court"), max_length=60, blank=True)
    welcome_title = models.CharField(_("titre d'accueil"), max_length=200, blank=True)
    welcome_text = models.TextField(_("texte d'accueil"), blank=True)
    logo = models.FileField(_("logo"), upload_to=logo_path, blank=True)
    logo_alt = models.CharField(_("texte alternatif du logo"), max_length=200, blank=True)
    brand_colour = models.CharField(
        _("couleur principale"), max_length=7, default="#1d4f91", validators=[validate_brand_colour]
    )
    accent_colour = models.CharField(
        _("couleur d'accent"), max_length=7, default="#8a1c1c", validators=[validate_brand_colour]
    )
    address = models.TextField(_("adresse"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    # [{"label": "Vie privée", "url": "/vie-privee/"}, ...]
    footer_links = models.JSONField(_("liens de pied de page"), default=list, blank=True)
    country = models.CharField(_("pays (code ISO)"), max_length=2, default="BE")
    subdivision = models.CharField(_("région (code ISO)"), max_length=10, blank=True, default="WAL")

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self) -> str:
        return self.name

    @property
    def name_with_article(self) -> str:
        """The name as a sentence says it: « la Ville de Tournai », « l’Administration
        communale de Flobecq », « Tournai » (a place's own name takes none)."""
        first_word = self.name.split(" ", 1)[0].casefold()
        article = NAME_ARTICLES.get(first_word, "")
        if article.endswith("’"):
            return f"{article}{self.name}"
        return f"{article} {self.name}" if article else self.name


class MunicipalityHost(models.Model):
    """A host name a municipality's portal answers on (``eguichet.tournai.be``)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="hosts")
    host = models.CharField(_("nom d'hôte"), max_length=253, unique=True)

    class Meta:
        verbose_name = _("adresse du guichet")
        verbose_name_plural = _("adresses du guichet")

    def __str__(self) -> str:
        return self.host

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.host = normalise_host(self.host)
        super().save(*args, **kwargs)


def normalise_host(host: str) -> str:
    """``Eguichet.Tournai.be:443`` and ``eguichet.tournai.be`` are one host."""
    host = host.strip().lower()
    if host.startswith("["):  # an IPv6 literal keeps its colons
        return host.split("]", 1)[0] + "]"
    if host.count(":") == 1:
        host = host.rsplit(":", 1)[0]
    return host.rstrip(".")


class Service(models.Model):
    """An organisational unit that processes requests or gives opinions."""

    class Kind(models.TextChoices):
        INTERNAL = "internal", _("service communal")
        PARTNER = "partner", _("partenaire externe")

    municipality = municipality_field()
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("nom"), max_length=120)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.INTERNAL)
    description = models.TextField(_("description"), blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    address = models.TextField(_("adresse"), blank=True)
    opening_hours = models.TextField(_("heures d'ouverture"), blank=True)
    is_active = models.BooleanField(_("actif"), default=True)

    objects = MunicipalManager()
    # The cooperative's view, across its municipalities.
    all_municipalities: models.Manager[Service] = models.Manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "code"], name="service_code_per_municipality"
            )
        ]
        indexes = [models.Index(fields=["municipality", "name"], name="service_municipality_name")]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """An agent's place in a service, with the role they hold there."""

    class Role(models.TextChoices):
        AGENT = "agent", _("agent")
        HEAD = "head", _("chef de service")
        MAIL_CLERK = "mail_clerk", _("agent du service courrier")
        FUNCTIONAL_ADMIN = "functional_admin", _("administrateur fonctionnel")

    municipality = municipality_field()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.AGENT)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MunicipalManager()
    all_municipalities: models.Manager[Membership] = models.Manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "service", "role"], name="unique_membership")
        ]
        # An agent's seats in the municipality at hand (read at every request).
        indexes = [
            models.Index(fields=["municipality", "user"], name="membership_municipality_user")
        ]
        verbose_name = _("affectation")
        verbose_name_plural = _("affectations")

    def __str__(self) -> str:
        return f"{self.user} — {self.service} ({self.get_role_display()})"


class PartnerZone(models.Model):
    """A partner serving several communes: a police zone, a fire-and-rescue zone.

    The installation's, not one municipality's (the cooperative keeps it): it
    has no ``municipality_id`` column, so row-level security lets every
    municipality's scope read it. Each commune it serves links one of its
    partner services to it (``PartnerZoneService``); its agents
    (``PartnerZoneMember``) see the opinions asked of those services, marked
    with the commune, and nothing else of the communes.
    """

    name = models.CharField(_("nom"), max_length=160, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=60, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("zone partenaire")
        verbose_name_plural = _("zones partenaires")

    def __str__(self) -> str:
        return self.name


class PartnerZoneMember(models.Model):
    """An agent of a partner zone (a user of the installation, whatever its host)."""

    zone = models.ForeignKey(PartnerZone, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_zone_seats"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["zone", "user"], name="partner_zone_member_once")
        ]
        verbose_name = _("agent de la zone")
        verbose_name_plural = _("agents de la zone")

    def __str__(self) -> str:
        return f"{self.user} — {self.zone}"


class PartnerZoneService(models.Model):
    """A commune's partner service that stands for the zone in that commune.

    The column is ``commune_id``, not ``municipality_id``: a ``municipality_id``
    column would make this a tenant table (``beffroi.core.rls``), and the
    zone's agents must read which communes it serves before they enter any
    commune's scope. The service's own row stays the commune's.
    """

    zone = models.ForeignKey(PartnerZone, on_delete=models.CASCADE, related_name="links")
    commune = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="partner_zone_links",
        verbose_name=_("commune"),
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        related_name="partner_zone_links",
        verbose_name=_("service"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # A commune's service answers for one zone at most.
            models.UniqueConstraint(fields=["service"], name="partner_zone_one_zone_per_service")
        ]
        indexes = [models.Index(fields=["zone", "commune"], name="partner_zone_link_commune")]
        verbose_name = _("service rattaché à la zone")
        verbose_name_plural = _("services rattachés à la zone")

    def __str__(self) -> str:
        return f"{self.zone} — {self.commune_id}/{self.service_id}"


# The settings' model lives in its own module; Django finds it here.
from beffroi.municipality.config import MunicipalityConfig as MunicipalityConfig  # noqa: E402
