"""Load the demo municipality: Tournai, its services, catalogue and personas."""

from __future__ import annotations

import datetime
import uuid
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from beffroi.accounts.models import User
from beffroi.accounts.services import user_create
from beffroi.cases.models import Case
from beffroi.cases.services import case_assign, case_transition
from beffroi.catalogue.models import Procedure
from beffroi.catalogue.services import ImportReport, catalogue_import
from beffroi.demo.filing import file_sample_case
from beffroi.demo.personas import DEMO_PASSWORD, PERSONAS, Persona
from beffroi.mail.intake import email_register, web_form_register
from beffroi.mail.models import MailItem
from beffroi.mail.services import mail_reference_data_load
from beffroi.municipality.models import Municipality, PartnerZone, Service
from beffroi.municipality.services import (
    membership_grant,
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


def _read(name: str) -> Any:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def load_services() -> None:
    for item in _read("services.yaml"):
        values = {key: value for key, value in item.items() if key != "code"}
        service_upsert(actor=None, code=item["code"], values=values)


def load_municipality() -> None:
    if not Municipality.objects.exists():
        municipality_update(actor=None, values=_read("municipality.yaml"))


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


# The demo's police zone: Jean Lemaire, the police persona, is its agent.
DEMO_ZONE = {"name": "Zone de police du Tournaisis", "slug": "zp-tournaisis"}
DEMO_ZONE_AGENT = "jean.lemaire@demo.beffroi.test"


def load_partner_zone() -> None:
    """The police zone, its agent and the city's police service linked to it
    (a cooperative's installation links each commune's the same way)."""
    if PartnerZone.objects.filter(slug=DEMO_ZONE["slug"]).exists():
        return
    municipality = Municipality.objects.order_by("pk").first()
    agent = User.objects.filter(email=DEMO_ZONE_AGENT).first()
    if municipality is None or agent is None:
        return
    zone = partner_zone_save(actor=None, name=DEMO_ZONE["name"], slug=DEMO_ZONE["slug"])
    partner_zone_service_link(actor=None, zone=zone, commune=municipality, service_code="police")
    partner_zone_member_add(actor=None, zone=zone, email=agent.email)


@transaction.atomic
def load_demo() -> ImportReport:
    """Idempotent: loads what is missing and keeps what exists."""

    load_municipality()
    load_services()
    mail_reference_data_load(actor=None)
    report = catalogue_import(actor=None)
    for persona in PERSONAS:
        load_persona(persona)
    load_partner_zone()
    load_demo_cases()
    return report
