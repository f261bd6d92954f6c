"""The signer the settings name (``SEAL_BACKEND``, or the municipality's own
seal: ``MunicipalityConfig``), loaded once per process.

Loading a key (reading and decrypting a PKCS#12 file, opening a token's
session) costs far more than a signature: the loaded signer is kept, keyed
by the settings it was built from, so a change of settings (tests) loads
the new one. Plugins are named by their dotted path and imported by
Django's ``import_string`` when first used.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from asn1crypto import x509
from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from beffroi.municipality.selectors import Config, municipality_config
from beffroi.signatures.base import CONFIGURATION, SealError, SettingReader, Signer

BACKENDS: dict[str, str] = {
    "pkcs12": "beffroi.signatures.contrib.pkcs12.signer.pkcs12_signer",
    "pkcs11": "beffroi.signatures.contrib.pkcs11.signer.pkcs11_signer",
    "demo": "beffroi.signatures.contrib.demo.signer.demo_signer",
}

_signers: dict[tuple[str, ...], Signer] = {}
_lock = threading.Lock()


def _settings_key(config: Config) -> tuple[str, ...]:
    return (
        config.seal_backend,
        config.setting("SEAL_PKCS12_FILE"),
        config.setting("SEAL_PKCS12_PASSPHRASE"),
        settings.TSA_URL,
        settings.SEAL_TRUST_ROOTS_FILE,
        str(settings.DEMO_PKI_DIR),
        str(settings.SEAL_TIMEOUT_SECONDS),
        config.setting("SEAL_PKCS11_MODULE"),
        config.setting("SEAL_PKCS11_TOKEN_LABEL"),
        config.setting("SEAL_PKCS11_PIN"),
        config.setting("SEAL_PKCS11_KEY_LABEL"),
        config.setting("SEAL_CERTIFICATE_FILE"),
    )


# Municipalities with a seal of their own, each kept loaded; beyond this
# many (settings changed again and again: tests) all are loaded anew.
MAX_SIGNERS = 64


def seal_signer(*, installation: bool = False) -> Signer:
    """The current municipality's seal (its own, else the installation's);
    ``installation``: the installation's. Raises ``SealError`` when it cannot
    be loaded."""
    config = Config() if installation else municipality_config()
    key = _settings_key(config)
    with _lock:
        signer = _signers.get(key)
        if signer is None:
            path = BACKENDS.get(config.seal_backend)
            if path is None:
                raise SealError(
                    _("Le type de cachet « %(name)s » est inconnu (SEAL_BACKEND).")
                    % {"name": config.seal_backend},
                    reason=CONFIGURATION,
                )
            factory: Callable[[SettingReader], Signer] = import_string(path)
            signer = factory(config.setting)
            if len(_signers) >= MAX_SIGNERS:
                _signers.clear()
            _signers[key] = signer
    return signer


def seal_trust_roots() -> list[x509.Certificate]:
    """The anchors seals are validated against; none when no seal is configured."""
    try:
        return seal_signer().trust_roots()
    except SealError:
        return []


def seal_signer_forget() -> None:
    """Forget the loaded signer (tests that change the seal's files in place)."""
    with _lock:
        _signers.clear()
