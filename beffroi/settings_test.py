"""Settings for the test suite: the same as production, made fast and offline."""

from __future__ import annotations

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")

from beffroi.settings import *  # noqa: F403
from beffroi.settings import DATA_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Background jobs run inline (still after commit) so tests see their effects.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MEDIA_ROOT = DATA_DIR / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SITE_URL = "http://testserver"
# Read on every request, so query counts do not depend on the clock; the
# per-process memory has its own test.
BEFFROI_REVISIONS_FRESH_MS = 0
# The journal's chain key, and its roots written where each test's own
# folder replaces them (beffroi/audit/tests).
JOURNAL_KEY = "tests-only-journal-key-0123456789"
JOURNAL_ROOTS_DIR = DATA_DIR / "test-journal-roots"
# The seal: the tests' local PKI (certomancer on 127.0.0.1), whose files and
# TSA the session fixture of conftest.py sets (SEAL_PKCS12_FILE, TSA_URL).
SEAL_BACKEND = "pkcs12"
SEAL_TIMEOUT_SECONDS = 5
# The city's account for bank transfers (a valid Belgian example IBAN).
PAYMENT_TRANSFER_IBAN = "BE68 5390 0754 7034"
PAYMENT_TRANSFER_BIC = "GKCCBEBB"
PAYMENT_TRANSFER_BENEFICIARY = "Ville de Tournai"

# Row-level security is proven by its own suite (core/tests/test_rls*.py),
# which switches it on; the rest of the suite counts the application's queries.
BEFFROI_RLS = False
