"""The demo's accounts: one per persona of the product brief."""

from __future__ import annotations

from dataclasses import dataclass, field

DEMO_PASSWORD = "demo-beffroi-2026"  # noqa: S105 — printed on purpose: it is a demo.


@dataclass(frozen=True)
class Persona:
    email: str
    first_name: str
    last_name: str
    role_label: str
    memberships: tuple[tuple[str, str], ...] = ()
    profile: dict[str, str] = field(default_factory=dict)
    is_superuser: bool = False


PERSONAS = (
    Persona(
        "marie.dubois@demo.beffroi.test",
        "Marie",
        "Dubois",
        "Citoyenne",
        profile={
            "birth_date": "1985-07-30",
            "national_number": "85073003328",
            "phone": "+32470123456",
            "street": "Rue de la Tête d'Or",
            "house_number": "12",
            "postcode": "7500",
            "city": "Tournai",
            "country": "BE",
        },
    ),
    Persona(
        "luc.martin@demo.beffroi.test",
        "Luc",
        "Martin",
        "Représentant d'association",
        profile={
            "street": "Quai Notre-Dame",
            "house_number": "3",
            "postcode": "7500",
            "city": "Tournai",
        },
    ),
    Persona(
        "sophie.leroy@demo.beffroi.test",
        "Sophie",
        "Leroy",
        "Agente au service Population (et au guichet)",
        memberships=(("population", "agent"),),
    ),
    Persona(
        "paul.lambert@demo.beffroi.test",
        "Paul",
        "Lambert",
        "Chef du service Population (signataire)",
        memberships=(("population", "head"),),
    ),
    Persona(
        "julie.renard@demo.beffroi.test",
        "Julie",
        "Renard",
        "Agente à l'État civil",
        memberships=(("etat-civil", "agent"),),
    ),
    Persona(
        "nadia.benali@demo.beffroi.test",
        "Nadia",
        "Benali",
        "Agente au service Événements (et à l’agenda de la Ville)",
        memberships=(("evenements", "agent"), ("communication", "agent")),
    ),
    Persona(
        "jean.lemaire@demo.beffroi.test",
        "Jean",
        "Lemaire",
        "Inspecteur à la zone de police (avis sur les manifestations)",
        memberships=(("police", "agent"),),
    ),
    Persona(
        "anne.mercier@demo.beffroi.test",
        "Anne",
        "Mercier",
        "Cheffe du service Événements (signataire)",
        memberships=(("evenements", "head"),),
    ),
    Persona(
        "karim.haddou@demo.beffroi.test",
        "Karim",
        "Haddou",
        "Agent au Développement économique (annuaire des commerces)",
        memberships=(("developpement-economique", "agent"),),
    ),
    Persona(
        "marc.delvaux@demo.beffroi.test",
        "Marc",
        "Delvaux",
        "Agent du service Courrier",
        memberships=(("courrier", "mail_clerk"),),
    ),
    Persona(
        "claire.fontaine@demo.beffroi.test",
        "Claire",
        "Fontaine",
        "Administratrice fonctionnelle",
        memberships=(("secretariat", "functional_admin"),),
        is_superuser=True,
    ),
    Persona(
        "olivier.hennart@demo.beffroi.test",
        "Olivier",
        "Hennart",
        "Officier de prévention à la zone de secours (avis sur les manifestations)",
        memberships=(("zone-de-secours", "agent"),),
    ),
    Persona(
        "bruno.delcourt@demo.beffroi.test",
        "Bruno",
        "Delcourt",
        "Agent aux Travaux et voirie (avis sur les manifestations et chantiers)",
        memberships=(("travaux", "agent"),),
    ),
    Persona(
        "laura.dewulf@demo.beffroi.test",
        "Laura",
        "Dewulf",
        "Agente au service Environnement (avis sur les manifestations)",
        memberships=(("environnement", "agent"),),
    ),
    Persona(
        "thomas.dumont@demo.beffroi.test",
        "Thomas",
        "Dumont",
        "Agent au service Urbanisme",
        memberships=(("urbanisme", "agent"),),
    ),
    Persona(
        "elise.vandamme@demo.beffroi.test",
        "Élise",
        "Vandamme",
        "Agente au service Mobilité",
        memberships=(("mobilite", "agent"),),
    ),
    Persona(
        "hugo.claes@demo.beffroi.test",
        "Hugo",
        "Claes",
        "Agent au service Finances et taxes",
        memberships=(("finances", "agent"),),
    ),
    Persona(
        "sarah.lefevre@demo.beffroi.test",
        "Sarah",
        "Lefèvre",
        "Agente aux Ressources humaines (candidatures et stages)",
        memberships=(("ressources-humaines", "agent"),),
    ),
    Persona(
        "ines.moreau@demo.beffroi.test",
        "Inès",
        "Moreau",
        "Agente aux Affaires sociales",
        memberships=(("affaires-sociales", "agent"),),
    ),
)

# Antoing's people: the same kinds of personas, with the commune's own addresses.
ANTOING_PERSONAS = (
    Persona(
        "lucie.desmet@antoing.demo.beffroi.test",
        "Lucie",
        "Desmet",
        "Citoyenne d’Antoing",
        profile={
            "birth_date": "1992-04-18",
            "national_number": "92041812633",
            "phone": "+32470654321",
            "street": "Place Bara",
            "house_number": "7",
            "postcode": "7640",
            "city": "Antoing",
            "country": "BE",
        },
    ),
    Persona(
        "amelie.dujardin@antoing.demo.beffroi.test",
        "Amélie",
        "Dujardin",
        "Agente au service Population d’Antoing (et au guichet)",
        memberships=(("population", "agent"),),
    ),
    Persona(
        "celine.hubert@antoing.demo.beffroi.test",
        "Céline",
        "Hubert",
        "Agente à l’État civil d’Antoing",
        memberships=(("etat-civil", "agent"),),
    ),
    Persona(
        "pierre.vandenbroucke@antoing.demo.beffroi.test",
        "Pierre",
        "Vandenbroucke",
        "Chef des services Population et État civil d’Antoing (signataire)",
        memberships=(("population", "head"), ("etat-civil", "head")),
    ),
    Persona(
        "isabelle.laurent@antoing.demo.beffroi.test",
        "Isabelle",
        "Laurent",
        "Administratrice fonctionnelle d’Antoing (Secrétariat communal)",
        memberships=(("secretariat", "functional_admin"),),
    ),
)

# The cooperative's administrator: a superuser above every municipality it
# hosts (create, suspend, export, usage in /admin/), with no seat in any.
COOPERATIVE_PERSONA = Persona(
    "nicolas.declercq@demo.beffroi.test",
    "Nicolas",
    "Declercq",
    "Administrateur de la coopérative (communes hébergées)",
    is_superuser=True,
)
