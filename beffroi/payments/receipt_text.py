"""The receipt text a city writes: plain paragraphs with ``{{ placeholders }}``
from a fixed list, checked when it is saved and filled when a receipt is issued.

No template language: the city's text reaches no variable, tag or filter but
the placeholders listed here. It may not speak of a seal or a signature —
the letterhead says so itself, and only for a sealed PDF
(``catalogue/tests/test_no_seal_claimed.py``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.formats import date_format
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beffroi.catalogue.definition import euros
from beffroi.payments.models import Payment

# What a receipt's text may say, and what each placeholder becomes.
PLACEHOLDERS: Mapping[str, Any] = {
    "demandeur": gettext_lazy("le nom du demandeur"),
    "objet": gettext_lazy("l'objet du paiement"),
    "demarche": gettext_lazy("la démarche demandée"),
    "reference": gettext_lazy("la référence de la demande"),
    "montant": gettext_lazy("le montant payé, par exemple 2,00 €"),
    "date_paiement": gettext_lazy("le jour et l'heure du paiement"),
    "moyen_paiement": gettext_lazy("paiement en ligne ou virement bancaire"),
    "reference_paiement": gettext_lazy("la référence du paiement chez le prestataire"),
    "commune": gettext_lazy("le nom de la commune"),
}

PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
TAG = re.compile(r"\{%|%\}|\{#|#\}")
SEAL_CLAIM = re.compile(
    r"cachet|sceau|scell[ée]|sign(?:é|ée|és|ées)\s+électroniquement|signature",
    re.IGNORECASE,
)

DEFAULT_TEXT = """La ville a reçu de {{ demandeur }} le paiement suivant.

Objet : {{ objet }}
Demande : {{ demarche }} ({{ reference }})
Montant payé : {{ montant }}
Payé le : {{ date_paiement }}
Moyen de paiement : {{ moyen_paiement }}
Référence du paiement : {{ reference_paiement }}

Ce reçu atteste le paiement ; il ne remplace pas le document demandé."""


def receipt_text_problems(text: str) -> list[str]:
    """What is wrong with a city's receipt text, in French (empty: it may be saved)."""
    problems: list[str] = []
    for match in PLACEHOLDER.finditer(text):
        name = match.group(1).strip()
        if name not in PLACEHOLDERS:
            problems.append(
                _("« {{ %(name)s }} » n'est pas un champ possible. Champs possibles : %(names)s.")
                % {"name": name, "names": ", ".join(PLACEHOLDERS)}
            )
    leftover = PLACEHOLDER.sub("", text)
    if "{{" in leftover or "}}" in leftover:
        problems.append(_("Une accolade n'est pas refermée : écrivez les champs {{ ainsi }}."))
    if TAG.search(text):
        problems.append(_("Les balises {% … %} et {# … #} ne sont pas permises dans le reçu."))
    if SEAL_CLAIM.search(PLACEHOLDER.sub("", text)):
        problems.append(
            _(
                "Le reçu ne peut pas parler de cachet ni de signature : la mention du cachet "
                "électronique est ajoutée d'elle-même quand le PDF est scellé."
            )
        )
    return problems


def receipt_values(payment: Payment, municipality_name: str) -> dict[str, str]:
    case = payment.case
    paid_at = localtime(payment.paid_at) if payment.paid_at else None
    return {
        "demandeur": case.applicant_name,
        "objet": payment.reason,
        "demarche": case.procedure.title,
        "reference": case.reference,
        "montant": euros(payment.amount),
        "date_paiement": date_format(paid_at, "j F Y à H:i") if paid_at else "",
        "moyen_paiement": _("virement bancaire")
        if payment.provider == "transfer"
        else _("paiement en ligne"),
        "reference_paiement": payment.provider_reference,
        "commune": municipality_name,
    }


def receipt_text_render(text: str, values: Mapping[str, str]) -> SafeString:
    """The city's text as HTML paragraphs, each placeholder filled (escaped)."""

    def fill(match: re.Match[str]) -> str:
        return escape(values.get(match.group(1).strip(), ""))

    # Escaped first, then filled with escaped values: nothing typed becomes markup.
    filled = PLACEHOLDER.sub(fill, str(escape(text)))
    return mark_safe(linebreaks(filled))  # noqa: S308 (every part escaped above)
