"""Sealing with pyHanko, whatever holds the key: PAdES B-LTA and its failures.

The timestamp comes from an RFC 3161 authority over HTTP (``TSA_URL``); the
validation data (the chain, OCSP responses, CRLs) is fetched while sealing
and embedded in the document, then a document timestamp closes it (PAdES
B-LTA), so the seal validates offline for as long as the timestamp's
algorithms hold. Each plugin (``contrib/``) loads its key into a pyHanko
signer and hands it to ``PadesSigner``.
"""

from __future__ import annotations

import datetime
import functools
import io
import logging
from pathlib import Path

import aiohttp
from asn1crypto import pem, tsp, x509
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps.aiohttp_client import HTTPTimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import RevokedError

from beffroi.signatures.base import (
    CERTIFICATE_EXPIRED,
    CERTIFICATE_INVALID,
    CONFIGURATION,
    NOT_A_PDF,
    TIMESTAMP_UNAVAILABLE,
    VALIDATION_DATA_UNAVAILABLE,
    SealError,
    SignatureRequest,
    Signer,
)
from beffroi.signatures.eventloop import outside_any_event_loop

logger = logging.getLogger(__name__)


def configuration_error(detail: str) -> SealError:
    logger.error("The seal cannot be loaded: %s", detail)
    return SealError(
        _(
            "Le cachet électronique de la ville n’est pas configuré correctement (%(detail)s). "
            "Prévenez l’administrateur de la plateforme."
        )
        % {"detail": detail},
        reason=CONFIGURATION,
    )


def trust_roots_from_file(path: str) -> list[x509.Certificate]:
    """The certificates of a PEM or DER file (extra trust anchors); none for no path."""
    if not path:
        return []
    try:
        content = Path(path).read_bytes()
        if not pem.detect(content):
            return [x509.Certificate.load(content)]
        return [x509.Certificate.load(der) for _kind, _headers, der in pem.unarmor(content, True)]
    except (OSError, ValueError) as exc:
        raise configuration_error(f"SEAL_TRUST_ROOTS_FILE: {exc}") from exc


def _self_signed(certificate: x509.Certificate) -> bool:
    return bool(certificate.subject == certificate.issuer)


class _CheckedTimeStamper(HTTPTimeStamper):
    """An answer that does not parse as a timestamp reply is the TSA's failure."""

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        try:
            response = await super().async_request_tsa_response(req)
            response.native  # noqa: B018 - parses the whole answer now
        except ValueError as exc:
            raise TimestampRequestError("The timestamp server's answer does not parse") from exc
        return response


class PadesSigner(Signer):
    """A pyHanko signer (its key loaded by a plugin) and a timestamping authority."""

    def __init__(
        self,
        *,
        signer: signers.Signer,
        seal_certificate: x509.Certificate,
        chain: list[x509.Certificate],
        tsa_url: str,
        extra_trust_roots: list[x509.Certificate] | None = None,
        timeout: int = 10,
    ) -> None:
        if not tsa_url:
            raise configuration_error("TSA_URL")
        self.signer = signer
        self.seal_certificate = seal_certificate
        self.tsa_url = tsa_url
        self.timeout = timeout
        chain_roots = [c for c in chain if _self_signed(c)]
        self.roots: list[x509.Certificate] = [*chain_roots, *(extra_trust_roots or [])]

    def certificate(self) -> x509.Certificate:
        return self.seal_certificate

    def trust_roots(self) -> list[x509.Certificate]:
        return list(self.roots)

    def _check_validity_period(self) -> None:
        now = datetime.datetime.now(datetime.UTC)
        validity = self.seal_certificate["tbs_certificate"]["validity"]
        not_after = validity["not_after"].native
        if not_after < now:
            raise SealError(
                _(
                    "Le certificat du cachet électronique de la ville a expiré le %(date)s : "
                    "aucun document ne peut être scellé. Prévenez l’administrateur de la "
                    "plateforme."
                )
                % {"date": f"{not_after:%d/%m/%Y}"},
                reason=CERTIFICATE_EXPIRED,
            )
        if validity["not_before"].native > now:
            raise configuration_error("the seal's certificate is not valid yet")

    def sign_pdf(self, pdf: bytes, request: SignatureRequest) -> bytes:
        self._check_validity_period()
        metadata = signers.PdfSignatureMetadata(
            field_name=request.field_name,
            reason=request.reason,
            location=request.location,
            name=request.signer_name,
            subfilter=fields.SigSeedSubFilter.PADES,
            embed_validation_info=True,
            use_pades_lta=True,
            # A fresh context per document: OCSP answers and CRLs are fetched
            # for this seal, and a revoked certificate is refused.
            validation_context=ValidationContext(
                trust_roots=self.roots, allow_fetching=True, revocation_mode="hard-fail"
            ),
        )
        timestamper = _CheckedTimeStamper(self.tsa_url, timeout=self.timeout)
        try:
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
            output = outside_any_event_loop(
                functools.partial(
                    signers.sign_pdf, writer, metadata, signer=self.signer, timestamper=timestamper
                )
            )
        except TimestampRequestError as exc:
            raise _timestamp_unavailable(exc) from exc
        except SigningError as exc:
            raise _signing_refused(exc) from exc
        except PdfError as exc:
            raise SealError(_("Ce document n’est pas un PDF valide."), reason=NOT_A_PDF) from exc
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise _validation_data_unavailable(exc) from exc
        return bytes(output.getvalue())


def _timestamp_unavailable(exc: Exception) -> SealError:
    logger.warning("The timestamping authority failed: %s (%s)", exc, exc.__cause__)
    return SealError(
        _(
            "Le service d’horodatage ne répond pas ou a donné une réponse invalide : le document "
            "n’a pas été scellé, et rien n’a été délivré. Réessayez dans quelques minutes ; si "
            "le problème persiste, prévenez l’administrateur de la plateforme."
        ),
        reason=TIMESTAMP_UNAVAILABLE,
    )


def _validation_data_unavailable(exc: Exception) -> SealError:
    logger.warning("The seal's validation data could not be fetched: %s", exc)
    return SealError(
        _(
            "Les données de validation du certificat du cachet (OCSP, listes de révocation) n’ont "
            "pas pu être obtenues : le document n’a pas été scellé, et rien n’a été délivré. "
            "Réessayez dans quelques minutes ; si le problème persiste, prévenez "
            "l’administrateur de la plateforme."
        ),
        reason=VALIDATION_DATA_UNAVAILABLE,
    )


def _causes(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and len(chain) < 20:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _signing_refused(exc: SigningError) -> SealError:
    causes = _causes(exc)
    logger.warning("The seal was refused: %s", " <- ".join(str(c) for c in causes))
    if any(isinstance(cause, RevokedError) for cause in causes):
        detail = _("il a été révoqué")
    elif any(isinstance(cause, aiohttp.ClientError | TimestampRequestError) for cause in causes):
        return _validation_data_unavailable(exc)
    else:
        detail = _("sa chaîne de confiance ou sa révocation n’a pas pu être vérifiée")
    return SealError(
        _(
            "Le certificat du cachet électronique de la ville n’est pas valable (%(detail)s) : "
            "le document n’a pas été scellé, et rien n’a été délivré. Prévenez l’administrateur "
            "de la plateforme."
        )
        % {"detail": detail},
        reason=CERTIFICATE_INVALID,
    )
