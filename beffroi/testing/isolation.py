"""The proof of isolation's machinery: two municipalities with the same
personas and a row of every municipal model, and every URL pattern filled
with the other municipality's identifiers (core/tests/test_isolation*.py).

Municipality A's personas try B's objects on A's host. Municipal models are
found, never listed (``rls.tenant_models``: every model with a
``municipality_id`` column), and so are URL patterns (the resolver's
``url_patterns``): a new model without a row of B here, or a new URL whose
parameters nothing below can fill, makes the suite fail instead of
escaping it.
"""

from __future__ import annotations

import datetime
import io
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils import timezone
from PIL import Image, ImageDraw

from beffroi.accounts.models import User
from beffroi.agenda.models import AgendaEvent, DirectoryEntry, DirectoryImage
from beffroi.audit.models import AccessLog
from beffroi.cases.models import Attachment, Case, CaseTimer, Message, Note, Opinion
from beffroi.cases.services import draft_start
from beffroi.catalogue.loader import SHIPPED_DIR, load_yaml
from beffroi.catalogue.models import Category, Procedure
from beffroi.catalogue.services import TemplateOverrides, template_adopt, template_publish
from beffroi.college.models import CollegeItem, CollegeMeeting
from beffroi.core import rls
from beffroi.core.tenancy import municipality_scope
from beffroi.demo.loading import load_services
from beffroi.documents.codes import new_verification_code
from beffroi.documents.models import IssuedDocument
from beffroi.documents.services import file_store
from beffroi.mail.models import (
    Channel,
    Contact,
    DocumentType,
    MailFile,
    MailNote,
    ReplyTemplate,
    RoutingClass,
    RoutingFeature,
)
from beffroi.mail.services import mail_register
from beffroi.municipality.models import Municipality, MunicipalityHost, Service
from beffroi.municipality.services import municipality_config_update
from beffroi.notifications.models import DemoEmail, OutgoingEmail
from beffroi.organisations.models import Organisation, OrganisationMember
from beffroi.payments.contrib.demo.models import DemoCharge
from beffroi.payments.contrib.transfer.models import BankCredit, CodaImport
from beffroi.payments.links import amount_due_token
from beffroi.payments.models import AmountDue, Payment, PaymentReminder, ReceiptTemplate, Refund
from beffroi.portal.views_site import STATIC_PAGES
from beffroi.testing.personas import make_user
from beffroi.testing.procedures import file_test_case, install_test_procedure

# Each persona's seats; None: a visitor without an account.
PERSONAS: dict[str, tuple[tuple[str, str], ...] | None] = {
    "visitor": None,
    "citizen": (),
    "agent": (("population", "agent"),),
    "head": (("population", "head"),),
    "functional_admin": (("secretariat", "functional_admin"),),
    "mail_clerk": (("courrier", "mail_clerk"),),
    "finance_agent": (("finances", "agent"),),
    "partner": (("police", "agent"),),
    # A technical administrator with every permission of the admin, but not
    # the cooperative's superuser (who runs every municipality by design).
    "staff": (),
}


# Municipal models whose default manager is deliberately not scoped, with the
# reason; row-level security still keeps them apart (test_isolation_rls.py).
UNSCOPED_MANAGERS: dict[str, str] = {
    "audit.journalchain": (
        "the journal's chain heads (hashes only, no municipal data), one per municipality, "
        "read and locked across every chain by the sealer, which runs outside any scope"
    ),
}


def municipal_models() -> list[type[models.Model]]:
    """Every model of municipal data, as row-level security finds them."""
    return rls.tenant_models()


def label_of(model: type[models.Model]) -> str:
    return model._meta.label_lower


@dataclass
class World:
    """One municipality: its host, personas, rows and what betrays them."""

    municipality: Municipality
    host: str
    mark: str
    personas: dict[str, User | None]
    # One row of each municipal model (by label), the one probes aim at.
    rows: dict[str, models.Model] = field(default_factory=dict)
    tracking_code: str = ""
    verification_code: str = ""
    amount_due_token: str = ""
    only_slugs: dict[str, str] = field(default_factory=dict)

    def row(self, label: str) -> Any:
        return self.rows[label]

    def user(self, persona: str) -> User:
        user = self.personas[persona]
        assert user is not None, f"{persona} has no account"
        return user

    def markers(self) -> set[str]:
        """Texts that only this municipality's data contains."""
        case: Case = self.row("cases.case")
        stored = self.row("documents.storedfile")
        found = {
            self.mark,
            case.reference,
            self.tracking_code,
            self.verification_code,
            stored.sha256,
            str(self.row("payments.payment").idempotency_key),
            str(self.row("cases.draft").pk),
            self.row("payments_demo.democharge").reference,
        }
        # Longer texts that carry the mark: still found when a search box
        # echoes the mark itself.
        found |= {
            f"Dossier{self.mark}",
            f"Courrier {self.mark}",
            f"Club {self.mark}",
            f"Fête {self.mark}",
            f"Boulangerie {self.mark}",
            f"Contact {self.mark}",
            f"Note {self.mark}",
            f"Attestation {self.mark}",
            f"@{self.mark}.example",
        }
        found |= {user.last_name for user in self.personas.values() if user is not None}
        for row in self.rows.values():
            url = getattr(row, "get_absolute_url", None)
            if url is not None:
                found.add(url())
        return {marker for marker in found if marker}


def pdf_of(text: str) -> bytes:
    """A small real PDF that carries ``text`` (its bytes differ per municipality)."""
    image = Image.new("L", (200, 100), 255)
    ImageDraw.Draw(image).text((10, 40), text, fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", resolution=72, title=text)
    return buffer.getvalue()


def _personas(slug: str, mark: str) -> dict[str, User | None]:
    people: dict[str, User | None] = {}
    for name, seats in PERSONAS.items():
        if seats is None:
            people[name] = None
            continue
        user = make_user(
            f"{name.replace('_', '-')}@{mark}.example",
            services=seats,
            first_name=name.replace("_", " ").title(),
            last_name=f"{mark.capitalize()}{slug.capitalize()}",
            is_staff=name == "staff",
        )
        if name == "staff":
            user.user_permissions.set(Permission.objects.all())
        people[name] = user
    return people


def world_build(*, slug: str, host: str, mark: str, cases_before: int = 0) -> World:
    """A municipality with its services, personas and a row of every model,
    every text of which carries ``mark``; ``cases_before`` cases filed first
    give its case a reference the other municipality lacks."""
    municipality = Municipality.objects.create(name=f"Commune {mark}", slug=slug)
    MunicipalityHost.objects.create(municipality=municipality, host=host)
    with municipality_scope(municipality.pk):
        load_services()
        people = _personas(slug, mark)
        world = World(municipality=municipality, host=host, mark=mark, personas=people)
        install_test_procedure()
        _rows(world, cases_before=cases_before)
    return world


def _rows(world: World, *, cases_before: int) -> None:
    mark = world.mark
    citizen, agent, head = world.user("citizen"), world.user("agent"), world.user("head")
    rows = world.rows

    def keep(row: models.Model) -> Any:
        rows.setdefault(label_of(type(row)), row)
        return row

    for _ in range(cases_before):
        file_test_case(applicant=citizen, last_name=f"Premier{mark}")
    case = keep(file_test_case(applicant=citizen, last_name=f"Dossier{mark}"))
    world.tracking_code = case.tracking_code
    keep(case.procedure)
    keep(case.procedure.current_version)
    keep(case.events.first())
    keep(draft_start(actor=citizen, procedure=case.procedure))
    category = keep(Category.objects.create(slug=f"categorie-{mark}", name=f"Catégorie {mark}"))
    own_service = keep(Service.objects.create(code=f"service-{mark}", name=f"Service {mark}"))
    # A template of the cooperative's (installation-wide: its slug is no
    # mark of this municipality's) that this municipality adopted.
    slug = f"modele-{world.municipality.slug}"
    pin = load_yaml(SHIPPED_DIR / "procedures" / "nouveau-code-pin.yaml")
    template = template_publish(actor=None, data={**pin, "slug": slug}, source=f"{slug}.yaml")
    keep(
        template_adopt(
            actor=None,
            template=template.template,
            category=category,
            service=Service.objects.get(code="population"),
            slug=slug,
            overrides=TemplateOverrides(fee_label=f"Redevance {mark}"),
        )
    )
    world.only_slugs["template"] = slug
    world.only_slugs["service"] = own_service.code
    world.only_slugs["category"] = f"categorie-{mark}"
    keep(Procedure.objects.get(pk=case.procedure_id))
    police = Service.objects.get(code="police")
    keep(police.memberships.order_by("pk")[0])

    stored = keep(file_store(content=pdf_of(mark)))
    keep(
        Attachment.objects.create(file=stored, filename=f"{mark}.pdf", case=case, field_id="piece")
    )
    keep(Message.objects.create(case=case, direction=Message.Direction.TO_CITIZEN, body=mark))
    keep(Note.objects.create(case=case, author=agent, body=f"Note {mark}"))
    keep(
        CaseTimer.objects.create(
            case=case,
            status=case.status,
            kind=CaseTimer.Kind.REMIND,
            due_at=timezone.now() + datetime.timedelta(days=30),
        )
    )
    keep(Opinion.objects.create(case=case, service=police, due_date=datetime.date(2030, 1, 1)))
    world.verification_code = new_verification_code()
    keep(
        IssuedDocument.objects.create(
            case=case,
            document_id="attestation",
            title=f"Attestation {mark}",
            filename=f"attestation-{mark}.pdf",
            file=stored,
            verification_code=world.verification_code,
            service=case.service,
            issued_at=timezone.now(),
        )
    )
    keep(
        AccessLog.objects.create(
            actor=agent, subject=citizen, action="view", object_type="cases.case", object_id=case.pk
        )
    )

    organisation = keep(
        Organisation.objects.create(
            kind=Organisation.Kind.ASSOCIATION,
            name=f"Club {mark}",
            validated_at=timezone.now(),
        )
    )
    keep(
        OrganisationMember.objects.create(
            organisation=organisation, email=f"membre@{mark}.example", user=citizen
        )
    )
    item = keep(mail_register(actor=None, channel=Channel.PAPER, subject=f"Courrier {mark}"))
    keep(MailFile.objects.create(item=item, stored=stored, filename=f"{mark}.pdf", role="original"))
    keep(MailNote.objects.create(item=item, text=f"Note {mark}"))
    keep(Contact.objects.create(name=f"Contact {mark}"))
    keep(DocumentType.objects.create(code=f"type-{mark}", name=f"Type {mark}"))
    keep(
        ReplyTemplate.objects.create(
            code=f"modele-{mark}", name=f"Modèle {mark}", subject=mark, body=mark
        )
    )
    keep(RoutingClass.objects.create(kind=RoutingClass.Kind.SERVICE, target_id=own_service.pk))
    keep(
        RoutingFeature.objects.create(
            kind=RoutingClass.Kind.SERVICE, target_id=own_service.pk, feature=mark
        )
    )
    starts = timezone.now() + datetime.timedelta(days=3)
    keep(
        AgendaEvent.objects.create(
            title=f"Fête {mark}",
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=3),
            status=AgendaEvent.Status.PUBLISHED,
            published_at=timezone.now(),
        )
    )
    entry = keep(
        DirectoryEntry.objects.create(
            name=f"Boulangerie {mark}",
            status=DirectoryEntry.Status.PUBLISHED,
            published_at=timezone.now(),
        )
    )
    keep(DirectoryImage.objects.create(entry=entry, kind=DirectoryImage.Kind.LOGO, file=stored))
    meeting = keep(CollegeMeeting.objects.create(date=timezone.localdate(), created_by=head))
    keep(CollegeItem.objects.create(meeting=meeting, case=case))
    keep(
        DemoEmail.objects.create(
            from_email=f"guichet@{mark}.example",
            to=citizen.email,
            subject=f"Courriel {mark}",
            body_text=mark,
        )
    )
    keep(
        OutgoingEmail.objects.create(
            to=citizen.email,
            subject=f"Courriel {mark}",
            body_text=mark,
            next_attempt_at=timezone.now(),
        )
    )

    charge = keep(
        DemoCharge.objects.create(
            reference=f"demo-{mark}-{uuid.uuid4().hex[:8]}",
            idempotency_key=uuid.uuid4(),
            amount_cents=1500,
            description=f"Paiement {mark}",
            return_url=f"https://{world.host}/retour",
        )
    )
    payment = keep(
        Payment.objects.create(
            case=case,
            amount=Decimal("15.00"),
            reason=f"Redevance {mark}",
            status=Payment.Status.PAID,
            provider="demo",
            provider_reference=charge.reference,
            payer=citizen,
            paid_at=timezone.now(),
        )
    )
    keep(Refund.objects.create(payment=payment, amount=Decimal("1.00"), reason=mark, agent=head))
    due = keep(
        AmountDue.objects.create(
            case=case, due_key="supplement", amount=Decimal("5.00"), reason=f"Supplément {mark}"
        )
    )
    world.amount_due_token = amount_due_token(due)
    keep(PaymentReminder.objects.create(case=case))
    keep(ReceiptTemplate.objects.create(body=f"Reçu {mark}"))
    finance = world.user("finance_agent")
    coda = keep(
        CodaImport.objects.create(filename=f"{mark}.cod", sha256="0" * 64, imported_by=finance)
    )
    keep(
        BankCredit.objects.create(
            coda_import=coda,
            line_key=f"{mark}-1",
            amount=Decimal("7.00"),
            communication=f"Virement {mark}",
            status=BankCredit.Status.TO_MATCH,
        )
    )
    keep(
        municipality_config_update(
            actor=None,
            municipality_id=world.municipality.pk,
            values={"email_from": f"{mark}@x.example"},
        )
    )


def world_rows_complete(world: World) -> None:
    """Record the rows made as side effects (the journal, its chain...)."""
    with municipality_scope(world.municipality.pk):
        for model in municipal_models():
            label = label_of(model)
            if label not in world.rows:
                row = (
                    model._meta.base_manager.filter(municipality_id=world.municipality.pk)
                    .order_by("pk")
                    .first()
                )
                if row is not None:
                    world.rows[label] = row


def snapshot(world: World) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the municipality, as values, to see that nothing changed."""
    found = {}
    for model in municipal_models():
        rows = model._meta.base_manager.filter(municipality_id=world.municipality.pk).order_by("pk")
        found[label_of(model)] = list(rows.values_list())
    return found


# --- URLs -----------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """A URL pattern, its parameters and the text to fill them in."""

    route: str  # the patterns' texts joined, e.g. "backoffice/avis/<int:pk>/"
    name: str
    parameters: tuple[str, ...]

    def __str__(self) -> str:
        return self.route


PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>\w+)>")
GROUP = re.compile(r"\(\?P<(?P<parameter>\w+)>(?:[^()]|\([^()]*\))*\)")


def _text(pattern: Any) -> str:
    text = str(pattern)
    if isinstance(pattern, RoutePattern):
        return text
    # A regular expression: the simple ones Django and allauth write.
    return text.removeprefix("^").removesuffix("$")


def routes() -> list[Route]:
    """Every URL pattern of the project, its prefixes joined."""
    found: list[Route] = []

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for pattern in patterns:
            text = prefix + _text(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or ""
                walk(pattern.url_patterns, text, f"{namespace}{inner}:" if inner else namespace)
            elif isinstance(pattern, URLPattern):
                names = tuple(m["parameter"] for m in PARAMETER.finditer(text)) + tuple(
                    m["parameter"] for m in GROUP.finditer(text)
                )
                found.append(Route(text, f"{namespace}{pattern.name or ''}", names))

    walk(get_resolver().url_patterns, "", "")
    return found


class Unfillable(LookupError):
    """No rule below knows what this parameter of this route names."""


class NotMunicipal(LookupError):
    """The route names an installation-wide object: nothing of B to try."""


Filler = Callable[[World, re.Match[str]], Any]

# (route, parameter) -> B's value: the first rule whose expression matches
# the route (searched) and names the parameter fills it.
RULES: list[tuple[str, str, Filler]] = [
    # The back-office.
    (r"^backoffice/dossiers/service/", "scope", lambda w, m: w.only_slugs["service"]),
    (
        r"^backoffice/dossiers/<str:reference>/",
        "reference",
        lambda w, m: w.row("cases.case").reference,
    ),
    (r"/fichiers/<int:attachment_id>/", "attachment_id", lambda w, m: w.row("cases.attachment").pk),
    (r"/documents/<str:code>/", "code", lambda w, m: w.verification_code),
    (r"^backoffice/avis/<int:pk>/", "pk", lambda w, m: w.row("cases.opinion").pk),
    (r"^backoffice/zone/avis/", "commune_id", lambda w, m: w.municipality.pk),
    (r"^backoffice/zone/avis/", "pk", lambda w, m: w.row("cases.opinion").pk),
    (r"^backoffice/commune/modeles/", "slug", lambda w, m: w.only_slugs["template"]),
    (r"^backoffice/personnes/<int:pk>/", "pk", lambda w, m: w.user("citizen").pk),
    (
        r"^backoffice/organisations/<int:pk>/",
        "pk",
        lambda w, m: w.row("organisations.organisation").pk,
    ),
    (r"^backoffice/college/<int:pk>/", "pk", lambda w, m: w.row("college.collegemeeting").pk),
    (r"/points/<int:item_id>/", "item_id", lambda w, m: w.row("college.collegeitem").pk),
    (r"^backoffice/courrier/registre/", "direction", lambda w, m: "entrant"),
    (r"^backoffice/courrier/<int:pk>/", "pk", lambda w, m: w.row("mail.mailitem").pk),
    (r"/fichiers/<int:file_id>/", "file_id", lambda w, m: w.row("mail.mailfile").pk),
    (r"^backoffice/finances/export", "fmt", lambda w, m: "csv"),
    (
        r"^backoffice/finances/credits/<int:pk>/",
        "pk",
        lambda w, m: w.row("payments_transfer.bankcredit").pk,
    ),
    # The admin: the model is in the route.
    (
        r"^admin/r/",
        "content_type_id",
        lambda w, m: ContentType.objects.get_for_model(w.row("mail.mailitem")).pk,
    ),
    (r"^admin/r/", "object_id", lambda w, m: w.row("mail.mailitem").pk),
    (
        r"^admin/(?P<app>\w+)/(?P<model>\w+)/<path:object_id>/",
        "object_id",
        lambda w, m: _admin_object(w, m),
    ),
    # The cooperative's partner zones: installation-wide, superusers only.
    (r"^admin/municipality/partnerzone/<int:pk>/", "pk", lambda w, m: _installation_wide(m)),
    # Not an identifier: the admin's index of an app, its catch-all, the
    # cooperative's exports (superusers only: a name that is B's own).
    (r"^admin/\(\?P<app_label>", "app_label", lambda w, m: "mail"),
    (r"^admin/\(\?P<url>", "url", lambda w, m: f"mail/mailitem/{w.row('mail.mailitem').pk}/"),
    (
        r"^admin/municipality/municipality/exports/",
        "name",
        lambda w, m: f"{w.municipality.slug}.zip",
    ),
    # Payments.
    (
        r"^paiements/demo/<str:reference>/",
        "reference",
        lambda w, m: w.row("payments_demo.democharge").reference,
    ),
    (r"^paiements/notification/", "provider_name", lambda w, m: "demo"),
    # The portal.
    (r"^categories/", "slug", lambda w, m: w.only_slugs["category"]),
    (r"^demarches/", "slug", lambda w, m: w.row("catalogue.procedure").slug),
    (r"^brouillons/", "draft_id", lambda w, m: w.row("cases.draft").pk),
    (r"^brouillons/.*/etape/", "page_id", lambda w, m: "identite"),
    (r"^(demande-envoyee|suivi)/<str:code>/", "code", lambda w, m: w.tracking_code),
    (
        r"^(demandes|mon-compte/demarches)/<str:reference>/",
        "reference",
        lambda w, m: w.row("cases.case").reference,
    ),
    (
        r"^mon-compte/organisations/<int:pk>/",
        "pk",
        lambda w, m: w.row("organisations.organisation").pk,
    ),
    (
        r"/membres/<int:member_id>/",
        "member_id",
        lambda w, m: w.row("organisations.organisationmember").pk,
    ),
    (
        r"^(mon-compte/paiements|paiement)/<uuid:key>/",
        "key",
        lambda w, m: w.row("payments.payment").idempotency_key,
    ),
    (r"^paiement/demande/<str:token>/", "token", lambda w, m: w.amount_due_token),
    (r"^agenda/<int:pk>", "pk", lambda w, m: w.row("agenda.agendaevent").pk),
    (r"^annuaire/<int:pk>/", "pk", lambda w, m: w.row("agenda.directoryentry").pk),
    (r"/images/<int:image_pk>/", "image_pk", lambda w, m: w.row("agenda.directoryimage").pk),
    (r"^verifier/<str:code>/", "code", lambda w, m: w.verification_code),
    # The portal's static pages are the installation's, not a municipality's.
    (r"^pages/", "slug", lambda w, m: next(iter(STATIC_PAGES))),
    (r"^demo/courriels/<int:pk>/", "pk", lambda w, m: w.row("notifications.demoemail").pk),
]

# URLs whose parameters name nothing of a municipality, with the reason.
# Keep this short: every entry is a URL the suite does not try.
NOT_MUNICIPAL: dict[str, str] = {
    # allauth's links in e-mails: the keys name an account (installation-wide,
    # not a municipality's data) and are signed by allauth.
    "account_confirm_email": "an e-mail address's signed confirmation key (accounts are installation-wide)",
    "account_reset_password_from_key": "a password reset's signed key (accounts are installation-wide)",
}


def _installation_wide(match: re.Match[str]) -> Any:
    raise NotMunicipal(match.group(0))


def _admin_object(world: World, match: re.Match[str]) -> Any:
    label = f"{match['app']}.{match['model']}"
    if label in world.rows:
        return world.row(label).pk
    if label == "municipality.municipality":  # the cooperative's: superusers only
        return world.municipality.pk
    model = apps.get_model(label)
    if model in municipal_models():
        # A municipal model without a row in the fixture: the fixture must grow.
        raise Unfillable(label)
    # Installation-wide models (groups, jobs, e-mail addresses): nothing of B.
    raise NotMunicipal(label)


def fill(route: Route, world: World) -> dict[str, Any]:
    """The route's parameters, filled with ``world``'s identifiers."""
    values: dict[str, Any] = {}
    for parameter in route.parameters:
        for expression, name, filler in RULES:
            match = re.search(expression, route.route)
            if name == parameter and match is not None:
                values[parameter] = filler(world, match)
                break
        else:
            raise Unfillable(f"{route.route}: {parameter}")
    return values


def path_of(route: Route, values: dict[str, Any]) -> str:
    text = PARAMETER.sub(lambda m: str(values[m["parameter"]]), route.route)
    text = GROUP.sub(lambda m: str(values[m["parameter"]]), text)
    return "/" + text.replace("\\", "")


def routes_with_parameters() -> Iterator[Route]:
    for route in routes():
        if route.parameters and route.name.rsplit(":", 1)[-1] not in NOT_MUNICIPAL:
            yield route


ADMIN_MODEL = re.compile(r"^admin/(?P<app>\w+)/(?P<model>\w+)/")


def installation_wide_admin(route: Route) -> bool:
    """An admin page of a model that is no municipality's (accounts and
    their e-mail addresses, groups, jobs): the cooperative's, not tried.
    The municipalities' own directory (``municipality.municipality``) is."""
    match = ADMIN_MODEL.match(route.route)
    if match is None:
        return False
    try:
        model = apps.get_model(match["app"], match["model"])
    except LookupError:
        return False
    return model not in municipal_models() and model is not Municipality


def routes_without_parameters() -> Iterator[Route]:
    """Lists, inboxes, registers, searches: what they show must be A's alone."""
    for route in routes():
        if not route.parameters and not installation_wide_admin(route):
            yield route
