"""The production settings, driven by environment variables with safe defaults.

Development and tests run `backrelease.devtools.settings`, which adds the local cluster and the
development commands on top of these; nothing here imports development tooling.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from backrelease.common.database import from_url, pool_options

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    try:
        return int(value) if value else default
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from error


DEBUG = env_bool("DEBUG", False)
DEV_SECRET_KEY = "dev-only-insecure-key-back-release-0123456789abcdefghijklmnopqrstuvwxyz"
# `make` writes a random key here once (git-ignored) when SECRET_KEY is not in the environment.
SECRET_KEY_FILE = Path(os.environ.get("SECRET_KEY_FILE", BASE_DIR / ".secret_key"))
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and SECRET_KEY_FILE.exists():
    SECRET_KEY = SECRET_KEY_FILE.read_text().strip()
if not SECRET_KEY and DEBUG:
    SECRET_KEY = DEV_SECRET_KEY
if not SECRET_KEY or (SECRET_KEY == DEV_SECRET_KEY and not DEBUG):
    raise ImproperlyConfigured(
        "Set SECRET_KEY (or run `make serve`, which writes a random one to .secret_key): "
        "the public development key works only with DEBUG=true."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
# How many reverse proxies stand in front of the app: their X-Forwarded-For and X-Forwarded-Proto
# are trusted only then, so nobody can claim another address or HTTPS by sending the header.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "backrelease.accounts",
    "backrelease.capability",
    "backrelease.limits",
    "sessions.apps.ReleaseSessionsConfig",
    "sessions.reminders",
    "journal",
    "journal.trial",
    "journal.clinic",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "axes",
    # Mail leaves the request: tasks kept in PostgreSQL, run by `manage.py db_worker`.
    "django_tasks_db",
    # Clinicians' second factor: an authenticator app (TOTP) and single-use recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    # Outermost, so its headers reach every capability URL's response, errors included.
    "backrelease.capability.middleware.PrivacyHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Pages, partials and the (streamed) exports, gzipped for clients that accept it. Against
    # BREACH: Django pads each gzip stream with random bytes and masks the CSRF token anew on every
    # response; a share token is in no compressed body (the clinician's pages link relatively, and
    # the one page that shows a new link's URL is sent uncompressed).
    "django.middleware.gzip.GZipMiddleware",
    # Before the outage and error answers, so even those are in the visitor's language.
    "backrelease.common.middleware.LanguageMiddleware",
    # Before anything reads the session: with the database known to be down, a 503 at once.
    "backrelease.common.middleware.DatabaseOutageMiddleware",
    # Around every database call of the request, the session's save on the way out included.
    "backrelease.common.middleware.CommitWaitMiddleware",
    "backrelease.common.middleware.RefuseControlCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, with the person read in the same query as the session (SESSION_ENGINE).
    "backrelease.accounts.session_store.PersonMiddleware",
    "backrelease.common.middleware.PersonLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "backrelease.common.middleware.PrivatePagesMiddleware",
    # After authentication and sessions: marks whose pages the service worker may show offline.
    "backrelease.pages.kept_pages.KeptPagesOwnerMiddleware",
    # Last, as django-axes asks: it answers a locked-out login before the view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "backrelease.urls"
WSGI_APPLICATION = "backrelease.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # Dates in the language's own order, in every template (backrelease/common/dates.py).
            "builtins": ["backrelease.common.dates"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "backrelease.pages.language.offered",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Nothing here must agree across processes (limits and sessions live in PostgreSQL). "fragments"
# holds markup that depends on the code alone, such as a step's blank rating scales: each process
# renders it once and keeps it until it restarts (a deploy).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "TIMEOUT": None,
    },
    # journal.insights.kept: answers filed under the revision of the ratings they came from.
    "insights": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "insights",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured(
        "Set DATABASE_URL to the PostgreSQL database (in development, `make` and "
        "backrelease.devtools.settings set it to this checkout's own cluster)."
    )
DATABASES = {"default": from_url(os.environ["DATABASE_URL"])}
# Seconds within which a request that cannot reach the database answers 503, rather than hanging
# (of them it waits for a connection all but database.OWN_WORK_SECONDS).
DATABASE_WAIT = env_int("DATABASE_WAIT", 2)
DATABASES["default"]["OPTIONS"]["connect_timeout"] = DATABASE_WAIT
# Seconds after which a request's database call still unanswered (a commit waiting for a
# synchronous standby that is away) is cancelled and the person told "not saved yet"
# (backrelease/common/commit_wait.py). Well under nginx's proxy_read_timeout (60 s), so the app
# answers rather than the proxy; above any request's own time but an import's, which allows itself
# longer (`commit_wait.allowing`).
COMMIT_WAIT = env_int("COMMIT_WAIT", 10)
if env_bool("DATABASE_POOL", True):
    DATABASES["default"]["OPTIONS"]["pool"] = pool_options(
        "default", max_size=env_int("DATABASE_POOL_SIZE", 8), wait=DATABASE_WAIT
    )
# DATABASE_URL leads to PgBouncer in transaction pooling (docs/deploy/pgbouncer.ini): each
# transaction may get a different server connection, so nothing may outlive one. No server-side
# cursors (Django's own switch; the downloads read in keyset chunks anyway). No prepared statements:
# Django binds on the client and keeps psycopg from preparing, and a URL cannot ask otherwise.
# The app sets nothing on a session (sessions start in Django's zone, UTC, the database's own since
# migration backrelease.0011) and takes no advisory lock; PgBouncer resets each server connection
# after every transaction (docs/deploy/pgbouncer.ini).
if env_bool("DATABASE_TRANSACTION_POOLING", False):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True

AUTH_USER_MODEL = "backrelease.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Argon2id at OWASP's minimum (19 MiB, 2 passes); older hashes are upgraded at the next login.
PASSWORD_HASHERS = [
    "backrelease.accounts.passwords.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Wrong passwords are counted in PostgreSQL per account and client address, so every worker and
# server enforces one limit; a locked-out login answers 429 and says when to try again.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "backrelease.common.clients.address"
AXES_LOCKOUT_CALLABLE = "backrelease.accounts.views.login_locked"
# A browser the owner logged in from before is not held to the per-address lock-out (it has a
# limit of its own): an attacker behind the same address cannot lock the owner out.
AXES_WHITELIST_CALLABLE = "backrelease.accounts.login_limits.known_device"
# Successful logins are none of our business: only failures are kept, and only for the limit.
AXES_DISABLE_ACCESS_LOG = True
LOGIN_URL = "login"
# A clinician account sees other people's records: its session ends after this many idle minutes,
# and signing in again asks for the second factor.
CLINICIAN_IDLE_MINUTES = env_int("CLINICIAN_IDLE_MINUTES", 15)
OTP_TOTP_ISSUER = "Back Release"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# E-mail (address confirmation and password resets only) goes out by SMTP. Without EMAIL_HOST in
# development, messages are printed to the console, so a reset link can be followed there.
_email_host = os.environ.get("EMAIL_HOST", "")
if DEBUG and not _email_host:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host or "localhost",
                "port": env_int("EMAIL_PORT", 25),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
                "use_ssl": env_bool("EMAIL_USE_SSL", False),
                "timeout": env_int("EMAIL_TIMEOUT", 10),
            },
        }
    }
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A task RUNNING this long was left by a worker that died (a mail takes seconds): it is run again.
TASK_ABANDONED_AFTER = timedelta(seconds=env_int("TASK_ABANDONED_SECONDS", 600))
# /healthz answers 503 "mail stuck" once a mail has waited this long past its time.
MAIL_STUCK_AFTER = timedelta(minutes=env_int("MAIL_STUCK_MINUTES", 5))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Back Release <no-reply@localhost>")
# How long a password-reset link works.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_HOURS", 3) * 3600

LANGUAGE_CODE = "en-gb"
# Each language named in its own words: the switcher shows them so to someone who reads no other.
LANGUAGES = [("en-gb", "English"), ("de", "Deutsch"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "backrelease" / "locale"]
# A signed-out choice; a signed-in person's choice is kept with the account (User.language).
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # The basic plotly.js bundle (scatter and bar), installed from the npm registry by make.
    ("vendor/plotly", BASE_DIR / "node_modules" / "plotly.js-basic-dist-min"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Without collectstatic (development, tests) WhiteNoise serves straight from the finders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Database sessions whose row names the person: a request reads both in one query.
SESSION_ENGINE = "backrelease.accounts.session_store"
SESSION_COOKIE_HTTPONLY = True
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = HTTPS
# A phone reaches the app only over HTTPS (Screen Wake Lock needs a secure context); once it has,
# browsers keep to HTTPS for a year.
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 365 * 24 * 3600) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# The browser features the app uses (the screen kept awake during a session), and none else.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), screen-wake-lock=(self)"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "backrelease.capability.paths.RedactSecrets"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # The loggers that write request paths, and so could write a capability URL's secret.
    "loggers": {
        name: {"filters": ["redact_secrets"]} for name in ("django.request", "django.server")
    },
}
