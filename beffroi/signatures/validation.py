"""What the signatures of any PDF say, checked offline with pyHanko's validator.

Trust is the installation's: the seal's own chain and ``SEAL_TRUST_ROOTS_FILE``.
Revocation is checked in hard-fail mode against the data the document
carries (its DSS), never fetched: a seal validates the same years later,
without the network. Whatever the bytes are, the answer is a report, never
an exception.
"""

from __future__ import annotations

import datetime
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from asn1crypto import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import (
    validate_pdf_signature,
    validate_pdf_timestamp,
)
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import DocumentTimestampStatus, PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext

from beffroi.signatures.eventloop import outside_any_event_loop

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SignatureFinding:
    """One signature (or document timestamp) of a PDF, as a reader needs it."""

    field_name: str
    is_timestamp: bool
    signer: str  # the certificate's common name (the city, the TSA)
    organisation: str
    signed_at: datetime.datetime | None  # from the timestamp token when there is one
    timestamped: bool
    timestamp_authority: str
    intact: bool  # the signed bytes are unchanged and the signature is sound
    trusted: bool  # the chain leads to a trusted anchor and nothing is revoked
    revoked: bool
    changed_after: bool  # the file was changed after it, beyond signature upkeep
    valid: bool


@dataclass(frozen=True)
class SealReport:
    readable: bool
    findings: tuple[SignatureFinding, ...] = field(default=())
    # Bytes after the file's last end-of-file marker: a change that no
    # revision records (what the signatures cover is still intact).
    extended_after: bool = False

    @property
    def signatures(self) -> tuple[SignatureFinding, ...]:
        return tuple(f for f in self.findings if not f.is_timestamp)

    @property
    def document_timestamps(self) -> tuple[SignatureFinding, ...]:
        return tuple(f for f in self.findings if f.is_timestamp)

    @property
    def signed(self) -> bool:
        return bool(self.signatures)

    @property
    def valid(self) -> bool:
        """Signed, every signature and document timestamp holds, nothing added after."""
        return (
            self.readable
            and self.signed
            and all(f.valid for f in self.findings)
            and not self.extended_after
        )

    @property
    def seal(self) -> SignatureFinding | None:
        """The first signature: the city's seal on the documents it issues."""
        return self.signatures[0] if self.signatures else None


def _names(certificate: x509.Certificate) -> tuple[str, str]:
    subject = certificate.subject.native
    common_name = str(subject.get("common_name", "") or "")
    organisation = str(subject.get("organization_name", "") or "")
    return common_name or organisation or certificate.subject.human_friendly, organisation


def _changed_after(status: PdfSignatureStatus | DocumentTimestampStatus) -> bool:
    """Changed after it was signed beyond adding validation data and timestamps
    (a form filled in, a page annotated, an object rewritten)."""
    level = status.modification_level
    return level is not None and level > ModificationLevel.LTA_UPDATES


def _signature_finding(
    signature: EmbeddedPdfSignature, status: PdfSignatureStatus
) -> SignatureFinding:
    signer, organisation = _names(status.signing_cert)
    changed = _changed_after(status)
    timestamp = status.timestamp_validity
    timestamp_ok = timestamp is not None and timestamp.intact and timestamp.trusted
    return SignatureFinding(
        field_name=str(signature.field_name),
        is_timestamp=False,
        signer=signer,
        organisation=organisation,
        signed_at=timestamp.timestamp if timestamp is not None else status.signer_reported_dt,
        timestamped=timestamp_ok,
        timestamp_authority=_names(timestamp.signing_cert)[0] if timestamp is not None else "",
        intact=status.intact and status.valid,
        trusted=status.trusted and not status.revoked,
        revoked=status.revoked,
        changed_after=changed,
        valid=status.bottom_line and not changed,
    )


def _timestamp_finding(
    signature: EmbeddedPdfSignature, status: DocumentTimestampStatus
) -> SignatureFinding:
    signer, organisation = _names(status.signing_cert)
    changed = _changed_after(status)
    return SignatureFinding(
        field_name=str(signature.field_name),
        is_timestamp=True,
        signer=signer,
        organisation=organisation,
        signed_at=status.timestamp,
        timestamped=True,
        timestamp_authority=signer,
        intact=status.intact and status.valid,
        trusted=status.trusted,
        revoked=status.revoked,
        changed_after=changed,
        valid=status.intact and status.valid and status.trusted and not changed,
    )


def pdf_signatures_check(pdf: bytes, *, trust_roots: Sequence[x509.Certificate]) -> SealReport:
    """The signatures of ``pdf``, validated offline against ``trust_roots``."""
    return outside_any_event_loop(lambda: _check(pdf, trust_roots))


def _check(pdf: bytes, trust_roots: Sequence[x509.Certificate]) -> SealReport:
    try:
        reader = PdfFileReader(io.BytesIO(pdf))
        embedded = list(reader.embedded_signatures)
        if not embedded:
            return SealReport(readable=True)
        dss = DocumentSecurityStore.read_dss(reader) if reader.root.get("/DSS") else None
        findings = []
        for signature in embedded:
            context = _context(dss, trust_roots)
            if signature.sig_object_type == "/DocTimeStamp":
                findings.append(
                    _timestamp_finding(signature, validate_pdf_timestamp(signature, context))
                )
            else:
                findings.append(
                    _signature_finding(signature, validate_pdf_signature(signature, context))
                )
    except Exception:  # any bytes at all: a report, never an error page
        logger.info("A PDF's signatures could not be read", exc_info=True)
        return SealReport(readable=False)
    extended = not pdf.rstrip().endswith(b"%%EOF")
    return SealReport(readable=True, findings=tuple(findings), extended_after=extended)


def _context(
    dss: DocumentSecurityStore | None, trust_roots: Sequence[x509.Certificate]
) -> ValidationContext:
    """Offline: only what the document carries, and revocation hard-fail."""
    if dss is None:
        return ValidationContext(
            trust_roots=list(trust_roots), allow_fetching=False, revocation_mode="hard-fail"
        )
    return dss.as_validation_context(
        {"trust_roots": list(trust_roots), "allow_fetching": False, "revocation_mode": "hard-fail"}
    )
