"""The mail register: every letter, email and scan, numbered, read, routed, answered."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beffroi.core.tenancy import MunicipalManager, municipality_field


class Direction(models.TextChoices):
    INCOMING = "incoming", _("entrant")
    OUTGOING = "outgoing", _("sortant")


# E-2026-000123 (entrant), S-2026-000045 (sortant).
NUMBER_PREFIX = {Direction.INCOMING: "E", Direction.OUTGOING: "S"}


class Channel(models.TextChoices):
    SCAN = "scan", _("papier numérisé")
    PAPER = "paper", _("papier non numérisé")
    EMAIL = "email", _("courriel")
    WEB_FORM = "web_form", _("formulaire du site")
    COUNTER = "counter", _("guichet")
    PHONE = "phone", _("téléphone")


class Confidentiality(models.TextChoices):
    # Treating service, services in copy and the mail office.
    NORMAL = "normal", _("normal")
    # Treating service and the mail office: never sent in copy.
    CONFIDENTIAL = "confidential", _("confidentiel (sans copie)")
    # Only the treating service reads it; the mail office sees the register
    # line (number, date, sender) to route it, never the content.
    RESTRICTED = "restricted", _("restreint au service traitant")


class Status(models.TextChoices):
    TO_ROUTE = "to_route", _("à ventiler")
    ROUTED = "routed", _("ventilé")
    IN_TREATMENT = "in_treatment", _("en traitement")
    ANSWERED = "answered", _("répondu")
    CLOSED = "closed", _("clôturé")
    # Outgoing items only.
    DRAFT = "draft", _("brouillon")
    SENT = "sent", _("envoyé")


# What a service still has to do something about.
OPEN_STATUSES = (Status.ROUTED, Status.IN_TREATMENT)


class OcrStatus(models.TextChoices):
    NOT_NEEDED = "not_needed", _("sans objet")
    PENDING = "pending", _("en attente")
    RUNNING = "running", _("en cours")
    DONE = "done", _("effectuée")
    NOT_AVAILABLE = "not_available", _("non disponible")
    FAILED = "failed", _("échec")


class Contact(models.Model):
    """A sender or recipient: a person or an organisation, from the directory.

    ``user`` links a person to their citizen account, ``organisation`` an
    organisation to the one the city validated, when the link is known (they
    wrote through the portal while logged in, or an agent linked them): never
    guessed from an email address, which anyone can type.
    """

    class Kind(models.TextChoices):
        PERSON = "person", _("personne")
        ORGANISATION = "organisation", _("organisation")

    municipality = municipality_field()
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(_("nom"), max_length=200)
    email = models.EmailField(_("adresse e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    street = models.CharField(_("adresse"), max_length=200, blank=True)
    postcode = models.CharField(_("code postal"), max_length=20, blank=True)
    city = models.CharField(_("localité"), max_length=100, blank=True)
    country = models.CharField(_("pays"), max_length=2, default="BE", blank=True)
    enterprise_number = models.CharField(_("numéro d'entreprise"), max_length=10, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mail_contacts",
        verbose_name=_("compte citoyen"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mail_contacts",
        verbose_name=_("organisation"),
    )
    # Accent- and case-folded name, to find a contact again as typed.
    folded_name = models.CharField(max_length=200, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MunicipalManager["Contact"]()
    # Cooperative-level code only: every municipality's rows.
    all_municipalities = models.Manager["Contact"]()

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["municipality", "name", "id"], name="mail_contact_name"),
            models.Index(fields=["municipality", "email"], name="mail_contact_email"),
            models.Index(fields=["municipality", "folded_name"], name="mail_contact_folded_name"),
        ]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.email else self.name


class DocumentType(models.Model):
    """What a letter is (invoice, complaint, appeal…): sets its treatment time."""

    municipality = municipality_field()
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("nom"), max_length=120)
    treatment_days = models.PositiveSmallIntegerField(
        _("délai de traitement (jours ouvrables)"), default=20
    )
    default_service = models.ForeignKey(
        "municipality.Service",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("service traitant par défaut"),
    )
    is_active = models.BooleanField(_("actif"), default=True)

    objects = MunicipalManager["DocumentType"]()
    all_municipalities = models.Manager["DocumentType"]()

    class Meta:
        ordering = ["name"]
        constraints = [
            # Each municipality names its own types.
            models.UniqueConstraint(fields=["municipality", "code"], name="mail_document_type_code")
        ]
        verbose_name = _("type de document")
        verbose_name_plural = _("types de document")

    def __str__(self) -> str:
        return self.name


class ReplyTemplate(models.Model):
    """A model of reply; ``{{ variables }}`` are filled from the incoming item."""

    municipality = municipality_field()
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("nom"), max_length=120)
    subject = models.CharField(_("objet"), max_length=300)
    body = models.TextField(_("texte"))
    is_active = models.BooleanField(_("actif"), default=True)

    objects = MunicipalManager["ReplyTemplate"]()
    all_municipalities = models.Manager["ReplyTemplate"]()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "code"], name="mail_reply_template_code"
            )
        ]
        verbose_name = _("modèle de réponse")
        verbose_name_plural = _("modèles de réponse")

    def __str__(self) -> str:
        return self.name


class MailItem(models.Model):
    """One line of the incoming or the outgoing register."""

    municipality = municipality_field()
    direction = models.CharField(_("sens"), max_length=8, choices=Direction.choices)
    year = models.PositiveSmallIntegerField(_("année"))
    sequence = models.PositiveIntegerField(_("numéro d'ordre"))
    number = models.CharField(_("numéro d'enregistrement"), max_length=20)
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices)
    received_on = models.DateField(_("reçu le"), null=True, blank=True)
    registered_at = models.DateTimeField(_("enregistré le"), default=timezone.now)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    sender = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sent_items",
        verbose_name=_("expéditeur"),
    )
    recipient = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received_items",
        verbose_name=_("destinataire"),
    )
    subject = models.CharField(_("objet"), max_length=300, blank=True)
    document_type = models.ForeignKey(
        DocumentType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
        verbose_name=_("type de document"),
    )
    confidentiality = models.CharField(
        _("confidentialité"),
        max_length=12,
        choices=Confidentiality.choices,
        default=Confidentiality.NORMAL,
    )
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    treating_service = models.ForeignKey(
        "municipality.Service",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mail_items",
        verbose_name=_("service traitant"),
    )
    copies = models.ManyToManyField(
        "municipality.Service",
        blank=True,
        related_name="mail_copies",
        verbose_name=_("services en copie"),
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_mail",
        verbose_name=_("agent traitant"),
    )
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.TO_ROUTE
    )
    due_on = models.DateField(_("échéance"), null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(_("clôturé le"), null=True, blank=True)
    ocr_status = models.CharField(
        _("OCR"), max_length=14, choices=OcrStatus.choices, default=OcrStatus.NOT_NEEDED
    )
    ocr_reason = models.CharField(_("motif (OCR)"), max_length=500, blank=True)
    ocr_started_at = models.DateTimeField(null=True, blank=True)
    # Email body, web form message or what the clerk typed from a call...
    text = models.TextField(_("texte"), blank=True)
    # ...and what OCR read in the files: both are searched.
    ocr_text = models.TextField(_("texte lu par OCR"), blank=True)
    # Outgoing items: the letter itself, drafted from a template.
    body = models.TextField(_("texte de la lettre"), blank=True)
    send_method = models.CharField(
        _("mode d'envoi"),
        max_length=8,
        blank=True,
        choices=[("email", _("par courriel")), ("print", _("imprimé et posté"))],
    )
    in_reply_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replies",
        verbose_name=_("en réponse à"),
    )
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mail_items",
        verbose_name=_("demande liée"),
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mail_items",
        verbose_name=_("citoyen lié"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mail_items",
        verbose_name=_("organisation liée"),
    )
    # Where it came from, for idempotent imports: "email:<Message-ID>", "scan:<sha256>".
    source_key = models.CharField(max_length=300, blank=True)
    # Metadata words (sender, type, number) searched with the text.
    search_meta = models.TextField(blank=True)
    # Folded, stemmed words for the search fallback outside PostgreSQL, which
    # searches a generated tsvector column instead (see migration 0002).
    search_text = models.TextField(blank=True)
    # Who may find it, as lexemes of that tsvector ("zt4 za12 zc7": treated by
    # service 4, assigned to user 12, in copy to service 7): the index then
    # only returns what the agent may see (see search_sql.py).
    search_keys = models.CharField(max_length=500, blank=True)
    # What the routing model learned from this item, to unlearn it when rerouted.
    routing_learned = models.JSONField(default=dict, blank=True)
    # Bumped by every change: two agents acting at once cannot overwrite
    # each other (optimistic locking).
    lock_version = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = MunicipalManager["MailItem"]()
    all_municipalities = models.Manager["MailItem"]()

    class Meta:
        ordering = ["-year", "-sequence"]
        constraints = [
            # Each municipality numbers its registers from 1 every year; the
            # constraint also serves the register's lists, newest number first.
            models.UniqueConstraint(
                fields=["municipality", "direction", "year", "sequence"],
                name="mail_unique_sequence",
            ),
            models.UniqueConstraint(fields=["municipality", "number"], name="mail_unique_number"),
            # The same email sent to two municipalities is registered by each.
            models.UniqueConstraint(
                fields=["municipality", "source_key"],
                condition=~Q(source_key=""),
                name="mail_unique_source",
            ),
        ]
        indexes = [
            # Inboxes: open items of a service (or an agent), due date first.
            models.Index(
                fields=["municipality", "treating_service", "due_on", "id"],
                name="mail_open_service_due",
                condition=Q(status__in=["routed", "in_treatment"]),
            ),
            models.Index(
                fields=["municipality", "assigned_to", "due_on", "id"],
                name="mail_open_agent_due",
                condition=Q(status__in=["routed", "in_treatment"]),
            ),
            # The mail office's queue.
            models.Index(
                fields=["municipality", "registered_at"],
                name="mail_to_route",
                condition=Q(status="to_route"),
            ),
            models.Index(
                fields=["municipality", "treating_service", "-id"], name="mail_service_recent"
            ),
            # The register: one direction, newest first (mail_search orders by id).
            models.Index(fields=["municipality", "direction", "-id"], name="mail_register"),
            models.Index(fields=["municipality", "direction", "received_on"], name="mail_received"),
            models.Index(fields=["municipality", "citizen", "-id"], name="mail_citizen"),
            models.Index(fields=["municipality", "organisation", "-id"], name="mail_organisation"),
        ]
        verbose_name = _("courrier")
        verbose_name_plural = _("courriers")

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("backoffice:mail_item", kwargs={"pk": self.pk})

    @property
    def is_incoming(self) -> bool:
        return self.direction == Direction.INCOMING

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES or self.status == Status.TO_ROUTE

    @property
    def deadline(self) -> datetime.date | None:
        """The due date, named as on cases so both merge in one inbox."""
        return self.due_on

    @property
    def reference(self) -> str:
        return self.number

    @property
    def title(self) -> str:
        return self.subject or str(_("(sans objet)"))

    @property
    def is_overdue(self) -> bool:
        return (
            self.due_on is not None
            and self.status in OPEN_STATUSES
            and self.due_on < timezone.localdate()
        )

    @property
    def correspondent(self) -> Contact | None:
        return self.sender if self.is_incoming else self.recipient


class MailFile(models.Model):
    """A file of a mail item: an original (immutable) or a file derived from one."""

    class Role(models.TextChoices):
        ORIGINAL = "original", _("original")
        SEARCHABLE_PDF = "searchable_pdf", _("PDF/A avec texte")
        TEXT = "text", _("texte extrait")

    municipality = municipality_field()
    item = models.ForeignKey(MailItem, on_delete=models.CASCADE, related_name="files")
    stored = models.ForeignKey("documents.StoredFile", on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(_("nom du fichier"), max_length=255)
    role = models.CharField(_("rôle"), max_length=16, choices=Role.choices)
    derived_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="derived"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MunicipalManager["MailFile"]()
    all_municipalities = models.Manager["MailFile"]()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "stored", "role"], name="mail_file_unique_per_role"
            )
        ]
        verbose_name = _("fichier du courrier")
        verbose_name_plural = _("fichiers du courrier")

    def __str__(self) -> str:
        return self.filename

    @property
    def sha256(self) -> str:
        return self.stored.sha256


class MailNote(models.Model):
    """An internal note: agents only, never sent to the correspondent."""

    municipality = municipality_field()
    item = models.ForeignKey(MailItem, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(default=timezone.now)

    objects = MunicipalManager["MailNote"]()
    all_municipalities = models.Manager["MailNote"]()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("note interne")
        verbose_name_plural = _("notes internes")

    def __str__(self) -> str:
        return f"note {self.pk} on {self.item_id}"


class RoutingClass(models.Model):
    """How many routed items taught the model a service (or document type)."""

    class Kind(models.TextChoices):
        SERVICE = "service", _("service")
        DOCUMENT_TYPE = "type", _("type de document")

    municipality = municipality_field()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    target_id = models.BigIntegerField()
    documents = models.IntegerField(default=0)
    # Sum of the feature counts of those items (the multinomial's denominator).
    features = models.BigIntegerField(default=0)

    objects = MunicipalManager["RoutingClass"]()
    all_municipalities = models.Manager["RoutingClass"]()

    class Meta:
        constraints = [
            # Each municipality's model learns from its own routings.
            models.UniqueConstraint(
                fields=["municipality", "kind", "target_id"], name="mail_routing_class"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.target_id}"


class RoutingFeature(models.Model):
    """How often a feature (a word stem, a sender) was seen with a class."""

    municipality = municipality_field()
    kind = models.CharField(max_length=8, choices=RoutingClass.Kind.choices)
    target_id = models.BigIntegerField()
    feature = models.CharField(max_length=100)
    count = models.IntegerField(default=0)

    objects = MunicipalManager["RoutingFeature"]()
    all_municipalities = models.Manager["RoutingFeature"]()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "kind", "feature", "target_id"],
                name="mail_routing_feature",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.target_id}:{self.feature}"
