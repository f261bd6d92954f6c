"""The shipped document types and reply templates (copied here: migrations
must not change when the services module does)."""

from django.db import migrations

DOCUMENT_TYPES = [
    ("courrier-citoyen", "Courrier citoyen", 20, "secretariat"),
    ("reclamation", "Réclamation", 15, "secretariat"),
    ("demande-information", "Demande d'information", 10, "communication"),
    ("facture", "Facture", 20, "finances"),
    ("marche-public", "Marché public", 10, "secretariat"),
    ("invitation", "Invitation", 5, "secretariat"),
    ("courrier-administration", "Courrier d'une autre administration", 20, "secretariat"),
    ("recours", "Recours", 10, "secretariat"),
    ("demande-autorisation", "Demande d'autorisation ou de permis", 30, "urbanisme"),
    ("candidature", "Candidature", 20, "ressources-humaines"),
    ("demande-subside", "Demande de subside", 30, "finances"),
    ("plainte-nuisance", "Signalement ou plainte de nuisance", 10, "environnement"),
    ("acte-judiciaire", "Acte judiciaire ou courrier d'avocat", 5, "secretariat"),
    ("publicite", "Publicité ou information générale", 0, "communication"),
]


REPLY_TEMPLATES = [
    (
        "accuse-reception",
        "Accusé de réception",
        "Accusé de réception — {{ objet }}",
        "{{ civilite }},\n\n"
        "Nous avons bien reçu votre courrier du {{ date_reception }} concernant « {{ objet }} ». "
        "Il est enregistré sous le numéro {{ numero }} et a été transmis au service "
        "{{ service }}, qui le traite.\n\n"
        "Rappelez ce numéro dans toute correspondance à ce sujet.\n\n"
        "Veuillez agréer, {{ civilite }}, l’expression de nos salutations distinguées.\n\n"
        "{{ agent }}\nService {{ service }}\n{{ commune }}",
    ),
    (
        "reponse-information",
        "Réponse à une demande d'information",
        "Votre demande d'information — {{ objet }}",
        "{{ civilite }},\n\n"
        "En réponse à votre courrier du {{ date_reception }} (notre référence {{ numero }}), "
        "nous avons le plaisir de vous communiquer les informations suivantes :\n\n"
        "[Complétez ici la réponse.]\n\n"
        "Nous restons à votre disposition pour tout renseignement complémentaire.\n\n"
        "Veuillez agréer, {{ civilite }}, l’expression de nos salutations distinguées.\n\n"
        "{{ agent }}\nService {{ service }}\n{{ commune }}",
    ),
    (
        "demande-complement",
        "Demande de compléments",
        "Informations complémentaires — {{ objet }}",
        "{{ civilite }},\n\n"
        "Votre courrier du {{ date_reception }} (notre référence {{ numero }}) a retenu toute "
        "notre attention. Afin de pouvoir le traiter, nous vous saurions gré de nous faire "
        "parvenir les documents suivants :\n\n- [document]\n\n"
        "Veuillez agréer, {{ civilite }}, l’expression de nos salutations distinguées.\n\n"
        "{{ agent }}\nService {{ service }}\n{{ commune }}",
    ),
    (
        "transmission",
        "Transmission à l'autorité compétente",
        "Transmission de votre courrier — {{ objet }}",
        "{{ civilite }},\n\n"
        "Votre courrier du {{ date_reception }} (notre référence {{ numero }}) relève de la "
        "compétence d’une autre autorité. Nous le lui avons transmis ce jour ; elle vous "
        "répondra directement.\n\n"
        "Veuillez agréer, {{ civilite }}, l’expression de nos salutations distinguées.\n\n"
        "{{ agent }}\nService {{ service }}\n{{ commune }}",
    ),
]


def forwards(apps, schema_editor):
    DocumentType = apps.get_model("mail", "DocumentType")
    ReplyTemplate = apps.get_model("mail", "ReplyTemplate")
    Service = apps.get_model("municipality", "Service")
    services = {service.code: service for service in Service.objects.all()}
    for code, name, days, service_code in DOCUMENT_TYPES:
        DocumentType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "treatment_days": days,
                "default_service": services.get(service_code),
            },
        )
    for code, name, subject, body in REPLY_TEMPLATES:
        ReplyTemplate.objects.get_or_create(
            code=code, defaults={"name": name, "subject": subject, "body": body}
        )


class Migration(migrations.Migration):
    dependencies = [("mail", "0002_postgresql_search"), ("municipality", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
