"""The city's public agenda and its business directory.

Both are filled by requests (« Créer un événement », « Créer / gérer la page
de mon commerce », an authorised event request) and show nothing before an
agent approved it: an event is ``pending`` until published, a business page
keeps what is published apart from the change waiting for review.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from beffroi.cases.formengine import format_address
from beffroi.core.identifiers import format_phone
from beffroi.core.tenancy import MunicipalManager, municipality_field


def _format_address(address: dict[str, Any]) -> str:
    return format_address(address) if address else ""


# The longest an event may last: the agenda looks that far back for events
# still running, so its query stays a short range of its index.
LONGEST_DAYS = 366


class AgendaEvent(models.Model):
    class Category(models.TextChoices):
        MUSIC = "music", _("Musique")
        SHOW = "show", _("Spectacle, théâtre, danse")
        EXHIBITION = "exhibition", _("Exposition")
        TALK = "talk", _("Conférence, rencontre, atelier")
        FAMILY = "family", _("Enfants et famille")
        SPORT = "sport", _("Sport")
        MARKET = "market", _("Marché, brocante")
        FESTIVAL = "festival", _("Fête, folklore, festival")
        HERITAGE = "heritage", _("Patrimoine, visite guidée")
        NATURE = "nature", _("Nature, promenade")
        OTHER = "other", _("Autre")

    class Status(models.TextChoices):
        PENDING = "pending", _("à relire")
        PUBLISHED = "published", _("publié")
        WITHDRAWN = "withdrawn", _("retiré")

    class Access(models.TextChoices):
        YES = "yes", _("Accessible en chaise roulante")
        PARTLY = "partly", _("Accessible en partie en chaise roulante")
        NO = "no", _("Pas accessible en chaise roulante")

    municipality = municipality_field()
    title = models.CharField(_("titre"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(
        _("rubrique"), max_length=20, choices=Category.choices, default=Category.OTHER
    )
    place_name = models.CharField(_("lieu"), max_length=150, blank=True)
    # {street, number, box, postcode, city, country}, as the forms store it.
    address = models.JSONField(_("adresse"), default=dict, blank=True)
    # Folded place name and address, for the place filter.
    place_search = models.CharField(max_length=400, blank=True, editable=False)
    # An all-day event runs from midnight of its first day to midnight after
    # its last day (local time): the end is exclusive, as in iCalendar. No
    # event lasts more than LONGEST_DAYS (the agenda's queries rely on it).
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    all_day = models.BooleanField(_("toute la journée"), default=True)
    hours = models.CharField(_("horaire"), max_length=200, blank=True)
    is_free = models.BooleanField(_("entrée gratuite"), default=False)
    price = models.CharField(_("prix"), max_length=150, blank=True)
    wheelchair_access = models.CharField(
        _("accès en chaise roulante"), max_length=10, choices=Access.choices, blank=True
    )
    website = models.CharField(_("site web"), max_length=300, blank=True)
    # Shown to the public only when the organiser agreed (organiser_public).
    organiser_name = models.CharField(_("organisateur"), max_length=150, blank=True)
    organiser_contact = models.CharField(_("contact de l'organisateur"), max_length=150, blank=True)
    organiser_public = models.BooleanField(
        _("l'organisateur accepte que son nom et son contact soient publiés"), default=False
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("retiré le"), null=True, blank=True)
    # Bumped by every change made after publication (iCalendar SEQUENCE).
    sequence = models.PositiveIntegerField(default=0)
    source_case = models.OneToOneField(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda_event",
        verbose_name=_("demande"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda_events",
        verbose_name=_("organisation"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MunicipalManager["AgendaEvent"]()
    # Cooperative-level code only: every municipality's rows.
    all_municipalities = models.Manager["AgendaEvent"]()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            # The public agenda: published events by start, their end read
            # from the index itself to skip those already over.
            models.Index(
                fields=["municipality", "starts_at", "id", "ends_at"],
                name="agenda_event_public",
                condition=Q(status="published"),
            ),
            models.Index(
                fields=["municipality", "status", "-created_at"], name="agenda_event_status"
            ),
        ]
        verbose_name = _("événement de l'agenda")
        verbose_name_plural = _("événements de l'agenda")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("portal:agenda_event", kwargs={"pk": self.pk})

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def address_text(self) -> str:
        return _format_address(self.address)

    @property
    def location_text(self) -> str:
        """The place and its address on one line."""
        parts = [self.place_name, *self.address_text.splitlines()]
        return ", ".join(part for part in parts if part)

    @property
    def public_organiser_name(self) -> str:
        return self.organiser_name if self.organiser_public else ""

    @property
    def public_organiser_contact(self) -> str:
        return self.organiser_contact if self.organiser_public else ""


class DirectoryEntry(models.Model):
    """A business's page in the city's directory.

    The fields below are what the public sees. A proposal waiting for
    review (a new page, or a change to a published one) is kept apart in
    ``pending`` and replaces them only when an agent approves it.
    """

    class Category(models.TextChoices):
        FOOD = "food", _("Alimentation")
        HORECA = "horeca", _("Restaurant, café, hôtel")
        FASHION = "fashion", _("Mode, chaussures, accessoires")
        HOME = "home", _("Maison, décoration, bricolage")
        BEAUTY = "beauty", _("Beauté et bien-être")
        HEALTH = "health", _("Santé")
        LEISURE = "culture_leisure", _("Culture, loisirs, sport")
        SERVICES = "services", _("Services")
        CRAFT = "craft", _("Artisans et construction")
        OTHER = "other", _("Autre")

    class Status(models.TextChoices):
        PENDING = "pending", _("à relire")
        PUBLISHED = "published", _("publiée")
        WITHDRAWN = "withdrawn", _("retirée")

    # What the public sees (empty until the first approval).
    municipality = municipality_field()
    name = models.CharField(_("nom"), max_length=150, blank=True)
    description = models.TextField(_("présentation"), blank=True)
    category = models.CharField(
        _("rubrique"), max_length=20, choices=Category.choices, default=Category.OTHER
    )
    address = models.JSONField(_("adresse"), default=dict, blank=True)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.CharField(_("site web"), max_length=300, blank=True)
    opening_hours = models.TextField(_("heures d'ouverture"), blank=True)
    # Folded name (alphabetical order whatever the accents), and folded
    # name, description and address words for the search box.
    sort_name = models.CharField(max_length=150, blank=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("retirée le"), null=True, blank=True)
    # The proposal waiting for review: {field: value}, and "withdraw": true
    # when the business closes. Never shown to the public.
    pending = models.JSONField(_("modification à relire"), default=dict, blank=True)
    pending_case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("demande à relire"),
    )
    # Not published: it finds the page again when its owner changes it.
    enterprise_number = models.CharField(_("numéro d'entreprise"), max_length=10, blank=True)
    source_case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("demande de création"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directory_entries",
        verbose_name=_("organisation"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MunicipalManager["DirectoryEntry"]()
    all_municipalities = models.Manager["DirectoryEntry"]()

    class Meta:
        ordering = ["sort_name", "id"]
        indexes = [
            models.Index(
                fields=["municipality", "category", "sort_name", "id"],
                name="directory_public",
                condition=Q(status="published"),
            ),
            models.Index(
                fields=["municipality", "enterprise_number"], name="directory_enterprise_number"
            ),
        ]
        verbose_name = _("page de l'annuaire")
        verbose_name_plural = _("pages de l'annuaire")

    def __str__(self) -> str:
        return self.name or str(self.pending.get("name", "")) or f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("portal:directory_entry", kwargs={"pk": self.pk})

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def address_text(self) -> str:
        return _format_address(self.address)

    @property
    def phone_text(self) -> str:
        return format_phone(self.phone) if self.phone else ""

    # Both read the prefetched images (``directory_entry_public``).
    @property
    def logo(self) -> DirectoryImage | None:
        return next((image for image in self.images.all() if image.kind == "logo"), None)

    @property
    def photos(self) -> list[DirectoryImage]:
        return [image for image in self.images.all() if image.kind == "photo"]

    @property
    def has_pending_change(self) -> bool:
        return bool(self.pending)

    def pending_value(self, field: str) -> Any:
        return self.pending.get(field, getattr(self, field, None))


class DirectoryImage(models.Model):
    """A logo or a photo shown on a published directory page.

    Only approved images have a row: a proposal's images wait, as the
    case's attachments, until an agent approves the page. The applicant
    agreed to their publication (the form's consent is required).
    """

    class Kind(models.TextChoices):
        LOGO = "logo", _("logo")
        PHOTO = "photo", _("photo")

    municipality = municipality_field()
    entry = models.ForeignKey(DirectoryEntry, on_delete=models.CASCADE, related_name="images")
    kind = models.CharField(_("type"), max_length=5, choices=Kind.choices)
    file = models.ForeignKey("documents.StoredFile", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    objects = MunicipalManager["DirectoryImage"]()
    all_municipalities = models.Manager["DirectoryImage"]()

    class Meta:
        ordering = ["kind", "position", "id"]
        indexes = [models.Index(fields=["municipality", "entry", "kind"])]
        verbose_name = _("image de l'annuaire")
        verbose_name_plural = _("images de l'annuaire")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.position + 1} — {self.entry}"

    def get_absolute_url(self) -> str:
        return reverse("portal:directory_image", kwargs={"pk": self.entry_id, "image_pk": self.pk})

    @property
    def alt_text(self) -> str:
        if self.kind == self.Kind.LOGO:
            return str(_("Logo de %(name)s") % {"name": self.entry.name})
        return str(
            _("Photo %(number)s de %(name)s")
            % {"number": self.position + 1, "name": self.entry.name}
        )
