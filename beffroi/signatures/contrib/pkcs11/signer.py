"""A seal whose key lives in a PKCS#11 token or HSM (SoftHSM2 in the tests).

The key never leaves the token: pyHanko asks the token to sign. The
certificate and its chain come from a PEM file (``SEAL_CERTIFICATE_FILE``,
the seal's certificate first), so a token holding only the key will do.
One session is opened per process, at the first seal, and used by one
thread at a time.
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.utils.translation import gettext as _
from pkcs11.exceptions import PinIncorrect, PinLocked, PKCS11Error
from pyhanko.config.pkcs11 import TokenCriteria
from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

from beffroi.signatures.base import (
    PIN_REFUSED,
    SealError,
    SettingReader,
    SignatureRequest,
    installation_setting,
)
from beffroi.signatures.pades import PadesSigner, configuration_error, trust_roots_from_file


class Pkcs11Signer(PadesSigner):
    def __init__(
        self,
        *,
        module: str,
        token_label: str,
        pin: str,
        key_label: str,
        certificate_file: str,
        tsa_url: str,
        timeout: int = 10,
    ) -> None:
        for name, value in (
            ("SEAL_PKCS11_MODULE", module),
            ("SEAL_PKCS11_TOKEN_LABEL", token_label),
            ("SEAL_PKCS11_KEY_LABEL", key_label),
            ("SEAL_CERTIFICATE_FILE", certificate_file),
        ):
            if not value:
                raise configuration_error(name)
        chain = trust_roots_from_file(certificate_file)
        if not chain:
            raise configuration_error("SEAL_CERTIFICATE_FILE: no certificate")
        try:
            session = open_pkcs11_session(
                module, token_criteria=TokenCriteria(label=token_label), user_pin=pin
            )
        except (PinIncorrect, PinLocked) as exc:
            raise SealError(
                _(
                    "Le jeton du cachet électronique de la ville a refusé son code PIN : aucun "
                    "document ne peut être scellé. Prévenez l’administrateur de la plateforme."
                ),
                reason=PIN_REFUSED,
            ) from exc
        except (PKCS11Error, OSError) as exc:
            raise configuration_error(f"PKCS#11: {type(exc).__name__} {exc}") from exc
        # The digest is computed here and the token signs it (CKM_ECDSA,
        # CKM_RSA_PKCS): every token has these, not every one the hashing ones.
        signer = PKCS11Signer(
            session,
            key_label=key_label,
            signing_cert=chain[0],
            ca_chain=chain[1:],
            use_raw_mechanism=True,
        )
        super().__init__(
            signer=signer,
            seal_certificate=chain[0],
            chain=chain,
            tsa_url=tsa_url,
            timeout=timeout,
        )
        self.lock = threading.Lock()

    def sign_pdf(self, pdf: bytes, request: SignatureRequest) -> bytes:
        # A PKCS#11 session is not to be shared by threads at once.
        with self.lock:
            return super().sign_pdf(pdf, request)


def pkcs11_signer(setting: SettingReader = installation_setting) -> Pkcs11Signer:
    """The seal the settings describe (``SEAL_PKCS11_MODULE``, ``TSA_URL``…)."""
    return Pkcs11Signer(
        module=setting("SEAL_PKCS11_MODULE"),
        token_label=setting("SEAL_PKCS11_TOKEN_LABEL"),
        pin=setting("SEAL_PKCS11_PIN"),
        key_label=setting("SEAL_PKCS11_KEY_LABEL"),
        certificate_file=setting("SEAL_CERTIFICATE_FILE"),
        tsa_url=settings.TSA_URL,
        timeout=settings.SEAL_TIMEOUT_SECONDS,
    )
