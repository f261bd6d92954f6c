"""Load the demo: Tournai and Antoing, two municipalities of one installation
(a cooperative's), each with its look, services, catalogue, personas and a
few requests; and the cooperative's administrator."""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.core.files.base import ContentFile
from django.db import transaction

from beffroi.accounts.models import User
from beffroi.accounts.services import user_create
from beffroi.cases.models import Case
from beffroi.cases.services import case_assign, case_transition
from beffroi.catalogue.loader import ProcedureData, read_catalogue
from beffroi.catalogue.models import Procedure
from beffroi.catalogue.services import ImportReport, catalogue_import, catalogue_load
from beffroi.core.tenancy import municipality_scope
from beffroi.demo.filing import file_sample_case
from beffroi.demo.personas import (
    ANTOING_PERSONAS,
    COOPERATIVE_PERSONA,
    DEMO_PASSWORD,
    PERSONAS,
    Persona,
)
from beffroi.mail.intake import email_register, web_form_register
from beffroi.mail.models import MailItem
from beffroi.mail.services import mail_reference_data_load
from beffroi.municipality.models import Municipality, PartnerZone, Service
from beffroi.municipality.services import (
    membership_grant,
    municipality_hosts_add,
    municipality_register,
    municipality_update,
    partner_zone_member_add,
    partner_zone_save,
    partner_zone_service_link,
    service_upsert,
)
from beffroi.organisations.models import Organisation
from beffroi.payments.contrib.demo.plugin import charge_settle
from beffroi.payments.selectors import case_filing_fee
from beffroi.payments.services import payment_notification_receive, payment_start

DATA_DIR = Path(__file__).resolve().parent / "data"
# The sample shop's logo, shown on its directory page.
DEMO_LOGO = DATA_DIR / "boulangerie-logo.png"

TOURNAI = "tournai"
# The address `make demo` prints, and one like Antoing's. `localhost` (one
# label: not a host a municipality may claim) is Tournai's through the demo's
# MUNICIPALITY_FALLBACK, as is any other host the demo allows.
TOURNAI_HOSTS = ["127.0.0.1", "tournai.localhost"]
ANTOING = "antoing"
# Browsers resolve every *.localhost name to the loopback: nothing to set up.
ANTOING_HOSTS = ["antoing.localhost"]
ANTOING_DIR = DATA_DIR / "antoing"


@dataclasses.dataclass(frozen=True)
class DemoReport:
    """What each municipality's catalogue import did."""

    catalogues: dict[str, ImportReport]


def _read(name: str) -> Any:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def load_services(name: str = "services.yaml") -> None:
    """The current municipality's services, from ``name`` in the demo's data."""
    for item in _read(name):
        values = {key: value for key, value in item.items() if key != "code"}
        service_upsert(actor=None, code=item["code"], values=values)


def load_municipality() -> None:
    """Tournai as a lone city's installation records it (the tests' world)."""
    if not Municipality.objects.exists():
        municipality_update(actor=None, values=_read("municipality.yaml"))


def demo_municipality(
    *, slug: str, hosts: list[str], identity: str, logo: Path | None = None
) -> int:
    """The demo's municipality ``slug``, registered with its hosts and its
    identity (the file ``identity``) the first time; later, only the hosts it
    lacks are added, and what was edited since is kept."""
    municipality = Municipality.objects.filter(slug=slug).first()
    if municipality is None and slug == TOURNAI:
        # A demo database of the versions with one city: Tournai, unnamed.
        municipality = Municipality.objects.filter(slug__isnull=True).order_by("pk").first()
        if municipality is not None:
            with municipality_scope(municipality.pk):
                municipality_update(actor=None, values={"slug": slug})
    if municipality is not None:
        municipality_hosts_add(actor=None, municipality=municipality, hosts=hosts)
        return municipality.pk
    values: dict[str, Any] = _read(identity)
    municipality = municipality_register(actor=None, slug=slug, name=values["name"], hosts=hosts)
    if logo is not None:
        values["logo"] = ContentFile(logo.read_bytes(), name=f"{slug}-{logo.name}")
    with municipality_scope(municipality.pk):
        municipality_update(actor=None, values=values)
    return municipality.pk


def _reworded(value: Any, texts: dict[str, str]) -> Any:
    """``value`` with each of ``texts`` replaced, in every string it holds."""
    if isinstance(value, str):
        for old, new in texts.items():
            value = value.replace(old, new)
        return value
    if isinstance(value, list):
        return [_reworded(item, texts) for item in value]
    if isinstance(value, dict):
        return {key: _reworded(item, texts) for key, item in value.items()}
    return value


def _adapted(data: ProcedureData, changes: dict[str, Any]) -> ProcedureData:
    """A shipped procedure with a municipality's own title, fee or words
    (``texts``: the fee a form's messages quote, for one)."""
    if "texts" in changes:
        data = dataclasses.replace(
            data,
            **{
                name: _reworded(getattr(data, name), changes["texts"])
                for name in ("title", "summary", "audience", "prepare", "steps", "definition")
            },
        )
    values: dict[str, Any] = {}
    if "title" in changes:
        values["title"] = changes["title"]
    if "fee" in changes:
        fee = changes["fee"]
        values["fee_amount"] = Decimal(fee["amount"]) or None
        values["fee_label"] = fee["label"]
        if "fee" in data.definition:  # paid at filing: the amount charged too
            values["definition"] = {**data.definition, "fee": {**data.definition["fee"], **fee}}
    return dataclasses.replace(data, **values)


def load_antoing_catalogue() -> ImportReport:
    """Antoing's part of the shipped catalogue (``antoing/catalogue.yaml``)."""
    categories, procedures = read_catalogue()
    shipped = {data.slug: data for data in procedures}
    chosen = [_adapted(shipped[item["slug"]], item) for item in _read("antoing/catalogue.yaml")]
    used = {data.category for data in chosen}
    return catalogue_load(
        actor=None,
        categories=[category for category in categories if category.slug in used],
        procedures=chosen,
    )


def load_persona(persona: Persona) -> User:
    user = User.objects.filter(email=persona.email).first()
    if user is None:
        profile: dict[str, Any] = dict(persona.profile)
        if "birth_date" in profile:
            profile["birth_date"] = datetime.date.fromisoformat(profile["birth_date"])
        user = user_create(
            actor=None,
            email=persona.email,
            password=DEMO_PASSWORD,
            email_verified=True,
            first_name=persona.first_name,
            last_name=persona.last_name,
            is_staff=persona.is_superuser,
            is_superuser=persona.is_superuser,
            **profile,
        )
    services = {service.code: service for service in Service.objects.all()}
    for code, role in persona.memberships:
        membership_grant(actor=None, user=user, service=services[code], role=role)
    return user


def _persona(email: str) -> User:
    return User.objects.get(email=email)


def load_demo_cases() -> int:
    """A few requests at different stages, so every inbox has something to show.

    Only on a database without cases: the demo never touches real work.
    """
    if Case.objects.exists():
        return 0
    marie = _persona("marie.dubois@demo.beffroi.test")
    luc = _persona("luc.martin@demo.beffroi.test")
    sophie = _persona("sophie.leroy@demo.beffroi.test")
    paul = _persona("paul.lambert@demo.beffroi.test")
    julie = _persona("julie.renard@demo.beffroi.test")

    def procedure(slug: str) -> Procedure:
        return Procedure.objects.get(slug=slug)

    file_sample_case(procedure=procedure("certificat-de-residence"), applicant=marie)
    household = file_sample_case(procedure=procedure("composition-de-menage"), applicant=marie)
    case_transition(actor=sophie, case=household, transition_id="take")
    case_assign(actor=sophie, case=household, agent=sophie)
    birth = file_sample_case(
        procedure=procedure("copie-acte-de-naissance"),
        applicant=marie,
        overrides={"person_first_names": "Marie Louise", "purpose": "Inscription à l’université"},
    )
    case_transition(
        actor=julie,
        case=birth,
        transition_id="ask_information",
        comment="Pouvez-vous préciser la commune de naissance ? Nous ne trouvons pas l’acte à Tournai.",
    )
    record = file_sample_case(procedure=procedure("extrait-de-casier-judiciaire"), applicant=marie)
    case_transition(
        actor=paul, case=record, transition_id="deliver", comment="Votre extrait est prêt."
    )
    file_sample_case(
        procedure=procedure("copie-acte-de-deces"),
        applicant=None,
        overrides={
            "applicant_first_name": "Jean",
            "applicant_last_name": "Visiteur",
            "applicant_email": "jean.visiteur@example.org",
        },
    )
    file_sample_case(procedure=procedure("occupation-espace-public"), applicant=luc)
    file_sample_case(procedure=procedure("carte-handicape"), applicant=None, agent=sophie)
    _load_paid_pin_request(procedure("nouveau-code-pin"), marie)
    _load_pilot_two(procedure)
    _load_mail()
    return Case.objects.count()


def _load_paid_pin_request(procedure: Procedure, applicant: User) -> None:
    """Marie's new PIN code, paid 2 € with the demo provider: « Mes paiements »
    has a receipt to show, and Population codes to order."""
    case = file_sample_case(procedure=procedure, applicant=applicant)
    fee = case_filing_fee(case)
    assert fee is not None
    payment = payment_start(
        actor=applicant,
        case=case,
        amount=fee.amount,
        reason=procedure.title,
        idempotency_key=uuid.uuid4(),
    )
    charge_settle(reference=payment.provider_reference, outcome="paid")
    payment_notification_receive(
        provider_name=payment.provider, reference=payment.provider_reference
    )


DEMO_EMAIL = b"""From: Club de football de Kain <secretariat@rfc-kain.example>
To: courrier@tournai.be
Subject: Demande de subside pour le tournoi des jeunes
Message-ID: <demo-subside-2026@rfc-kain.example>
Date: Mon, 2 Mar 2026 09:15:00 +0100
Content-Type: text/plain; charset=utf-8

Madame, Monsieur,

Notre club organise en mai son tournoi annuel pour les jeunes (U8 a U12).
Nous sollicitons un subside communal de 800 euros pour la location des
chapiteaux et l'achat des medailles.

Veuillez agreer nos salutations sportives,
Le secretariat du club
"""


def _load_mail() -> None:
    """Two letters waiting in the mail office, one from the portal's contact form."""

    if MailItem.objects.exists():
        return
    email_register(raw=DEMO_EMAIL.replace(b"\n", b"\r\n"))
    web_form_register(
        actor=_persona("marie.dubois@demo.beffroi.test"),
        name="Marie Dubois",
        email="marie.dubois@demo.beffroi.test",
        subject="Dépôt clandestin rue de Courtrai",
        message=(
            "Bonjour, des sacs poubelles et un vieux matelas sont abandonnés depuis une semaine "
            "au coin de la rue de Courtrai et de la rue des Sœurs Noires. Merci d'intervenir."
        ),
        files=[],
    )


def _load_pilot_two(procedure: Any) -> None:
    """An association, its event request awaiting opinions, the agenda and a shop."""

    luc = _persona("luc.martin@demo.beffroi.test")
    marie = _persona("marie.dubois@demo.beffroi.test")
    nadia = _persona("nadia.benali@demo.beffroi.test")
    card = file_sample_case(
        procedure=procedure("carte-identite-association"),
        applicant=luc,
        overrides={
            "association_name": "Comité des fêtes du Quai Notre-Dame",
            "association_legal_form": "de_fait",
            "association_email": "comite.quai@example.org",
            "rep1_first_name": "Luc",
            "rep1_last_name": "Martin",
            "rep1_role": "président",
            "rep1_email": luc.email,
        },
    )
    case_transition(actor=nadia, case=card, transition_id="take")
    case_transition(actor=nadia, case=card, transition_id="accept")
    committee = Organisation.objects.get(name="Comité des fêtes du Quai Notre-Dame")
    festival = file_sample_case(
        procedure=procedure("demande-de-manifestation"),
        applicant=luc,
        organisation=committee,
        overrides={
            "organiser_type": "organisation",
            "event_name": "Fête du Quai Notre-Dame",
            "road_closure": True,
            "closed_streets": "Quai Notre-Dame, entre le pont des Trous et la rue des Jésuites.",
            "publish_in_agenda": True,
            "publish_organiser_name": True,
            "publish_place_address": True,  # a public street
        },
    )
    case_transition(actor=nadia, case=festival, transition_id="take")
    case_transition(actor=nadia, case=festival, transition_id="request_opinions")
    event = file_sample_case(
        procedure=procedure("creer-evenement"),
        applicant=marie,
        overrides={"event_title": "Concert de l’harmonie communale"},
    )
    case_transition(actor=nadia, case=event, transition_id="take")
    case_transition(actor=nadia, case=event, transition_id="approve")
    shop = file_sample_case(
        procedure=procedure("page-commerce"),
        applicant=marie,
        overrides={"business_name": "Boulangerie du Beffroi"},
        uploads={"logo": [(DEMO_LOGO.read_bytes(), "logo-boulangerie.png", "png")]},
    )
    karim = _persona("karim.haddou@demo.beffroi.test")
    case_transition(actor=karim, case=shop, transition_id="take")
    case_transition(actor=karim, case=shop, transition_id="approve")


def load_antoing_cases() -> int:
    """Lucie's requests at Antoing, at different stages (only on a
    municipality without cases, like Tournai's)."""
    if Case.objects.exists():
        return 0
    lucie = _persona("lucie.desmet@antoing.demo.beffroi.test")
    amelie = _persona("amelie.dujardin@antoing.demo.beffroi.test")
    celine = _persona("celine.hubert@antoing.demo.beffroi.test")

    def procedure(slug: str) -> Procedure:
        return Procedure.objects.get(slug=slug)

    file_sample_case(procedure=procedure("certificat-de-residence"), applicant=lucie)
    household = file_sample_case(procedure=procedure("composition-de-menage"), applicant=lucie)
    case_transition(actor=amelie, case=household, transition_id="take")
    case_assign(actor=amelie, case=household, agent=amelie)
    birth = file_sample_case(
        procedure=procedure("copie-acte-de-naissance"),
        applicant=lucie,
        overrides={"person_first_names": "Lucie Anne", "purpose": "Dossier de mariage"},
    )
    case_transition(
        actor=celine,
        case=birth,
        transition_id="ask_information",
        comment="Êtes-vous née à Antoing ? Nous ne trouvons pas l’acte dans nos registres.",
    )
    _load_paid_pin_request(procedure("nouveau-code-pin"), lucie)
    return Case.objects.count()


# The demo's police zone: Jean Lemaire, the police persona, is its agent.
DEMO_ZONE = {"name": "Zone de police du Tournaisis", "slug": "zp-tournaisis"}
DEMO_ZONE_AGENT = "jean.lemaire@demo.beffroi.test"


def load_partner_zone(communes: list[int]) -> None:
    """The police zone, its agent and each commune's police service linked to
    it: the Tournaisis zone serves Tournai and Antoing, as it does in life."""
    if PartnerZone.objects.filter(slug=DEMO_ZONE["slug"]).exists():
        return
    agent = User.objects.filter(email=DEMO_ZONE_AGENT).first()
    if agent is None:
        return
    zone = partner_zone_save(actor=None, name=DEMO_ZONE["name"], slug=DEMO_ZONE["slug"])
    for commune in Municipality.objects.filter(pk__in=communes).order_by("pk"):
        partner_zone_service_link(actor=None, zone=zone, commune=commune, service_code="police")
    partner_zone_member_add(actor=None, zone=zone, email=agent.email)


@transaction.atomic
def load_demo() -> DemoReport:
    """Idempotent: loads what is missing and keeps what exists."""

    tournai = demo_municipality(slug=TOURNAI, hosts=TOURNAI_HOSTS, identity="municipality.yaml")
    antoing = demo_municipality(
        slug=ANTOING,
        hosts=ANTOING_HOSTS,
        identity="antoing/municipality.yaml",
        logo=ANTOING_DIR / "logo.svg",
    )
    with municipality_scope(tournai):
        load_services()
        mail_reference_data_load(actor=None)
        tournai_catalogue = catalogue_import(actor=None)
        for persona in (*PERSONAS, COOPERATIVE_PERSONA):
            load_persona(persona)
        load_demo_cases()
    with municipality_scope(antoing):
        load_services("antoing/services.yaml")
        mail_reference_data_load(actor=None)
        antoing_catalogue = load_antoing_catalogue()
        for persona in ANTOING_PERSONAS:
            load_persona(persona)
        load_antoing_cases()
    with municipality_scope(tournai):
        load_partner_zone([tournai, antoing])
    return DemoReport(catalogues={TOURNAI: tournai_catalogue, ANTOING: antoing_catalogue})
