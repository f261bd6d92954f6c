"""The document types and reply templates Beffroi ships (created by migration 0003
and by ``mail_reference_data_load``; the city edits them afterwards)."""

from __future__ import annotations

# Shipped document types: (code, name, working days, default service code).
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

# A template opens with ``{{ salutation }}`` (« Bonjour Marie Dubois » when
# the sender is a person whose name is known, else « Madame, Monsieur ») and
# closes with ``{{ civilite }}``.
REPLY_TEMPLATES = [
    (
        "accuse-reception",
        "Accusé de réception",
        "Accusé de réception — {{ objet }}",
        "{{ salutation }},\n\n"
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
        "{{ salutation }},\n\n"
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
        "{{ salutation }},\n\n"
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
        "{{ salutation }},\n\n"
        "Votre courrier du {{ date_reception }} (notre référence {{ numero }}) relève de la "
        "compétence d’une autre autorité. Nous le lui avons transmis ce jour ; elle vous "
        "répondra directement.\n\n"
        "Veuillez agréer, {{ civilite }}, l’expression de nos salutations distinguées.\n\n"
        "{{ agent }}\nService {{ service }}\n{{ commune }}",
    ),
]

# What a letter of each shipped type typically says: the routing model starts
# from these (as if the mail office had routed each once to the type's
# default service), so that it suggests a service and a type from the very
# first letter; every real routing then weighs as much as one of them.
TYPE_EXAMPLES: dict[str, list[str]] = {
    "courrier-citoyen": [
        "Courrier d'un habitant à l'administration communale",
        "Demande d'un citoyen au collège communal",
        "Lettre d'une riveraine au bourgmestre",
    ],
    "reclamation": [
        "Réclamation contre une décision de la commune",
        "Contestation d'une facture et réclamation",
        "Je conteste et je réclame le remboursement",
    ],
    "demande-information": [
        "Demande d'information sur les horaires et les démarches",
        "Pouvez-vous me renseigner sur la procédure",
        "Question sur les informations disponibles",
    ],
    "facture": [
        "Facture numéro à payer montant TVA échéance",
        "Facture de fournitures, bon de commande, paiement",
        "Rappel de paiement d'une facture impayée",
    ],
    "marche-public": [
        "Offre pour le marché public, cahier des charges",
        "Marché public de travaux : soumission et offre",
        "Candidature à l'appel d'offres du marché public",
    ],
    "invitation": [
        "Invitation à l'inauguration et à la réception",
        "Vous êtes invité à notre cérémonie et assemblée",
        "Invitation du bourgmestre à la manifestation",
    ],
    "courrier-administration": [
        "Courrier du Service public de Wallonie et de la Région",
        "Circulaire du gouvernement et de la province",
        "Lettre du SPF et de la tutelle régionale",
    ],
    "recours": [
        "Recours contre la décision du collège communal",
        "Introduction d'un recours administratif au Conseil d'État",
        "Recours et appel de la décision de refus",
    ],
    "demande-autorisation": [
        "Demande de permis d'urbanisme pour une construction",
        "Demande d'autorisation de transformer une habitation",
        "Permis d'environnement et d'urbanisme, plans de l'architecte",
    ],
    "candidature": [
        "Candidature spontanée, curriculum vitae et lettre de motivation",
        "Candidature au poste d'employé, CV joint",
        "Offre d'emploi : ma candidature et mon expérience",
    ],
    "demande-subside": [
        "Demande de subside pour notre association",
        "Subvention communale pour le club et son budget",
        "Demande de subside pour l'organisation d'un projet",
    ],
    "plainte-nuisance": [
        "Plainte pour nuisances sonores et bruit du voisinage",
        "Signalement de dépôts clandestins et de déchets",
        "Plainte pour odeurs, fumées et pollution",
    ],
    "acte-judiciaire": [
        "Citation à comparaître devant le tribunal, huissier de justice",
        "Courrier d'avocat au nom de mon client, mise en demeure",
        "Signification d'un jugement par l'huissier",
    ],
    "publicite": [
        "Publicité et offre promotionnelle, catalogue de nos produits",
        "Newsletter et information commerciale",
        "Découvrez notre nouvelle offre, brochure publicitaire",
    ],
}
