"""Deployment checks of the seal: never the demo's, and one that loads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from beffroi.signatures.base import SealError
from beffroi.signatures.registry import seal_signer


def _inside(path: str, folder: Path) -> bool:
    try:
        return Path(path).resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


@register(Tags.security, deploy=True)
def seal_check(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Documents issued with the demo's seal would claim a seal anyone can make:
    its key lies unencrypted in the demo's folder and its CA is trusted by no one."""
    demo_folder = Path(settings.DEMO_PKI_DIR)
    demo_files = (settings.SEAL_PKCS12_FILE, settings.SEAL_CERTIFICATE_FILE)
    if settings.SEAL_BACKEND == "demo" or any(_inside(f, demo_folder) for f in demo_files if f):
        return [
            Error(
                "The documents would be sealed with the demo's seal (« Ville de Tournai — "
                "démonstration »), whose key anyone with the demo can use.",
                hint="Set SEAL_BACKEND=pkcs12 with SEAL_PKCS12_FILE, SEAL_PKCS12_PASSPHRASE "
                "and TSA_URL (docs/operations.md).",
                id="beffroi.E020",
            )
        ]
    try:
        seal_signer(installation=True)
    except SealError as error:
        return [
            Error(
                f"The city's seal cannot be loaded: {error.message}",
                hint="Set SEAL_PKCS12_FILE, SEAL_PKCS12_PASSPHRASE (or _FILE) and TSA_URL "
                "(docs/operations.md).",
                id="beffroi.E021",
            )
        ]
    return []
