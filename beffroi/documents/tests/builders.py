"""A procedure with one certificate, and cases of it, built directly with the ORM.

Shared by the documents tests, the portal's verification tests and the
certificate benchmark: the smallest definition that validates, with a
choice field so the body can use ``labels``.
"""

from __future__ import annotations

import itertools
from typing import Any

from django.utils import timezone

from beffroi.cases.models import Case
from beffroi.catalogue.models import Category, Procedure, ProcedureVersion
from beffroi.municipality.models import Service

CERTIFICATE_BODY = (
    "<p>Le bourgmestre de {{ municipality.short_name }} certifie que "
    "<strong>{{ answers.person_first_name }} {{ answers.person_last_name }}</strong> "
    "est inscrite aux registres de la population depuis le {{ answers.since }}.</p>"
    "<p>Ce certificat est délivré pour servir à : {{ labels.purpose }}"
    "{% if labels.copies %} ({{ labels.copies }}){% endif %}.</p>"
    "<p>Demande {{ case.reference }} du {{ case.submitted_on|date:'j F Y' }}, "
    "{{ procedure.title }}, service {{ service.name }}, le {{ today|date:'j F Y' }}.</p>"
)

DEFINITION: dict[str, Any] = {
    "form": {
        "pages": [
            {
                "id": "personne",
                "title": "La personne concernée",
                "fields": [
                    {"id": "person_first_name", "type": "text", "label": "Prénom"},
                    {"id": "person_last_name", "type": "text", "label": "Nom"},
                    {"id": "since", "type": "date", "label": "Inscrite depuis"},
                    {
                        "id": "purpose",
                        "type": "choice",
                        "label": "Usage",
                        "choices": [
                            {"value": "banque", "label": "démarches bancaires"},
                            {"value": "emploi", "label": "recherche d'emploi"},
                        ],
                    },
                    {
                        "id": "copies",
                        "type": "multichoice",
                        "label": "Copies",
                        "required": False,
                        "choices": [
                            {"value": "papier", "label": "copie papier"},
                            {"value": "courriel", "label": "copie par courriel"},
                        ],
                    },
                ],
            }
        ]
    },
    "workflow": {
        "initial": "submitted",
        "statuses": [
            {"id": "submitted", "label": "Demande reçue"},
            {
                "id": "issued",
                "label": "Certificat délivré",
                "final": True,
                "on_enter": [{"do": "generate_document", "document": "certificate"}],
            },
        ],
        "transitions": [
            {"id": "issue", "label": "Délivrer", "from": ["submitted"], "to": "issued"}
        ],
    },
    "documents": [
        {
            "id": "certificate",
            "title": "Certificat de résidence",
            "filename": "certificat-de-residence",
            "body": CERTIFICATE_BODY,
        }
    ],
}

ANSWERS: dict[str, Any] = {
    "person_first_name": "Marie",
    "person_last_name": "Dubois",
    "since": "2019-04-01",
    "purpose": "banque",
    "copies": ["papier", "courriel"],
}

_numbers = itertools.count(1)


def certificate_procedure(*, slug: str = "certificat-de-test") -> Procedure:
    """The procedure (and its one published version), created once."""
    existing = Procedure.objects.filter(slug=slug).select_related("current_version").first()
    if existing is not None:
        return existing
    service, _ = Service.objects.get_or_create(code="population", defaults={"name": "Population"})
    category, _ = Category.objects.get_or_create(
        slug="actes-et-certificats", defaults={"name": "Actes et certificats"}
    )
    procedure = Procedure.objects.create(
        slug=slug,
        category=category,
        service=service,
        title="Certificat de résidence",
        summary="Un certificat de test.",
        audience="Tout le monde.",
        processing_days=2,
    )
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        definition=DEFINITION,
        checksum="0" * 64,
        published_at=timezone.now(),
    )
    procedure.current_version = version
    procedure.save(update_fields=["current_version"])
    return procedure


def certificate_case(*, applicant: Any = None, answers: dict[str, Any] | None = None) -> Case:
    procedure = certificate_procedure()
    assert procedure.current_version is not None
    number = next(_numbers)
    now = timezone.now()
    return Case.objects.create(
        reference=f"{now.year}-{900000 + number:06d}",
        tracking_code=f"QQQQ{_letters(number)}",
        procedure=procedure,
        version=procedure.current_version,
        service=procedure.service,
        status="submitted",
        applicant=applicant,
        applicant_email=getattr(applicant, "email", "") or "",
        applicant_name="Marie Dubois",
        answers=dict(ANSWERS if answers is None else answers),
        submitted_at=now,
        status_changed_at=now,
    )


def _letters(number: int) -> str:
    alphabet = "BCDFGHJKLMNPRSTV"
    return "".join(alphabet[(number >> shift) & 15] for shift in (12, 8, 4, 0))
