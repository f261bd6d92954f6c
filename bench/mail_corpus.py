"""A corpus of realistic French letters to a Belgian city, for routing tests.

Each letter is addressed to one of Tournai's services (the label the mail
office would give it) with a document type. Letters mix a service's topics
with everyday formulas, citizens and organisations as senders (some write
to several services), vague or missing subjects, sentences about another
service's business, and OCR noise (lost accents, confused letters, broken
words) on part of them: what a mail office really receives.

``generate(count, seed)`` is deterministic; benchmarks and tests share it.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from typing import TypedDict


@dataclass(frozen=True)
class Letter:
    subject: str
    text: str
    sender_name: str
    sender_email: str
    sender_is_organisation: bool
    service: str
    document_type: str


class ServiceSpec(TypedDict):
    subjects: list[str]
    sentences: list[str]
    types: dict[str, int]
    orgs: list[tuple[str, str]]


STREETS = [
    "rue Royale",
    "rue de la Tête d'Or",
    "quai Notre-Dame",
    "rue des Bouchers Saint-Jacques",
    "boulevard Léopold",
    "rue de Marvis",
    "chaussée de Lille",
    "rue Saint-Martin",
    "avenue de Maire",
    "rue du Château",
    "place de Lille",
    "rue Perdue",
    "rue des Chapeliers",
    "chaussée de Douai",
    "rue de Cordes",
    "rue Hertoghe",
    "chemin des Mottes",
    "rue de l'Athénée",
    "boulevard des Nerviens",
    "rue Childéric",
    "quai Taille-Pierres",
]
VILLAGES = [
    "Kain",
    "Templeuve",
    "Gaurain-Ramecroix",
    "Vaulx",
    "Froyennes",
    "Marquain",
    "Chercq",
    "Orcq",
    "Mourcourt",
    "Havinnes",
    "Barry",
    "Esplechin",
    "Rumillies",
    "Warchin",
    "Ere",
    "Saint-Maur",
    "Blandain",
    "Hertain",
    "Lamain",
    "Vezon",
]
FIRST_NAMES = [
    "Marie",
    "Jean",
    "Sophie",
    "Luc",
    "Nathalie",
    "Philippe",
    "Isabelle",
    "Marc",
    "Catherine",
    "Michel",
    "Anne",
    "Pierre",
    "Christine",
    "Olivier",
    "Sandrine",
    "Didier",
    "Véronique",
    "Thierry",
    "Françoise",
    "Patrick",
    "Hélène",
    "Karim",
    "Fatima",
    "Mehmet",
    "Aïcha",
    "Kevin",
    "Laura",
    "Julien",
    "Camille",
    "Thomas",
    "Manon",
    "Nicolas",
    "Élise",
    "Bernard",
    "Josiane",
]
LAST_NAMES = [
    "Dubois",
    "Lefebvre",
    "Martin",
    "Leroy",
    "Dupont",
    "Lambert",
    "Renard",
    "Delvaux",
    "Vandenberghe",
    "Desmet",
    "Claes",
    "Peeters",
    "Hennebert",
    "Wattiez",
    "Carlier",
    "Dujardin",
    "Bernard",
    "Mahieu",
    "Delhaye",
    "Leclercq",
    "Haddad",
    "Benali",
    "Yilmaz",
    "Van Damme",
    "Bourgeois",
    "Cuvelier",
    "Lemaire",
    "Descamps",
    "Vanhove",
    "Deltour",
]
CITIZEN_DOMAINS = [
    "gmail.com",
    "hotmail.com",
    "skynet.be",
    "proximus.be",
    "outlook.be",
    "yahoo.fr",
    "live.be",
    "telenet.be",
]
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]

# Organisations that write to several services: their name and domain
# alone do not say where the letter goes.
SHARED_ORGS = [
    ("Service public de Wallonie", "spw.wallonie.be"),
    ("Région wallonne", "wallonie.be"),
    ("Province de Hainaut", "hainaut.be"),
    ("Cabinet d'avocats Delcourt & associés", "delcourt-avocats.be"),
    ("Wallonie picarde", "wapi.be"),
]

SERVICES: dict[str, ServiceSpec] = {
    "population": {
        "subjects": [
            "Changement d'adresse",
            "Déclaration de domicile",
            "Carte d'identité électronique",
            "Demande de composition de ménage",
            "Radiation pour l'étranger",
            "Code PIN de ma carte eID",
            "Inscription au registre de la population",
            "Certificat de résidence",
            "Passeport pour mon fils",
            "Titre de séjour",
            "Permis de conduire",
        ],
        "sentences": [
            "Je viens d'emménager au {street} n° {n} à {village} et souhaite déclarer ma nouvelle adresse.",
            "L'agent de quartier n'est pas encore passé pour vérifier ma résidence depuis mon déménagement.",
            "Ma carte d'identité électronique arrive à expiration le {date} et je souhaite la renouveler.",
            "J'ai perdu le code PIN et le code PUK de ma carte eID.",
            "Pourriez-vous me délivrer une composition de ménage pour mon dossier d'allocations familiales ?",
            "Nous quittons la Belgique pour la France et demandons notre radiation pour l'étranger (modèle 8).",
            "Mon fils a besoin d'un passeport pour un voyage scolaire prévu le {date}.",
            "Je souhaite obtenir un certificat de résidence avec historique des adresses.",
            "Mon épouse de nationalité marocaine attend son titre de séjour, carte F, depuis plusieurs mois.",
            "Le guichet population m'a demandé une attestation du propriétaire pour l'inscription au registre.",
            "Je demande l'échange de mon permis de conduire étranger contre un permis belge.",
            "Le registre national indique toujours mon ancienne adresse à {village}.",
            "Je sollicite un rendez-vous au service population pour la délivrance de ma carte d'identité.",
            "Mes enfants doivent être inscrits à notre adresse à la suite de la garde alternée.",
        ],
        "types": {"courrier-citoyen": 6, "demande-information": 3, "reclamation": 1},
        "orgs": [
            ("SPF Intérieur — Registre national", "rrn.fgov.be"),
            ("Office des étrangers", "ibz.fgov.be"),
            ("Ambassade de Roumanie", "mae.ro"),
        ],
    },
    "etat-civil": {
        "subjects": [
            "Copie d'acte de naissance",
            "Extrait d'acte de mariage",
            "Déclaration de naissance",
            "Acte de décès",
            "Reconnaissance prénatale",
            "Cohabitation légale",
            "Changement de prénom",
            "Célébration de mariage",
            "Concession au cimetière",
            "Dernières volontés",
        ],
        "sentences": [
            "Je souhaite obtenir une copie intégrale de mon acte de naissance établi à Tournai en {year}.",
            "Nous désirons nous marier le samedi {date} et voudrions réserver la salle des mariages.",
            "Veuillez trouver ci-joint les documents pour la déclaration de cohabitation légale.",
            "Mon père est décédé le {date} à l'hôpital de Tournai et la famille demande un extrait d'acte de décès.",
            "Nous souhaitons faire une reconnaissance prénatale de notre enfant à naître.",
            "Je demande le changement de mon prénom conformément à la loi.",
            "Le notaire chargé de la succession réclame un extrait de l'acte de décès.",
            "Je souhaite enregistrer mes dernières volontés quant au mode de sépulture, crémation et dispersion des cendres.",
            "La concession de la sépulture familiale au cimetière de {village} arrive à échéance.",
            "Pour la transcription de notre mariage célébré à l'étranger, quels documents légalisés faut-il fournir ?",
            "L'acte de naissance de ma fille comporte une erreur dans l'orthographe du nom.",
            "Notre dossier de mariage comprend les copies des cartes d'identité des témoins.",
        ],
        "types": {"courrier-citoyen": 6, "demande-information": 3, "reclamation": 1},
        "orgs": [
            ("Étude du notaire Lemaire", "notaire-lemaire.be"),
            ("Pompes funèbres Delhaye", "pf-delhaye.be"),
            ("Consulat général d'Italie", "esteri.it"),
        ],
    },
    "urbanisme": {
        "subjects": [
            "Permis d'urbanisme",
            "Demande de permis pour une véranda",
            "Certificat d'urbanisme n° 1",
            "Renseignements urbanistiques",
            "Infraction urbanistique",
            "Division de parcelle",
            "Enquête publique",
            "Permis d'urbanisation",
            "Recours contre un permis",
            "Abattage d'un arbre remarquable",
        ],
        "sentences": [
            "Je souhaite construire une véranda à l'arrière de mon habitation située {street} n° {n}.",
            "Veuillez trouver ci-joint les plans de l'architecte pour notre demande de permis d'urbanisme.",
            "Pour la vente du bien cadastré section {letter} n° {n}, le notaire sollicite les renseignements urbanistiques.",
            "Mon voisin a construit un abri de jardin sans permis à moins de deux mètres de la limite mitoyenne.",
            "Nous introduisons une réclamation dans le cadre de l'enquête publique relative au projet de lotissement à {village}.",
            "Le Collège a délivré le permis le {date} ; nous introduisons un recours auprès du Gouvernement wallon.",
            "Le projet prévoit la transformation d'une grange en trois logements.",
            "La façade en zone de protection du centre ancien nécessite-t-elle un avis de la Commission royale des monuments ?",
            "Je souhaite diviser ma parcelle en deux lots à bâtir.",
            "Quelle est l'affectation au plan de secteur de la parcelle située chemin des Mottes ?",
            "Le permis d'urbanisme pour l'extension de la maison nous a été refusé.",
            "Le Code du développement territorial (CoDT) impose un délai de trente jours pour statuer sur le certificat d'urbanisme.",
            "Nous souhaitons remplacer les châssis et la toiture de notre maison mitoyenne.",
        ],
        "types": {
            "demande-autorisation": 6,
            "demande-information": 2,
            "recours": 1,
            "reclamation": 1,
            "courrier-administration": 1,
        },
        "orgs": [
            ("Bureau d'architecture Hennebert", "hennebert-architectes.be"),
            ("SPW Territoire — Fonctionnaire délégué", "spw.wallonie.be"),
            ("Étude du notaire Lemaire", "notaire-lemaire.be"),
            ("Promotion immobilière Wattiez", "wattiez-immo.be"),
        ],
    },
    "travaux": {
        "subjects": [
            "Nid de poule",
            "Trottoir dégradé",
            "Éclairage public en panne",
            "Égouttage",
            "Réfection de voirie",
            "Chantier rue Royale",
            "Avaloir bouché",
            "Inondation de cave",
            "Marché de travaux",
            "Entretien des fossés",
        ],
        "sentences": [
            "Un nid de poule dangereux s'est formé devant le n° {n} de la {street}.",
            "Le trottoir est complètement dégradé et ma mère âgée a chuté la semaine dernière.",
            "L'éclairage public ne fonctionne plus dans notre rue depuis le {date}.",
            "Lors des fortes pluies, l'avaloir est bouché et l'eau envahit nos caves à {village}.",
            "Le chantier de réfection de la voirie devait se terminer le {date} mais rien n'avance.",
            "Les ouvriers ont laissé des barrières et des gravats sur l'accotement.",
            "Le fossé le long du chemin n'a pas été curé depuis des années.",
            "Nous remettons notre offre pour le marché de travaux de rénovation de l'égouttage.",
            "La conduite d'égout est effondrée sous la chaussée, avec un affaissement du revêtement.",
            "Les services communaux pourraient-ils réparer le mur de soutènement du cimetière ?",
            "Notre entreprise de voirie a achevé la pose de l'enrobé ; veuillez trouver l'état d'avancement des travaux.",
            "Le raccordement à l'égout public de ma nouvelle maison doit être réalisé par la Ville.",
        ],
        "types": {"reclamation": 4, "courrier-citoyen": 3, "marche-public": 2, "facture": 1},
        "orgs": [
            ("ORES", "ores.be"),
            ("SWDE", "swde.be"),
            ("Entreprise de voirie Deltour", "deltour-tp.be"),
            ("IPALLE — égouttage", "ipalle.be"),
        ],
    },
    "environnement": {
        "subjects": [
            "Dépôt sauvage",
            "Collecte des déchets",
            "Conteneur à puce",
            "Nuisances sonores d'une entreprise",
            "Permis d'environnement",
            "Abattage d'arbres",
            "Pollution du cours d'eau",
            "Chats errants",
            "Espaces verts",
            "Frelons asiatiques",
        ],
        "sentences": [
            "Un dépôt sauvage de déchets encombre le sentier près du bois de {village} depuis plusieurs semaines.",
            "Le camion de collecte n'est pas passé pour vider notre conteneur à puce.",
            "L'entreprise voisine fait fonctionner ses compresseurs la nuit : le bruit est insupportable.",
            "Nous sollicitons un permis d'environnement de classe 2 pour l'exploitation d'un atelier.",
            "Une odeur nauséabonde et une mousse blanche sont apparues sur le ruisseau.",
            "Des chats errants se multiplient dans le quartier ; la Ville organise-t-elle des stérilisations ?",
            "Un nid de frelons asiatiques a été repéré dans un arbre du parc.",
            "Les haies et les arbres de la propriété voisine n'ont pas été élagués.",
            "Je souhaite participer à l'action zéro déchet et au compostage collectif.",
            "Le parc à conteneurs refuse les déchets verts de mon jardin.",
            "La déclaration environnementale de classe 3 concerne une citerne à mazout de 3000 litres.",
            "Les sacs poubelles éventrés attirent les rats et les corneilles.",
        ],
        "types": {
            "plainte-nuisance": 5,
            "demande-autorisation": 2,
            "courrier-citoyen": 2,
            "demande-information": 1,
        },
        "orgs": [
            ("IPALLE", "ipalle.be"),
            ("Natagora", "natagora.be"),
            ("SPW Environnement — DPC", "spw.wallonie.be"),
            ("Contrat de rivière Escaut-Lys", "escaut-lys.be"),
        ],
    },
    "finances": {
        "subjects": [
            "Taxe immondices",
            "Réclamation contre une taxe",
            "Facture",
            "Avertissement-extrait de rôle",
            "Exonération de la taxe",
            "Note de crédit",
            "Rappel de paiement",
            "Plan de paiement",
            "Demande de subside",
            "Taxe sur les secondes résidences",
        ],
        "sentences": [
            "Je conteste l'avertissement-extrait de rôle relatif à la taxe sur l'enlèvement des immondices pour l'exercice {year}.",
            "Veuillez trouver ci-joint notre facture n° {n} d'un montant de {amount} euros TVAC.",
            "Je sollicite un plan de paiement pour régler la taxe en plusieurs mensualités.",
            "Cette taxe a déjà été payée le {date} par virement sur le compte de la Ville.",
            "Nous vous adressons un rappel : la facture échue le {date} reste impayée.",
            "En tant que personne bénéficiant du statut BIM, je demande l'exonération de la taxe.",
            "Vous trouverez en annexe la note de crédit relative à la facture contestée.",
            "Notre association sollicite un subside de fonctionnement pour l'année {year}.",
            "La taxe sur les secondes résidences ne devrait pas s'appliquer puisque j'y suis domicilié.",
            "Le receveur régional nous réclame des intérêts de retard que nous contestons.",
            "Le montant de {amount} euros a été prélevé deux fois sur mon compte bancaire.",
            "La réclamation fiscale est introduite dans le délai de six mois prévu par la loi.",
            "Veuillez communiquer le bon de commande pour que nous puissions établir la facture.",
        ],
        "types": {
            "facture": 4,
            "reclamation": 3,
            "recours": 1,
            "demande-subside": 1,
            "courrier-citoyen": 1,
        },
        "orgs": [
            ("SPF Finances", "minfin.fed.be"),
            ("Belfius Banque", "belfius.be"),
            ("Fournitures de bureau Carlier", "carlier-bureau.be"),
            ("Proximus", "proximus.com"),
        ],
    },
    "mobilite": {
        "subjects": [
            "Stationnement riverain",
            "Carte de stationnement",
            "Emplacement pour personne handicapée",
            "Vitesse excessive",
            "Ralentisseur",
            "Sens unique",
            "Piste cyclable",
            "Horodateur",
            "Zone bleue",
            "Arrêt de bus",
        ],
        "sentences": [
            "Je sollicite une carte de riverain pour stationner dans la zone bleue du centre-ville.",
            "Je demande la création d'un emplacement de stationnement réservé aux personnes handicapées devant mon domicile.",
            "Les automobilistes roulent beaucoup trop vite dans notre rue : un ralentisseur ou un radar s'impose.",
            "La mise en sens unique de la {street} crée des embouteillages aux heures de pointe.",
            "La piste cyclable s'interrompt brusquement au carrefour, ce qui met les cyclistes en danger.",
            "L'horodateur de la place est en panne et j'ai reçu une redevance de stationnement.",
            "Le bus du TEC ne s'arrête plus à l'arrêt de {village} depuis la modification de l'itinéraire.",
            "Le plan communal de mobilité prévoit-il une zone 30 aux abords de l'école ?",
            "Les camions traversent le village malgré l'interdiction de circuler aux plus de 3,5 tonnes.",
            "Le passage pour piétons devant l'école n'est plus visible, la signalisation doit être repeinte.",
            "Les voitures ventouses occupent les places de stationnement pendant des semaines.",
            "Nous demandons un avis sur la signalisation de la déviation pendant le chantier.",
        ],
        "types": {
            "courrier-citoyen": 4,
            "reclamation": 3,
            "demande-autorisation": 2,
            "courrier-administration": 1,
        },
        "orgs": [
            ("TEC Hainaut", "letec.be"),
            ("SPW Mobilité et Infrastructures", "spw.wallonie.be"),
            ("Zone de police du Tournaisis", "zp-tournaisis.be"),
            ("GRACQ Tournai", "gracq.org"),
        ],
    },
    "evenements": {
        "subjects": [
            "Demande de manifestation",
            "Brocante",
            "Fête de quartier",
            "Prêt de matériel",
            "Occupation de la Grand-Place",
            "Concert en plein air",
            "Marché de Noël",
            "Course cycliste",
            "Invitation",
            "Carnaval",
        ],
        "sentences": [
            "Notre comité organise une brocante le dimanche {date} dans les rues de {village}.",
            "Nous sollicitons le prêt de tables, de chaises, de barrières Nadar et d'un podium.",
            "La fête de quartier accueillera environ {n} personnes avec un bar et de la musique amplifiée.",
            "Nous demandons l'autorisation d'occuper la Grand-Place pour un concert en plein air.",
            "Le marché de Noël comprendra trente chalets et une patinoire.",
            "L'asbl organise une course cycliste et demande la fermeture temporaire de plusieurs rues.",
            "Le plan de sécurité de la manifestation a été transmis à la zone de secours.",
            "Nous avons le plaisir de vous inviter à l'inauguration de notre salle le {date}.",
            "Le cortège du carnaval partira de la place de Lille à 14 heures.",
            "Une autorisation de débit de boissons temporaire est nécessaire pour le bal.",
            "Les Journées du patrimoine auront lieu les {date} avec l'ouverture des monuments.",
            "Le festival demande la mise à disposition de l'électricité et de points d'eau.",
        ],
        "types": {"demande-autorisation": 5, "invitation": 3, "courrier-citoyen": 2},
        "orgs": [
            ("Comité des fêtes de Kain", "fetes-kain.be"),
            ("ASBL Tournai Animations", "tournai-animations.be"),
            ("Royal Cyclo Club tournaisien", "rcct.be"),
            ("Maison de la culture de Tournai", "maisonculturetournai.com"),
        ],
    },
    "affaires-sociales": {
        "subjects": [
            "Aide sociale",
            "Logement d'urgence",
            "Allocation de chauffage",
            "Plan de cohésion sociale",
            "Maison de repos",
            "Repas à domicile",
            "Accueil de la petite enfance",
            "Pension",
            "Personne âgée isolée",
            "Carte handicapé",
        ],
        "sentences": [
            "Je me trouve dans une situation financière très difficile et sollicite une aide sociale.",
            "Ma famille a été expulsée et nous avons besoin d'un logement d'urgence.",
            "Je demande l'allocation de chauffage du Fonds social mazout.",
            "Ma mère, âgée de {n} ans, vit seule et ne peut plus préparer ses repas : le service de repas à domicile peut-il l'aider ?",
            "Nous cherchons une place en crèche pour notre bébé qui naîtra en {month}.",
            "Je souhaite introduire une demande de pension de retraite et de garantie de revenus aux personnes âgées.",
            "La demande de reconnaissance de handicap doit être introduite auprès du SPF Sécurité sociale.",
            "Le plan de cohésion sociale propose-t-il des cours d'alphabétisation ?",
            "Mon père est en attente d'une place en maison de repos.",
            "Le CPAS peut-il intervenir dans les frais de médicaments et d'hospitalisation ?",
            "Les personnes isolées du quartier souffrent de la canicule ; une visite serait utile.",
            "Je demande une intervention pour la guidance budgétaire et la médiation de dettes.",
        ],
        "types": {"courrier-citoyen": 6, "demande-information": 3, "courrier-administration": 1},
        "orgs": [
            ("CPAS de Tournai", "cpas-tournai.be"),
            ("AVIQ", "aviq.be"),
            ("Office de la naissance et de l'enfance", "one.be"),
            ("Service fédéral des pensions", "sfpd.fgov.be"),
        ],
    },
    "ressources-humaines": {
        "subjects": [
            "Candidature spontanée",
            "Offre d'emploi",
            "Stage",
            "Certificat médical",
            "Attestation de travail",
            "Congé parental",
            "Fiche de paie",
            "Recrutement d'ouvriers",
            "Accident de travail",
            "Étudiant jobiste",
        ],
        "sentences": [
            "Je vous adresse ma candidature spontanée pour un poste d'employé administratif.",
            "Veuillez trouver ci-joint mon curriculum vitae et ma lettre de motivation.",
            "Je souhaite effectuer un stage de fin d'études dans un service de l'administration communale.",
            "Vous trouverez en annexe mon certificat médical couvrant la période du {date}.",
            "Je sollicite une attestation de travail pour la période durant laquelle j'étais engagé à la Ville.",
            "Je demande un congé parental à mi-temps à partir du {date}.",
            "Ma fiche de paie du mois de {month} ne mentionne pas les heures supplémentaires prestées.",
            "Je réponds à l'offre d'emploi d'ouvrier qualifié publiée par la Ville.",
            "L'accident de travail survenu le {date} doit être déclaré à l'assureur.",
            "Mon fils étudiant cherche un job d'été dans les services communaux.",
            "Le Forem nous communique la liste des demandeurs d'emploi pour l'aide à la promotion de l'emploi (APE).",
            "Le jury d'examen de recrutement se réunira le {date}.",
        ],
        "types": {"candidature": 6, "courrier-citoyen": 2, "courrier-administration": 2},
        "orgs": [
            ("Forem", "forem.be"),
            ("Ethias assurances", "ethias.be"),
            ("Haute École Condorcet", "condorcet.be"),
            ("Secrétariat social Securex", "securex.be"),
        ],
    },
    "developpement-economique": {
        "subjects": [
            "Terrasse de café",
            "Ouverture d'un commerce",
            "Marché hebdomadaire",
            "Emplacement sur le marché",
            "Prime à l'installation",
            "Cellule commerciale vide",
            "Horaires de fermeture",
            "Commerce ambulant",
            "Association des commerçants",
            "Food truck",
        ],
        "sentences": [
            "Je vais ouvrir une boulangerie {street} et souhaite connaître les aides à l'installation.",
            "Nous sollicitons l'autorisation d'installer une terrasse devant notre café.",
            "Je souhaite obtenir un emplacement fixe au marché hebdomadaire du samedi.",
            "Notre food truck voudrait s'installer sur le parking de {village} les vendredis soir.",
            "L'association des commerçants du centre-ville demande une animation pendant les soldes.",
            "La prime communale à l'installation de nouveaux commerces est-elle toujours octroyée ?",
            "Je suis marchand ambulant et demande une autorisation d'activité ambulante.",
            "Plusieurs cellules commerciales sont vides dans la rue piétonne.",
            "La carte de commerçant ambulant expire le {date}.",
            "Notre magasin souhaite ouvrir le dimanche pendant la période des fêtes.",
            "La page de notre commerce sur le site de la Ville doit être mise à jour.",
        ],
        "types": {"demande-autorisation": 4, "courrier-citoyen": 3, "demande-information": 3},
        "orgs": [
            ("Union des classes moyennes", "ucm.be"),
            ("Association des commerçants du centre", "tournai-commerces.be"),
            ("IDETA", "ideta.be"),
            ("Agence wallonne à l'exportation", "awex.be"),
        ],
    },
    "secretariat": {
        "subjects": [
            "Courrier au Bourgmestre",
            "Conseil communal",
            "Question d'un conseiller communal",
            "Recours au Conseil d'État",
            "Tutelle",
            "Délibération du Collège",
            "Demande d'audience",
            "Pétition",
            "Accès aux documents administratifs",
            "Assurance responsabilité civile",
        ],
        "sentences": [
            "Monsieur le Bourgmestre, je sollicite une audience pour vous exposer la situation de notre quartier.",
            "En ma qualité de conseiller communal, je souhaite inscrire un point à l'ordre du jour du prochain conseil.",
            "Nous introduisons une requête en annulation devant le Conseil d'État contre la délibération du {date}.",
            "L'autorité de tutelle vous transmet son arrêté relatif à la délibération du conseil communal.",
            "Conformément au décret sur la publicité de l'administration, je demande copie de la délibération du Collège.",
            "Veuillez trouver ci-joint une pétition signée par {n} habitants.",
            "Notre client nous a chargés de vous mettre en demeure de réparer le préjudice subi.",
            "La compagnie d'assurances vous adresse la déclaration de sinistre en responsabilité civile.",
            "Le procès-verbal de la séance du conseil communal du {date} doit être approuvé.",
            "Nous vous remercions de transmettre cette demande au Collège communal.",
            "L'huissier de justice signifie un exploit de citation à comparaître devant le tribunal.",
            "La délégation de signature du Directeur général doit être mise à jour.",
        ],
        "types": {
            "courrier-administration": 3,
            "recours": 2,
            "acte-judiciaire": 2,
            "courrier-citoyen": 2,
            "demande-information": 1,
        },
        "orgs": [
            ("Cabinet d'avocats Delcourt & associés", "delcourt-avocats.be"),
            ("SPW Intérieur — Tutelle", "spw.wallonie.be"),
            ("Étude d'huissiers Mahieu", "huissier-mahieu.be"),
            ("Ethias assurances", "ethias.be"),
        ],
    },
}

OPENINGS = [
    "Madame, Monsieur,",
    "Mesdames, Messieurs,",
    "Monsieur le Bourgmestre,",
    "Madame l'Échevine,",
    "Bonjour,",
    "Madame, Monsieur le responsable du service,",
    "Monsieur le Directeur général,",
]
INTRODUCTIONS = [
    "Je me permets de vous écrire au sujet de la situation suivante.",
    "Par la présente, je souhaite attirer votre attention sur ce qui suit.",
    "Suite à notre entretien téléphonique du {date}, je vous confirme ma demande.",
    "Je fais suite à votre courrier du {date}, dont la référence figure ci-dessus.",
    "Comme convenu lors de ma visite à l'hôtel de ville, je vous écris.",
    "Sans réponse à mon précédent courrier, je me permets de vous relancer.",
    "",
    "",
]
CLOSINGS = [
    "Dans l'attente de votre réponse, je vous prie d'agréer, Madame, Monsieur, mes salutations distinguées.",
    "Je vous remercie par avance pour la suite que vous réserverez à ma demande.",
    "Veuillez agréer l'expression de mes sentiments respectueux.",
    "Je reste à votre disposition pour tout renseignement complémentaire.",
    "Avec mes remerciements, bien cordialement.",
    "Nous vous prions de croire, Mesdames, Messieurs, à l'assurance de notre considération distinguée.",
]
VAGUE_SUBJECTS = [
    "Demande",
    "Votre courrier du {date}",
    "Réclamation",
    "Information",
    "Suite à votre lettre",
    "Demande urgente",
    "Rappel",
    "Ma demande",
    "Question",
    "Dossier {n}",
]
# What a letter of each type usually says, whatever the service.
TYPE_FORMULAS = {
    "facture": [
        "Veuillez trouver ci-joint notre facture n° {n}, payable à trente jours.",
        "Montant total : {amount} euros, TVA comprise, à verser sur notre compte.",
    ],
    "reclamation": [
        "Je souhaite introduire une réclamation formelle.",
        "Je ne suis pas satisfait de la manière dont ce dossier a été traité.",
    ],
    "recours": [
        "Le présent recours est introduit dans le délai légal.",
        "Nous contestons cette décision et en demandons la réformation.",
    ],
    "invitation": [
        "Nous avons le plaisir de vous inviter le {date} à 18 heures.",
        "Votre présence nous ferait honneur ; merci de confirmer avant le {date}.",
    ],
    "candidature": [
        "Vous trouverez ma candidature et mon curriculum vitae en annexe.",
        "Je suis disponible immédiatement pour un entretien.",
    ],
    "demande-information": [
        "Pourriez-vous m'indiquer la marche à suivre ?",
        "Je souhaiterais obtenir des renseignements à ce sujet.",
    ],
    "demande-autorisation": [
        "Je sollicite l'autorisation nécessaire.",
        "Les documents requis pour la demande sont joints.",
    ],
    "courrier-administration": [
        "Nous vous transmettons ce dossier pour disposition.",
        "Copie pour information au Directeur général.",
    ],
    "acte-judiciaire": [
        "Par exploit d'huissier de ce jour, signification vous est faite.",
        "À défaut, nous saisirons le tribunal compétent.",
    ],
    "demande-subside": [
        "Le budget prévisionnel de notre projet est joint à la demande de subside.",
        "Le subside couvrirait une partie des frais.",
    ],
    "plainte-nuisance": [
        "Cette nuisance dure depuis plusieurs semaines.",
        "Les voisins se plaignent également de la situation.",
    ],
    "marche-public": [
        "Dans le cadre du marché public, notre offre respecte le cahier spécial des charges.",
        "Le métré récapitulatif et l'inventaire sont joints à l'offre.",
    ],
    "courrier-citoyen": [],
}
# People say the same thing in many ways: each wording may be replaced by another.
PARAPHRASES = [
    ("Je souhaite", ["Je voudrais", "Je désire", "J'aimerais", "Nous souhaitons", "Je tiens à"]),
    ("je souhaite", ["je voudrais", "je désire", "j'aimerais", "nous voudrions"]),
    (
        "Je sollicite",
        ["Je demande", "Je me permets de solliciter", "Nous sollicitons", "Je voudrais obtenir"],
    ),
    (
        "Je demande",
        ["Je sollicite", "Je souhaiterais obtenir", "Nous demandons", "Je vous prie de m'accorder"],
    ),
    (
        "Nous sollicitons",
        ["Nous demandons", "Notre association sollicite", "Nous voudrions obtenir"],
    ),
    (
        "Veuillez trouver ci-joint",
        ["Vous trouverez en annexe", "Je joins à la présente", "Ci-joint,", "En annexe figurent"],
    ),
    ("Vous trouverez en annexe", ["Veuillez trouver ci-joint", "Je vous transmets", "Voici"]),
    ("habitation", ["maison", "logement", "domicile", "propriété"]),
    (
        "depuis plusieurs semaines",
        ["depuis un mois", "depuis longtemps", "depuis le printemps", "depuis des mois"],
    ),
    ("dangereux", ["très dangereux", "dangereux pour les piétons", "qui provoque des accidents"]),
    ("notre rue", ["la rue", "notre quartier", "ma rue", "le quartier"]),
    ("Pourriez-vous", ["Pouvez-vous", "Serait-il possible de", "Je vous saurais gré de"]),
    (
        "la Ville",
        ["l'administration communale", "la commune", "vos services", "la Ville de Tournai"],
    ),
    ("notre association", ["notre asbl", "notre comité", "notre club"]),
    ("Notre association", ["Notre asbl", "Notre comité", "Notre club"]),
    ("le {date}", ["le {date}", "ce {date}", "depuis le {date}"]),
    ("très difficile", ["précaire", "compliquée", "grave"]),
    ("mon domicile", ["chez moi", "ma maison", "mon adresse"]),
    ("Je conteste", ["Je m'oppose à", "Je refuse", "Je ne suis pas d'accord avec"]),
    ("insupportable", ["intolérable", "épouvantable", "inacceptable"]),
    ("la semaine dernière", ["hier", "ce matin", "le mois passé"]),
    ("plusieurs", ["de nombreux", "quelques", "divers"]),
]
OCR_CONFUSIONS = {
    "e": "c",
    "l": "1",
    "o": "0",
    "i": "l",
    "m": "rn",
    "é": "e",
    "è": "e",
    "à": "a",
    "ç": "c",
    "u": "v",
    "n": "m",
}


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        street=rng.choice(STREETS),
        village=rng.choice(VILLAGES),
        n=rng.randint(2, 250),
        date=f"{rng.randint(1, 28)} {rng.choice(MONTHS)}",
        year=rng.randint(1950, 2026),
        month=rng.choice(MONTHS),
        amount=f"{rng.randint(20, 25000)},{rng.randint(0, 99):02d}",
        letter=rng.choice("ABCDEFG"),
    )


def _paraphrase(sentence: str, rng: random.Random) -> str:
    for wording, others in PARAPHRASES:
        if wording in sentence and rng.random() < 0.5:
            sentence = sentence.replace(wording, rng.choice(others), 1)
    return sentence


def _ocr_noise(text: str, rng: random.Random, rate: float) -> str:
    out = []
    for char in text:
        roll = rng.random()
        if roll < rate and char.lower() in OCR_CONFUSIONS:
            out.append(OCR_CONFUSIONS[char.lower()])
        elif roll < rate * 1.3 and char == " ":
            continue  # two words glued together
        elif roll < rate * 1.5 and char.isalpha():
            out.append(char + " ")  # a word broken in two
        else:
            out.append(char)
    return "".join(out)


def _sender(service: str, rng: random.Random) -> tuple[str, str, bool]:
    roll = rng.random()
    if roll < 0.62:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = ""
        if rng.random() < 0.55:
            plain = unicodedata.normalize("NFKD", f"{first}.{last}".lower().replace(" ", ""))
            local = "".join(char for char in plain if not unicodedata.combining(char))
            email = f"{local}{rng.randint(1, 99) if rng.random() < 0.4 else ''}@{rng.choice(CITIZEN_DOMAINS)}"
        return f"{first} {last}", email, False
    if roll < 0.72:
        name, domain = rng.choice(SHARED_ORGS)
    else:
        orgs = SERVICES[service]["orgs"]
        name, domain = rng.choice(orgs)
    email = (
        f"{rng.choice(['info', 'contact', 'secretariat', 'courrier', 'dossiers'])}@{domain}"
        if rng.random() < 0.7
        else ""
    )
    return str(name), email, True


def _pick_type(service: str, rng: random.Random) -> str:
    weights: dict[str, int] = SERVICES[service]["types"]
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def generate(count: int = 3000, *, seed: int = 20260314) -> list[Letter]:
    """``count`` letters spread over the services (deterministic for a seed)."""
    rng = random.Random(seed)
    codes = list(SERVICES)
    # Some services receive much more mail than others.
    volume = [5, 3, 5, 4, 4, 5, 3, 3, 3, 2, 2, 3]
    # New situations come up all the time: a third of each service's
    # sentences only appear in the last fifth of the letters (the held-out part).
    recent_from = int(count * 0.8)
    letters = []
    for position in range(count):
        service = rng.choices(codes, weights=volume)[0]
        spec = SERVICES[service]
        roll = rng.random()
        if roll < 0.70:
            subject = _fill(rng.choice(spec["subjects"]), rng)
        elif roll < 0.88:
            subject = _fill(rng.choice(VAGUE_SUBJECTS), rng)
        else:
            subject = ""
        sentences: list[str] = spec["sentences"]
        if position < recent_from:
            sentences = [sentence for index, sentence in enumerate(sentences) if index % 3 != 2]
        body = [
            _paraphrase(_fill(sentence, rng), rng)
            for sentence in rng.sample(sentences, rng.choice([1, 1, 2, 2, 3, 4]))
        ]
        if rng.random() < 0.25:
            # A sentence about another service's business.
            other = SERVICES[rng.choice([code for code in codes if code != service])]
            body.insert(rng.randint(0, len(body)), _fill(rng.choice(other["sentences"]), rng))
        document_type = _pick_type(service, rng)
        formulas = TYPE_FORMULAS.get(document_type, [])
        if formulas and rng.random() < 0.75:
            body.insert(rng.randint(0, len(body)), _fill(rng.choice(formulas), rng))
        name, email, organisation = _sender(service, rng)
        parts = [
            rng.choice(OPENINGS),
            _fill(rng.choice(INTRODUCTIONS), rng),
            *body,
            rng.choice(CLOSINGS),
            name,
            f"{rng.choice(STREETS)} {rng.randint(1, 200)}, 7500 Tournai",
        ]
        text = "\n".join(part for part in parts if part)
        if rng.random() < 0.35:
            text = _ocr_noise(text, rng, rate=rng.uniform(0.01, 0.05))
        letters.append(
            Letter(
                subject=subject,
                text=text,
                sender_name=name,
                sender_email=email,
                sender_is_organisation=organisation,
                service=service,
                document_type=document_type,
            )
        )
    return letters


def split(letters: list[Letter], *, held_out: float = 0.2) -> tuple[list[Letter], list[Letter]]:
    """Train on the first letters, test on the last ones (letters arrive in order)."""
    cut = int(len(letters) * (1 - held_out))
    return letters[:cut], letters[cut:]
