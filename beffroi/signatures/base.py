"""What a signer plugin is: it seals PDF bytes as PAdES and names its trust anchors.

A plugin (``contrib/<vendor>/``) holds a key (a PKCS#12 file, later a
PKCS#11 token or a remote signing service) and the timestamping
authority's address; ``registry.py`` builds the one the settings name.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from asn1crypto import x509
from django.conf import settings

# Reads a seal's setting (``SEAL_PKCS12_FILE``…): the municipality's own
# values or the installation's (registry.seal_signer passes it to a factory).
SettingReader = Callable[[str], Any]


def installation_setting(name: str) -> Any:
    return getattr(settings, name)


class SealError(Exception):
    """Sealing failed. ``message`` says why in French, for the agent;
    ``reason`` is a short code for the journal (no personal data)."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(f"{reason}: {message}")
        self.message = message
        self.reason = reason


# The reasons a seal fails, as the journal records them.
CONFIGURATION = "configuration"
TIMESTAMP_UNAVAILABLE = "timestamp_unavailable"
CERTIFICATE_INVALID = "certificate_invalid"
CERTIFICATE_EXPIRED = "certificate_expired"
VALIDATION_DATA_UNAVAILABLE = "validation_data_unavailable"
NOT_A_PDF = "not_a_pdf"
PIN_REFUSED = "pin_refused"


@dataclass(frozen=True)
class SignatureRequest:
    """What the signature says besides the signer's certificate."""

    field_name: str
    reason: str
    location: str
    signer_name: str


class Signer(abc.ABC):
    """A key able to seal PDFs, loaded once per process (see ``registry``)."""

    @abc.abstractmethod
    def sign_pdf(self, pdf: bytes, request: SignatureRequest) -> bytes:
        """``pdf`` sealed as PAdES B-LTA: the signature, its RFC 3161 timestamp,
        the validation data (certificates, OCSP/CRL) and a document timestamp,
        added as an incremental update. Raises ``SealError``."""

    @abc.abstractmethod
    def certificate(self) -> x509.Certificate:
        """The seal's own certificate."""

    @abc.abstractmethod
    def trust_roots(self) -> list[x509.Certificate]:
        """The anchors a seal of this signer validates against."""
