"""A software seal: the key and its chain in a PKCS#12 file (``SEAL_PKCS12_FILE``)."""

from __future__ import annotations

from pathlib import Path

from asn1crypto import x509
from django.conf import settings
from pyhanko.sign import signers

from beffroi.signatures.base import SettingReader, installation_setting
from beffroi.signatures.pades import PadesSigner, configuration_error, trust_roots_from_file


class Pkcs12Signer(PadesSigner):
    """A seal whose key lives in a PKCS#12 file, loaded once."""

    def __init__(
        self,
        *,
        pkcs12_file: str,
        passphrase: str,
        tsa_url: str,
        extra_trust_roots: list[x509.Certificate] | None = None,
        timeout: int = 10,
    ) -> None:
        if not pkcs12_file:
            raise configuration_error("SEAL_PKCS12_FILE")
        try:
            content = Path(pkcs12_file).read_bytes()
            signer = signers.SimpleSigner.load_pkcs12_data(
                content, other_certs=set(), passphrase=passphrase.encode() or None
            )
        except (OSError, ValueError, TypeError) as exc:
            raise configuration_error(f"SEAL_PKCS12_FILE: {exc}") from exc
        certificate = signer.signing_cert
        if certificate is None:
            raise configuration_error("SEAL_PKCS12_FILE: no certificate")
        super().__init__(
            signer=signer,
            seal_certificate=certificate,
            chain=list(signer.cert_registry),
            tsa_url=tsa_url,
            extra_trust_roots=extra_trust_roots,
            timeout=timeout,
        )

    @classmethod
    def from_settings(cls, setting: SettingReader = installation_setting) -> Pkcs12Signer:
        return cls(
            pkcs12_file=setting("SEAL_PKCS12_FILE"),
            passphrase=setting("SEAL_PKCS12_PASSPHRASE"),
            tsa_url=settings.TSA_URL,
            extra_trust_roots=trust_roots_from_file(settings.SEAL_TRUST_ROOTS_FILE),
            timeout=settings.SEAL_TIMEOUT_SECONDS,
        )


def pkcs12_signer(setting: SettingReader = installation_setting) -> Pkcs12Signer:
    """The seal the settings describe (``SEAL_PKCS12_FILE``, ``TSA_URL``…)."""
    return Pkcs12Signer.from_settings(setting)
