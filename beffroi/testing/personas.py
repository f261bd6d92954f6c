"""Named personas, so each access rule is a one-line test.

- ``citizen`` (Marie) and ``other_citizen`` (Omar): citizens.
- ``agent``: an agent of Population; ``other_agent``: an agent of État civil.
- ``supervisor``: head of Population.
- ``admin``: functional administrator (Secrétariat communal, the College).
- ``events_agent``: Événements; ``police_agent``, ``fire_agent``, ``roads_agent``:
  the services asked for opinions on event requests.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.test import TestCase

from beffroi.accounts.models import User
from beffroi.accounts.services import user_create
from beffroi.catalogue.services import catalogue_import
from beffroi.demo.loading import load_municipality, load_services
from beffroi.municipality.models import Service
from beffroi.municipality.services import membership_grant

PASSWORD = "correct-horse-battery-staple"  # noqa: S105


def make_user(email: str, *, services: tuple[tuple[str, str], ...] = (), **profile: Any) -> User:
    user = user_create(actor=None, email=email, password=PASSWORD, email_verified=True, **profile)
    for code, role in services:
        membership_grant(actor=None, user=user, service=Service.objects.get(code=code), role=role)
    return user


# Each persona's address, profile and seats in the services.
_PEOPLE: dict[str, dict[str, Any]] = {
    "citizen": {
        "email": "marie@example.org",
        "first_name": "Marie",
        "last_name": "Dubois",
        "birth_date": datetime.date(1985, 7, 30),
        "national_number": "85073003328",
        "street": "Rue de la Tête d'Or",
        "house_number": "12",
        "postcode": "7500",
        "city": "Tournai",
    },
    "other_citizen": {"email": "omar@example.org", "first_name": "Omar", "last_name": "Haddad"},
    "agent": {
        "email": "sophie@tournai.example",
        "first_name": "Sophie",
        "last_name": "Leroy",
        "services": (("population", "agent"),),
    },
    "other_agent": {
        "email": "julie@tournai.example",
        "first_name": "Julie",
        "last_name": "Renard",
        "services": (("etat-civil", "agent"),),
    },
    "supervisor": {
        "email": "paul@tournai.example",
        "first_name": "Paul",
        "last_name": "Lambert",
        "services": (("population", "head"),),
    },
    "admin": {
        "email": "claire@tournai.example",
        "first_name": "Claire",
        "last_name": "Fontaine",
        "services": (("secretariat", "functional_admin"),),
    },
    "events_agent": {
        "email": "nadia@tournai.example",
        "first_name": "Nadia",
        "last_name": "Benali",
        "services": (("evenements", "agent"),),
    },
    "police_agent": {
        "email": "inspecteur@zp-tournaisis.example",
        "first_name": "Jean",
        "last_name": "Lemaire",
        "services": (("police", "agent"),),
    },
    "fire_agent": {
        "email": "prevention@zswapi.example",
        "first_name": "Amélie",
        "last_name": "Dufour",
        "services": (("zone-de-secours", "agent"),),
    },
    "roads_agent": {
        "email": "voirie@tournai.example",
        "first_name": "Hugo",
        "last_name": "Mertens",
        "services": (("travaux", "agent"),),
    },
}


def create_world(*, catalogue: bool = True) -> dict[str, User]:
    """The municipality, its services, the catalogue and the personas."""
    load_municipality()
    load_services()
    if catalogue:
        catalogue_import(actor=None)
    return {name: make_user(**details) for name, details in _PEOPLE.items()}


class PersonaTestCase(TestCase):
    citizen: User
    other_citizen: User
    agent: User
    other_agent: User
    supervisor: User
    admin: User
    events_agent: User
    police_agent: User
    fire_agent: User
    roads_agent: User

    @classmethod
    def setUpTestData(cls) -> None:
        for name, user in create_world().items():
            setattr(cls, name, user)
