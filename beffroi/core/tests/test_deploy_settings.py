from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


# What production sets (docs/operations.md); a test takes one away. The
# seal (SEAL_PKCS12_FILE, SEAL_PKCS12_PASSPHRASE, TSA_URL) is the tests'
# local PKI, which conftest.py puts in the environment.
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "beffroi.settings",
    "SECRET_KEY": "k" * 20 + "-production-secret-9f8e7d6c5b4a3210zyxwvu",
    "ALLOWED_HOSTS": "eguichet.tournai.be",
    "BEFFROI_HTTPS": "true",
    "SITE_URL": "https://eguichet.tournai.be",
    "CACHE_URL": "redis://127.0.0.1:6379/0",
    "JOURNAL_KEY": "j" * 20 + "-production-journal-key-0a1b2c3d4e5f",
    # A Fernet key of the operator's own (not the development key).
    "BEFFROI_SECRETS_KEYS": "5Z1j1ifAchTUHzbj0kTAJmIjbWmdoAa5fv6yKe_qyqI=",
}
UNSET = {"DEBUG", "BEFFROI_DEMO", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def deploy_check(
    *, without: tuple[str, ...] = (), **extra: str
) -> subprocess.CompletedProcess[str]:
    """``check --deploy`` (warnings fail it) with production's settings."""
    env = {key: value for key, value in os.environ.items() if key not in UNSET | set(without)}
    env.update({key: value for key, value in PRODUCTION.items() if key not in without})
    env.update(extra)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_the_deploy_check() -> None:
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "BEFFROI_DEMO"}}
    env["DJANGO_SETTINGS_MODULE"] = "beffroi.settings"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_without_a_shared_cache_is_warned() -> None:
    result = deploy_check(without=("CACHE_URL",))
    assert result.returncode != 0
    assert "beffroi.W001" in result.stdout + result.stderr


def test_production_with_the_demo_mailbox_is_an_error() -> None:
    result = deploy_check(BEFFROI_DEMO="true")
    assert result.returncode != 0
    assert "beffroi.E002" in result.stdout + result.stderr
    assert "/demo/courriels/" in result.stdout + result.stderr


def test_production_keeping_emails_in_the_demo_mailbox_is_an_error() -> None:
    result = deploy_check(EMAIL_BACKEND="beffroi.notifications.backends.DemoMailboxBackend")
    assert result.returncode != 0
    assert "beffroi.E003" in result.stdout + result.stderr


def test_production_with_the_demo_seal_is_an_error() -> None:
    result = deploy_check(SEAL_BACKEND="demo")
    assert result.returncode != 0
    assert "beffroi.E020" in result.stdout + result.stderr


def test_production_with_a_seal_file_of_the_demo_pki_is_an_error(tmp_path: Path) -> None:
    demo = tmp_path / "demo-pki"
    demo.mkdir()
    (demo / "seal.p12").write_bytes(b"")
    result = deploy_check(DEMO_PKI_DIR=str(demo), SEAL_PKCS12_FILE=str(demo / "seal.p12"))
    assert result.returncode != 0
    assert "beffroi.E020" in result.stdout + result.stderr


def test_production_without_a_seal_is_an_error() -> None:
    result = deploy_check(without=("SEAL_PKCS12_FILE",))
    assert result.returncode != 0
    assert "beffroi.E021" in result.stdout + result.stderr
    assert "SEAL_PKCS12_FILE" in result.stdout + result.stderr


def test_production_with_a_wrong_seal_passphrase_is_an_error() -> None:
    result = deploy_check(SEAL_PKCS12_PASSPHRASE="not the passphrase")
    assert result.returncode != 0
    assert "beffroi.E021" in result.stdout + result.stderr
