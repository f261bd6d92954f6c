"""No issued document, procedure page or e-mail promises a seal or an
electronic signature it does not carry.

Issued documents are sealed (beffroi.signatures): the texts may say so,
but only inside ``{% if sealed %}…{% endif %}``, which a template shows for
a document whose PDF carries the city's seal (the letterhead) or whose seal
the verification page has just validated. Anywhere else a claim is untrue
for the documents issued before seals existed, and for any unsealed PDF."""

from __future__ import annotations

import re
from pathlib import Path

BEFFROI = Path(__file__).resolve().parents[2]
# Where the texts citizens read about their documents are written.
TEXTS = [
    *sorted((BEFFROI / "catalogue" / "shipped").rglob("*.yaml")),
    *sorted((BEFFROI / "documents" / "templates").rglob("*.html")),
    *sorted((BEFFROI / "cases" / "templates").rglob("*.*")),
    *sorted((BEFFROI / "notifications" / "templates").rglob("*.*")),
    *sorted((BEFFROI / "portal" / "templates").rglob("*.html")),
    *sorted((BEFFROI / "payments").rglob("templates/**/*.*")),
]
CLAIMS = re.compile(
    r"cachet|sceau|scell[ée]|sign(?:é|ée|és|ées)\s+électroniquement|signature\s+électronique"
    r"|(?:autorisation|certificat|document|attestation|copie|extrait)\s+sign(?:é|ée)s?\b"
    r"|en\s+cours\s+de\s+signature|\best\s+sign(?:é|ée)\b",
    re.IGNORECASE,
)

# The one place a claim may stand: what a template shows for a sealed document.
SEALED_ONLY = re.compile(r"\{%\s*if\s+sealed\s*%\}.*?\{%\s*endif\s*%\}", re.DOTALL)

# What the citizen signs by hand is no claim about the city's PDF.
SIGNED_BY_HAND = (
    "Autorisation signée et remise",  # the parent signs at the counter
    "la convention est signée par l'école",
    "Procuration signée",
)


def test_no_text_claims_a_seal_or_a_signature_the_pdf_does_not_carry() -> None:
    found = []
    for path in TEXTS:
        text = " ".join(SEALED_ONLY.sub("", path.read_text(encoding="utf-8")).split())
        for phrase in SIGNED_BY_HAND:
            text = text.replace(phrase, "")
        found += [f"{path.relative_to(BEFFROI)}: « {m.group(0)} »" for m in CLAIMS.finditer(text)]
    assert not found, "Untrue claims of a seal or signature:\n" + "\n".join(found)


def test_a_claim_outside_a_sealed_block_is_still_found() -> None:
    template = (
        "{% if sealed %}Ce document porte le cachet électronique de la ville.{% endif %}"
        "<p>Signé électroniquement par la ville.</p>"
    )
    text = " ".join(SEALED_ONLY.sub("", template).split())
    assert [m.group(0) for m in CLAIMS.finditer(text)] == ["Signé électroniquement"]
