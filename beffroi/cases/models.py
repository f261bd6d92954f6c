from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beffroi.catalogue.conditions import CASE_ATTRIBUTES
from beffroi.catalogue.definition import ProcedureDefinition
from beffroi.catalogue.selectors import version_spec
from beffroi.core.tenancy import MunicipalManager, MunicipalQuerySet, municipality_field


class Channel(models.TextChoices):
    WEB = "web", _("en ligne")
    COUNTER = "counter", _("au guichet")
    PHONE = "phone", _("par téléphone")
    LETTER = "letter", _("par courrier")
    EMAIL = "email", _("par e-mail")


class Draft(models.Model):
    """A request being filled in: saved at every page, resumable, never lost.

    Its id is an unguessable UUID: for a request filed without an account it
    is the only key to the draft, kept in the visitor's session and URL.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    municipality = municipality_field()
    procedure = models.ForeignKey(
        "catalogue.Procedure", on_delete=models.CASCADE, related_name="drafts"
    )
    version = models.ForeignKey(
        "catalogue.ProcedureVersion", on_delete=models.PROTECT, related_name="drafts"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="drafts",
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    # The association or business the request is made for (its validated card).
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drafts",
    )
    # The counter agent filling the form for someone who came in.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answers = models.JSONField(default=dict, blank=True)
    # What was typed on a page that did not validate yet, exactly as typed
    # (or posted after the owner's session timed out): shown again, with its
    # messages, when the page is opened, so nothing typed is ever lost.
    raw_pages = models.JSONField(default=dict, blank=True)
    last_page = models.CharField(max_length=63, blank=True)
    case = models.OneToOneField(
        "Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="draft"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MunicipalManager()
    # The cooperative's view, across its municipalities.
    all_municipalities: models.Manager[Draft] = models.Manager()

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            models.Index(
                fields=["municipality", "owner", "-updated_at"], name="draft_municipality_owner"
            )
        ]
        verbose_name = _("brouillon")
        verbose_name_plural = _("brouillons")

    def __str__(self) -> str:
        return f"{self.procedure_id} draft {self.id}"

    @property
    def spec(self) -> ProcedureDefinition:
        return version_spec(self.version_id)

    @property
    def is_submitted(self) -> bool:
        return self.case_id is not None


class CaseQuerySet(MunicipalQuerySet["Case"]):
    def open(self) -> CaseQuerySet:
        return self.filter(closed_at__isnull=True)


class Case(models.Model):
    """A request filed by a citizen, through any channel, and its processing."""

    municipality = municipality_field()
    # Each municipality numbers its own cases (its own counter).
    reference = models.CharField(_("référence"), max_length=20)
    # Random and unique across the installation, but looked up in the
    # current municipality only.
    tracking_code = models.CharField(_("code de suivi"), max_length=8, unique=True)
    procedure = models.ForeignKey(
        "catalogue.Procedure", on_delete=models.PROTECT, related_name="cases"
    )
    version = models.ForeignKey(
        "catalogue.ProcedureVersion", on_delete=models.PROTECT, related_name="cases"
    )
    service = models.ForeignKey(
        "municipality.Service", on_delete=models.PROTECT, related_name="cases"
    )
    status = models.CharField(_("statut"), max_length=63)
    # Where a case waiting for the citizen's answer goes back to.
    return_status = models.CharField(max_length=63, blank=True)
    channel = models.CharField(
        _("canal"), max_length=10, choices=Channel.choices, default=Channel.WEB
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    applicant_email = models.EmailField(_("e-mail du demandeur"), blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("au nom de"),
    )
    applicant_name = models.CharField(_("demandeur"), max_length=200, blank=True)
    summary = models.CharField(_("objet"), max_length=300, blank=True)
    # Folded words (names, reference, code) for the agents' search.
    search_text = models.TextField(blank=True)
    answers = models.JSONField(default=dict)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
        verbose_name=_("agent"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("introduite le"))
    deadline = models.DateField(_("échéance"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("statut depuis le"))
    closed_at = models.DateTimeField(_("clôturée le"), null=True, blank=True)
    # Bumped by every change: two agents acting at once cannot overwrite
    # each other (optimistic locking).
    lock_version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MunicipalManager.from_queryset(CaseQuerySet)()
    all_municipalities: models.Manager[Case] = models.Manager()

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "reference"], name="case_reference_per_municipality"
            )
        ]
        # Every list now also says ``municipality_id = X``: it leads each index.
        indexes = [
            # Inboxes: open cases of a service (or an agent), deadline first,
            # and a service's open cases counted per status.
            models.Index(
                fields=["municipality", "service", "deadline", "id"],
                name="case_open_service_deadline",
                condition=Q(closed_at__isnull=True),
            ),
            models.Index(
                fields=["municipality", "assigned_to", "deadline", "id"],
                name="case_open_agent_deadline",
                condition=Q(closed_at__isnull=True),
            ),
            models.Index(
                fields=["municipality", "service", "status"],
                name="case_open_service_status",
                condition=Q(closed_at__isnull=True),
            ),
            models.Index(fields=["municipality", "service", "status"], name="case_service_status"),
            models.Index(
                fields=["municipality", "service", "-submitted_at"], name="case_service_submitted"
            ),
            models.Index(
                fields=["municipality", "applicant", "-submitted_at"], name="case_applicant"
            ),
            models.Index(
                fields=["municipality", "-submitted_at"], name="case_municipality_submitted"
            ),
        ]
        verbose_name = _("demande")
        verbose_name_plural = _("demandes")

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("portal:case_detail", kwargs={"reference": self.reference})

    @property
    def spec(self) -> ProcedureDefinition:
        return version_spec(self.version_id)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def status_label(self) -> str:
        return self.spec.status_label(self.status)

    @property
    def agent_status_label(self) -> str:
        return self.spec.status_label(self.status, agent=True)

    @property
    def next_step(self) -> str:
        return str(self.spec.statuses.get(self.status, {}).get("next_step", ""))

    @property
    def waits_for_citizen(self) -> bool:
        return bool(self.spec.statuses.get(self.status, {}).get("waits_for_citizen"))

    @property
    def is_overdue(self) -> bool:
        return (
            self.deadline is not None
            and not self.is_closed
            and self.deadline < timezone.localdate()
        )

    def condition_context(self) -> Mapping[str, Any]:
        """The case's attributes conditions may read ({case: ...}), computed on demand."""
        return CaseAttributes(self)


# Payment statuses (payments.Payment) in which the procedure's fee counts as paid.
FEE_PAID_STATUSES = ("paid", "refunded_partially")


class CaseAttributes(Mapping[str, Any]):
    """A case seen by the condition language; counts are queried only if read."""

    def __init__(self, case: Case) -> None:
        self.case = case

    def __getitem__(self, key: str) -> Any:
        case = self.case
        if key == "channel":
            return case.channel
        if key == "status":
            return case.status
        if key == "service":
            return case.service.code
        if key == "opinions_requested":
            return case.opinions.count()
        if key == "opinions_pending":
            return case.opinions.filter(given_at__isnull=True).count()
        if key == "opinions_unfavourable":
            return case.opinions.filter(verdict=Opinion.Verdict.UNFAVOURABLE).count()
        if key == "fee_paid":
            # Read through the relation: the payments app sits above this one.
            return case.payments.filter(due_key="filing", status__in=FEE_PAID_STATUSES).exists()
        if key == "amounts_unpaid":
            return case.amounts_due.filter(paid_at__isnull=True).count()
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(CASE_ATTRIBUTES)

    def __len__(self) -> int:
        return len(CASE_ATTRIBUTES)


class Attachment(models.Model):
    """A file a citizen or an agent gave, under the name they gave it.

    It belongs to a draft while the form is filled in, then to the case
    (``field_id`` set), or to a message.
    """

    municipality = municipality_field()
    file = models.ForeignKey("documents.StoredFile", on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(_("nom du fichier"), max_length=200)
    field_id = models.CharField(max_length=63, blank=True)
    draft = models.ForeignKey(
        Draft, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    message = models.ForeignKey(
        "Message", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    opinion = models.ForeignKey(
        "Opinion", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = MunicipalManager()
    all_municipalities: models.Manager[Attachment] = models.Manager()

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")

    def __str__(self) -> str:
        return self.filename


class Message(models.Model):
    """A message between the service and the citizen, seen by both."""

    class Direction(models.TextChoices):
        TO_CITIZEN = "to_citizen", _("du service au demandeur")
        FROM_CITIZEN = "from_citizen", _("du demandeur au service")

    municipality = municipality_field()
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=15, choices=Direction.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("message"))
    # A question the case waits on, and when the citizen answered it.
    is_information_request = models.BooleanField(default=False)
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = MunicipalManager()
    all_municipalities: models.Manager[Message] = models.Manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.case_id} {self.direction}"


class Note(models.Model):
    """An agents-only note on a case: never shown to the citizen."""

    municipality = municipality_field()
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(default=timezone.now)

    objects = MunicipalManager()
    all_municipalities: models.Manager[Note] = models.Manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("note interne")
        verbose_name_plural = _("notes internes")

    def __str__(self) -> str:
        return f"note {self.pk} on {self.case_id}"


class CaseEvent(models.Model):
    """One line of a case's history, as the citizen and the agents read it."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("demande introduite")
        STATUS = "status", _("changement de statut")
        MESSAGE = "message", _("message")
        NOTE = "note", _("note interne")
        ASSIGNED = "assigned", _("attribution")
        DEADLINE = "deadline", _("échéance")
        DOCUMENT = "document", _("document délivré")
        EMAIL = "email", _("e-mail envoyé")
        REMINDER = "reminder", _("rappel")
        PAYMENT = "payment", _("paiement")

    municipality = municipality_field()
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=15, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    from_status = models.CharField(max_length=63, blank=True)
    to_status = models.CharField(max_length=63, blank=True)
    text = models.TextField(blank=True)
    visible_to_citizen = models.BooleanField(default=True)

    objects = MunicipalManager()
    all_municipalities: models.Manager[CaseEvent] = models.Manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"])]
        verbose_name = _("événement")
        verbose_name_plural = _("historique")

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class CaseTimer(models.Model):
    """A workflow timer: remind, or take a transition, when it falls due.

    Created when the case enters a status, cancelled when it leaves it;
    fired by a periodic job that claims each timer with a conditional UPDATE.
    """

    class Kind(models.TextChoices):
        REMIND = "remind", _("rappel")
        TRANSITION = "transition", _("transition automatique")

    municipality = municipality_field()
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timers")
    status = models.CharField(max_length=63)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    transition = models.CharField(max_length=63, blank=True)
    due_at = models.DateTimeField()
    fired_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = MunicipalManager()
    all_municipalities: models.Manager[CaseTimer] = models.Manager()

    class Meta:
        indexes = [
            models.Index(
                fields=["municipality", "due_at"],
                name="casetimer_pending_due",
                condition=Q(fired_at__isnull=True, cancelled_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} at {self.due_at:%Y-%m-%d %H:%M}"


class Opinion(models.Model):
    """The opinion ("avis") of another service on a case, asked in parallel.

    The advising service sees the case only through its opinion: the answers
    and files it needs, never the notes, messages or other opinions.
    """

    class Verdict(models.TextChoices):
        FAVOURABLE = "favourable", _("favorable")
        WITH_CONDITIONS = "with_conditions", _("favorable sous conditions")
        UNFAVOURABLE = "unfavourable", _("défavorable")

    municipality = municipality_field()
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="opinions")
    service = models.ForeignKey(
        "municipality.Service", on_delete=models.PROTECT, related_name="opinions"
    )
    question = models.TextField(_("question posée"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    due_date = models.DateField(_("attendu pour le"))
    verdict = models.CharField(_("avis"), max_length=20, choices=Verdict.choices, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    given_at = models.DateTimeField(_("rendu le"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = MunicipalManager()
    all_municipalities: models.Manager[Opinion] = models.Manager()

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "service"], name="one_opinion_per_service")
        ]
        indexes = [
            models.Index(
                fields=["municipality", "service", "due_date"],
                name="opinion_pending_service",
                condition=Q(given_at__isnull=True),
            )
        ]
        verbose_name = _("avis")
        verbose_name_plural = _("avis")

    def __str__(self) -> str:
        return f"{self.service_id} on {self.case_id}"

    @property
    def is_given(self) -> bool:
        return self.given_at is not None

    @property
    def is_overdue(self) -> bool:
        return not self.is_given and self.due_date < timezone.localdate()
