"""Beffroi's settings, read from the environment.

Defaults give the embedded setup (SQLite, local files, in-process worker)
that ``make demo`` runs; production sets the variables documented in
``docs/operations.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from beffroi.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("BEFFROI_DATA_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
DEMO_MODE = env_bool("BEFFROI_DEMO", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or DEMO_MODE:
        # Only for a laptop: the demo and development never face the internet.
        SECRET_KEY = "insecure-development-key-do-not-use-in-production-0123456789"
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set (or SECRET_KEY_FILE).")

# Secrets a municipality's settings hold (providers' keys, the seal's
# password) are encrypted in the database with Fernet under these keys,
# kept out of it (comma-separated, or BEFFROI_SECRETS_KEYS_FILE): the first
# encrypts, all decrypt, so a new key goes first and the old one stays
# until `manage.py secrets_rotate` has encrypted everything again. Each is
# 32 url-safe base64 bytes (`Fernet.generate_key()`). Without it, the
# development key, which `check --deploy` refuses (beffroi.E004).
DEVELOPMENT_SECRETS_KEY = "YmVmZnJvaS1kZXZlbG9wbWVudC1zZWNyZXRzLWtleSE="
BEFFROI_SECRETS_KEYS = [
    key.strip() for key in env_str("BEFFROI_SECRETS_KEYS").split(",") if key.strip()
] or [DEVELOPMENT_SECRETS_KEY]

# The demo also answers on every *.localhost name (antoing.localhost: its
# second municipality), which browsers resolve to the loopback by themselves.
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", *([".localhost"] if DEMO_MODE else [])]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Absolute address of the portal, used in emails and QR codes.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "django_tasks",
    "django_tasks_db",
    # Beffroi's domain apps own the models...
    "beffroi.core",
    "beffroi.audit",
    "beffroi.municipality",
    "beffroi.accounts",
    "beffroi.catalogue",
    "beffroi.organisations",
    "beffroi.signatures",
    "beffroi.documents",
    "beffroi.cases",
    "beffroi.college",
    "beffroi.mail",
    "beffroi.agenda",
    "beffroi.notifications",
    "beffroi.payments",
    # The demo payment provider: the default in development and tests.
    "beffroi.payments.contrib.demo",
    # The real providers, chosen with PAYMENT_PROVIDER.
    "beffroi.payments.contrib.mollie",
    "beffroi.payments.contrib.stripe",
    "beffroi.payments.contrib.worldline",
    # Bank transfers with a structured communication, settled from CODA statements.
    "beffroi.payments.contrib.transfer",
    # ...and the two user-facing apps hold views and templates.
    "beffroi.portal",
    "beffroi.backoffice",
    # The cooperative's administration of the municipalities it hosts.
    "beffroi.cooperative",
    "beffroi.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The host names the municipality: everything after runs in its scope.
    "beffroi.municipality.middleware.MunicipalityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "beffroi.core.middleware.SecurityHeadersMiddleware",
    "beffroi.core.middleware.PersonalPagesMiddleware",
]

ROOT_URLCONF = "beffroi.urls"
WSGI_APPLICATION = "beffroi.wsgi.application"

TEMPLATES: list[dict[str, Any]] = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "beffroi" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "beffroi.municipality.context_processors.site",
            ],
        },
    },
]
FORM_RENDERER = "beffroi.core.forms.BeffroiFormRenderer"

# --- Database -----------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'beffroi.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; IMMEDIATE
    # transactions avoid "database is locked" upgrades mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DB_PREPARED_STATEMENTS", False
):
    # An option, off by default: psycopg prepares a statement once a
    # connection has run it five times (its default; Django turns preparing
    # off unless a threshold is given), so PostgreSQL stops planning it.
    # Never behind PgBouncer in transaction mode before 1.21 (Debian 12
    # ships 1.18): a pooled connection cannot keep prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 5}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# PostgreSQL: the role the application connects as (neither superuser, nor
# BYPASSRLS, nor owner of the tables), granted its rights by `migrate`,
# which runs as the owner (docs/operations.md).
DATABASE_APP_ROLE = env_str("DATABASE_APP_ROLE", "")


# --- Cache ----------------------------------------------------------------
# Every cache key carries its municipality (core/tenancy.py).
CACHE_KEY_FUNCTION = "beffroi.core.tenancy.cache_key"


def _cache_from_url(url: str) -> dict[str, Any]:
    if urlparse(url).scheme in {"redis", "rediss"}:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_FUNCTION": CACHE_KEY_FUNCTION,
        }
    return {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "beffroi",
        "KEY_FUNCTION": CACHE_KEY_FUNCTION,
    }


# Rate limits (logins, tracking codes, the contact form) need a cache shared
# by every process in production: CACHE_URL=redis://... (check --deploy says
# so). The embedded default keeps them in the one web process's memory.
CACHE_URL = env_str("CACHE_URL", "locmem://")
SHARED_CACHE = urlparse(CACHE_URL).scheme in {"redis", "rediss"}
CACHES = {
    "default": _cache_from_url(CACHE_URL),
    # Per-process cache of rendered fragments and of the content revisions.
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "KEY_FUNCTION": CACHE_KEY_FUNCTION,
        # A cooperative's processes keep fragments for each of its municipalities.
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
}

# With a shared cache, sessions are read from it and written through to the
# database: no session query on most requests, and nothing lost on a restart.
if SHARED_CACHE:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# django-ratelimit (core/throttle.py) keys on the client's address as
# core/clientip.py reads it, and so does allauth (the account adapter).
RATELIMIT_USE_CACHE = "default"
RATELIMIT_IP_META_KEY = "beffroi.core.clientip.client_address"

# --- Files ------------------------------------------------------------------
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
# Uploaded and issued files are never served from a public URL: views
# check permissions and stream them.
MEDIA_URL = "/_protected/"
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static")))

# The file system storage reads MEDIA_ROOT itself (tests point it elsewhere).
_default_storage: dict[str, Any] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if env_str("S3_BUCKET"):
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET"),
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID"),
            "secret_key": env_str("S3_SECRET_ACCESS_KEY"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not (DEBUG or DEMO_MODE)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or DEMO_MODE
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024

# --- Email ------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "e-guichet@beffroi.localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "beffroi.notifications.backends.DemoMailboxBackend"
    if DEMO_MODE or DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)

# --- Background work ----------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# How often the scheduler looks for due periodic jobs (seconds).
SCHEDULER_TICK_SECONDS = env_int("SCHEDULER_TICK_SECONDS", 15)

# --- Audit journal (beffroi.audit) ----------------------------------------------
# The key of the journal's HMAC chain: from the environment only, never in
# the database (check --deploy says when it is missing).
JOURNAL_KEY = env_str("JOURNAL_KEY")
if not JOURNAL_KEY and (DEBUG or DEMO_MODE):
    JOURNAL_KEY = "insecure-development-journal-key-do-not-use-in-production"
# Each sealed batch's root is also written there: a place the database user
# cannot rewrite in production (another host, a WORM bucket).
JOURNAL_ROOTS_STORE = env_str("JOURNAL_ROOTS_STORE", "beffroi.audit.rootstore.JsonLinesRootStore")
JOURNAL_ROOTS_DIR = Path(env_str("JOURNAL_ROOTS_DIR", str(DATA_DIR / "journal-roots")))
# How often the worker seals new events (seconds; the scheduler's tick at most).
JOURNAL_SEAL_SECONDS = env_int("JOURNAL_SEAL_SECONDS", 5)

# --- The city's seal on issued documents (beffroi.signatures) --------------------
# "pkcs12": the key and its chain in a PKCS#12 file, "pkcs11": in a token
# or an HSM; with a timestamping authority over HTTP (docs/operations.md). "demo": a local PKI created under
# DEMO_PKI_DIR at first use, its services on 127.0.0.1:DEMO_PKI_PORT (check
# --deploy refuses it).
SEAL_BACKEND = env_str("SEAL_BACKEND", "demo" if DEBUG or DEMO_MODE else "pkcs12")
SEAL_PKCS12_FILE = env_str("SEAL_PKCS12_FILE")
SEAL_PKCS12_PASSPHRASE = env_str("SEAL_PKCS12_PASSPHRASE")
TSA_URL = env_str("TSA_URL")
# "pkcs11": the key in a token or an HSM, its certificate and chain in a PEM file.
SEAL_PKCS11_MODULE = env_str("SEAL_PKCS11_MODULE")
SEAL_PKCS11_TOKEN_LABEL = env_str("SEAL_PKCS11_TOKEN_LABEL")
SEAL_PKCS11_PIN = env_str("SEAL_PKCS11_PIN")
SEAL_PKCS11_KEY_LABEL = env_str("SEAL_PKCS11_KEY_LABEL")
SEAL_CERTIFICATE_FILE = env_str("SEAL_CERTIFICATE_FILE")
# More trust anchors for the verification page (PEM), e.g. a former seal's CA.
SEAL_TRUST_ROOTS_FILE = env_str("SEAL_TRUST_ROOTS_FILE")
# For each request to the TSA, the OCSP responder and the CRLs (seconds).
SEAL_TIMEOUT_SECONDS = env_int("SEAL_TIMEOUT_SECONDS", 10)
DEMO_PKI_DIR = Path(env_str("DEMO_PKI_DIR", str(DATA_DIR / "demo-pki")))
DEMO_PKI_PORT = env_int("DEMO_PKI_PORT", 8001)

# --- Accounts -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "portal:home"
ACCOUNT_ADAPTER = "beffroi.accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if env_bool("BEFFROI_HTTPS", False) else "http"
# Failed logins (the portal's and the back-office's): five per account in
# five minutes, and only an address that is clearly attacking (a hundred
# failures in five minutes: a town hall or a school shares one address) is
# refused for every account. A correct password takes back its attempt.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "100/5m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_SIGNUP_FORM_CLASS = "beffroi.accounts.forms.SignupExtraForm"
# « Adresse e-mail » as everywhere; sign-up hashes the password even for an
# address that has an account (its timing tells nothing).
ACCOUNT_FORMS = {
    "login": "beffroi.accounts.allauth_forms.LoginForm",
    "signup": "beffroi.accounts.allauth_forms.SignupForm",
    "reset_password": "beffroi.accounts.allauth_forms.ResetPasswordForm",
}

# --- Internationalisation ---------------------------------------------------------
LANGUAGE_CODE = "fr"
# Strings are written in French and wrapped in gettext; a translation into
# Dutch, English or German is a .po file in locale/ and a line here.
LANGUAGES = [("fr", _("Français"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Brussels")
USE_I18N = True
USE_TZ = True

# --- Security -----------------------------------------------------------------
HTTPS = env_bool("BEFFROI_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 8)
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# The preload directive only allows submission to browsers' lists; it submits nothing.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("TRUST_PROXY_HEADERS", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
# The number of proxies in front of Beffroi, so rate limits see the real
# client address (X-Forwarded-For) and not the proxy's.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# allauth reads its own setting: the same number (the adapter also asks
# core/clientip.py, the one rule).
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# --- Municipality (defaults until the admin edits them) ------------------------
BEFFROI_MUNICIPALITY_NAME = env_str("BEFFROI_MUNICIPALITY_NAME", "Ville de Tournai")

# Several municipalities (docs/operations.md). A host no municipality claims
# is served by the one named here (its slug); left empty, by the sole
# municipality of a lone city's installation, and by none on a cooperative's.
# The demo's Tournai answers on localhost too, as it did when it was alone.
MUNICIPALITY_FALLBACK = env_str("MUNICIPALITY_FALLBACK", "tournai" if DEMO_MODE else "")
# How long another process may take to see a new host or municipality.
BEFFROI_MUNICIPALITY_DIRECTORY_FRESH_S = env_int("BEFFROI_MUNICIPALITY_DIRECTORY_FRESH_S", 5)
# On PostgreSQL, row-level security backs the application's scoping: each
# municipality's work runs in a transaction that names it (core/tenancy.py).
BEFFROI_RLS = env_bool("BEFFROI_RLS", True)
# Only the isolation test switches this off, to prove RLS alone suffices.
BEFFROI_TENANCY_APP_SCOPING = True
# Working days: the country's public holidays plus the days the local
# administration closes (MM-DD).
BEFFROI_COUNTRY = env_str("BEFFROI_COUNTRY", "BE")
# The service that prepares the College's meetings and records its decisions.
# How long a process trusts the content revisions it read (ms): every
# page needs them; a change shows in the other processes within this delay.
BEFFROI_REVISIONS_FRESH_MS = env_int("BEFFROI_REVISIONS_FRESH_MS", 1000)
BEFFROI_COLLEGE_SERVICE = env_str("BEFFROI_COLLEGE_SERVICE", "secretariat")
BEFFROI_LOCAL_HOLIDAYS = env_list("BEFFROI_LOCAL_HOLIDAYS", ["09-27", "11-02", "11-15", "12-26"])

# --- Mail register (beffroi.mail) ---------------------------------------------
# The city's mailbox polled by `manage.py mail_poll_imap` (and every few
# minutes by the worker when MAIL_IMAP_HOST is set): each email and its
# attachments become an incoming item.
MAIL_IMAP_HOST = env_str("MAIL_IMAP_HOST")
MAIL_IMAP_PORT = env_int("MAIL_IMAP_PORT", 993)
MAIL_IMAP_USER = env_str("MAIL_IMAP_USER")
MAIL_IMAP_PASSWORD = env_str("MAIL_IMAP_PASSWORD")
MAIL_IMAP_FOLDER = env_str("MAIL_IMAP_FOLDER", "INBOX")
MAIL_IMAP_SSL = env_bool("MAIL_IMAP_SSL", True)
# Where registered emails are moved (created if missing); empty: only flagged as read.
MAIL_IMAP_PROCESSED_FOLDER = env_str("MAIL_IMAP_PROCESSED_FOLDER")
# Longest an OCR run of one file may take (seconds).
MAIL_OCR_TIMEOUT = env_int("MAIL_OCR_TIMEOUT", 900)
# Largest file accepted through the mail screens and the contact form (MB).
MAIL_MAX_FILE_MB = env_int("MAIL_MAX_FILE_MB", 50)
# The mail office drops a day's scans at once: up to this many files per upload.
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("DATA_UPLOAD_MAX_NUMBER_FILES", 1000)
# --- end of Mail register -------------------------------------------------------

# --- Payments (beffroi.payments) ---------------------------------------------
# The provider new payments go to (a name in payments/registry.py); the demo
# provider needs nothing configured.
PAYMENT_PROVIDER = env_str("PAYMENT_PROVIDER", "demo")
# A payment still open after this many minutes is read again from its
# provider by the reconciliation job (a webhook may be lost).
PAYMENT_RECONCILE_AFTER_MINUTES = env_int("PAYMENT_RECONCILE_AFTER_MINUTES", 15)
# How long a call to a provider may take (seconds) before the payer is told
# to try again.
PAYMENT_PROVIDER_TIMEOUT = env_int("PAYMENT_PROVIDER_TIMEOUT", 10)
# Mollie (PAYMENT_PROVIDER=mollie): the API key (live_… or test_…); the
# endpoint is Mollie's own unless set (tests point it at a local fake).
MOLLIE_API_KEY = env_str("MOLLIE_API_KEY")
MOLLIE_API_ENDPOINT = env_str("MOLLIE_API_ENDPOINT")
MOLLIE_METHODS = env_list("MOLLIE_METHODS", ["bancontact", "creditcard"])
# Stripe (PAYMENT_PROVIDER=stripe): the secret key and the webhook
# endpoint's signing secret.
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
STRIPE_API_BASE = env_str("STRIPE_API_BASE")
STRIPE_PAYMENT_METHOD_TYPES = env_list("STRIPE_PAYMENT_METHOD_TYPES", ["bancontact", "card"])
# Worldline (PAYMENT_PROVIDER=worldline): the endpoint (test or production),
# the PSPID, the API key and the webhooks' key.
WORLDLINE_API_ENDPOINT = env_str("WORLDLINE_API_ENDPOINT")
WORLDLINE_MERCHANT_ID = env_str("WORLDLINE_MERCHANT_ID")
WORLDLINE_API_KEY_ID = env_str("WORLDLINE_API_KEY_ID")
WORLDLINE_API_SECRET = env_str("WORLDLINE_API_SECRET")
WORLDLINE_WEBHOOK_KEY_ID = env_str("WORLDLINE_WEBHOOK_KEY_ID")
WORLDLINE_WEBHOOK_SECRET = env_str("WORLDLINE_WEBHOOK_SECRET")
# Payment products offered (3012 Bancontact, 1 Visa, 3 Mastercard).
WORLDLINE_PAYMENT_PRODUCTS = [
    int(p) for p in env_list("WORLDLINE_PAYMENT_PRODUCTS", ["3012", "1", "3"])
]
# An agent's password, typed before a refund, holds this many minutes for
# the next refunds of the same session.
REFUND_REAUTHENTICATION_MINUTES = env_int("REFUND_REAUTHENTICATION_MINUTES", 5)
# A case waiting for its fee at filing gets one reminder email after this
# many days (0: none); the procedure's own timer cancels it later.
PAYMENT_REMINDER_AFTER_DAYS = env_int("PAYMENT_REMINDER_AFTER_DAYS", 2)
# --- end of Payments ----------------------------------------------------------

# --- Bank transfers (beffroi.payments.contrib.transfer) ---------------------
# The city's account the citizens transfer to; empty: no « Payer par virement ».
# The demo shows it with an example account (no real money goes anywhere).
PAYMENT_TRANSFER_IBAN = env_str("PAYMENT_TRANSFER_IBAN", "BE68 5390 0754 7034" if DEMO_MODE else "")
PAYMENT_TRANSFER_BIC = env_str("PAYMENT_TRANSFER_BIC", "")
PAYMENT_TRANSFER_BENEFICIARY = env_str("PAYMENT_TRANSFER_BENEFICIARY", "")
# The service whose members import CODA statements and see the finance view.
PAYMENT_FINANCE_SERVICE = env_str("PAYMENT_FINANCE_SERVICE", "finances")
# Largest CODA file accepted (MB): a year of a city's statements is far less.
PAYMENT_CODA_MAX_MB = env_int("PAYMENT_CODA_MAX_MB", 5)
# --- end of Bank transfers --------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks_db": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
