"""Sealing a document with the city's seal, and checking seals, for the other apps."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from beffroi.municipality.models import Municipality
from beffroi.signatures.base import SignatureRequest, Signer
from beffroi.signatures.registry import seal_signer, seal_trust_roots
from beffroi.signatures.validation import SealReport, pdf_signatures_check

SEAL_FIELD = "Cachet"


def pdf_seal(*, pdf: bytes, municipality: Municipality, signer: Signer | None = None) -> bytes:
    """``pdf`` sealed with the city's seal (PAdES B-LTA); raises ``SealError``."""
    signer = signer or seal_signer()
    with translation.override(settings.LANGUAGE_CODE):
        request = SignatureRequest(
            field_name=SEAL_FIELD,
            reason=_("Document délivré par %(city)s") % {"city": municipality.name_with_article},
            location=municipality.short_name or municipality.name,
            signer_name=municipality.name,
        )
    return signer.sign_pdf(pdf, request)


def pdf_seal_check(pdf: bytes) -> SealReport:
    """What the signatures of any PDF say, against the installation's trust anchors."""
    return pdf_signatures_check(pdf, trust_roots=seal_trust_roots())
