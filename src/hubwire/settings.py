"""hubwire settings. Everything comes from environment variables; see docs/configuration.md."""

import os
import secrets

from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from hubwire.core.app_folders import app_folders
from hubwire.paths import read_or_create_secret, var_path


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_days(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip() or str(default)
    if not value.isdigit():
        raise ImproperlyConfigured(f"{name} must be a whole number of days, 0 or more (0 keeps forever); it is {value!r}")
    return int(value)


DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY") or read_or_create_secret(
    "secret_key", lambda: secrets.token_urlsafe(50)
)
# Comma-separated Fernet keys, newest first. The newest encrypts; every one of them decrypts,
# so an old key can be retired after `hubwire rotate_keys`.
HUBWIRE_ENCRYPTION_KEYS = env_list("HUBWIRE_ENCRYPTION_KEYS") or [
    read_or_create_secret("encryption_key", lambda: Fernet.generate_key().decode())
]
HUBWIRE_BASE_URL = os.environ.get("HUBWIRE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# The built-in provider emulators (hubwire.sandbox): on for `make run` and the tests, off in production.
HUBWIRE_SANDBOX = env_bool("HUBWIRE_SANDBOX")
# Sandbox QuickBooks companies start with sample customers, as Intuit's sandbox companies do (one of
# them has the demo's ACME email, so that connecting shows a match by email). `hubwire run` turns it on.
HUBWIRE_SANDBOX_QBO_SAMPLE_DATA = env_bool("HUBWIRE_SANDBOX_QBO_SAMPLE_DATA")
# The sandbox Twilio sends each message's status callbacks when they fall due, by itself (beat, every
# 2 s), as Twilio does. Off in the tests, which decide when each goes; `hubwire run` turns it on.
HUBWIRE_SANDBOX_TWILIO_DELIVERS = env_bool("HUBWIRE_SANDBOX_TWILIO_DELIVERS")
# Where hubwire reaches the sandbox; empty means HUBWIRE_BASE_URL + "/sandbox".
HUBWIRE_SANDBOX_URL = os.environ.get("HUBWIRE_SANDBOX_URL", "")
# Provider app settings, all named HUBWIRE_<PROVIDER>_<NAME>: e.g. HUBWIRE_ZOOM_CLIENT_ID,
# HUBWIRE_ZOOM_CLIENT_SECRET, HUBWIRE_ZOOM_WEBHOOK_SECRET, and HUBWIRE_ZOOM_URL_API to point one of a
# provider's hosts somewhere else. Read through Provider.setting() / Provider.url().
HUBWIRE_PROVIDER_ENV = {k[len("HUBWIRE_"):].lower(): v for k, v in os.environ.items() if k.startswith("HUBWIRE_")}
# Zoom's per-user daily limit on meeting create/update requests, as the sandbox enforces it [3P].
HUBWIRE_SANDBOX_ZOOM_DAILY_MEETING_WRITES = int(os.environ.get("HUBWIRE_SANDBOX_ZOOM_DAILY_MEETING_WRITES", "100"))
# The sandbox Stripe: requests per second per key (docs.stripe.com/rate-limits: test 25, live 100),
# how long a Checkout Session stays open (Stripe's default, 24 h) and an account link lives (300 s).
HUBWIRE_SANDBOX_STRIPE_TEST_RATE = int(os.environ.get("HUBWIRE_SANDBOX_STRIPE_TEST_RATE", "25"))
HUBWIRE_SANDBOX_STRIPE_LIVE_RATE = int(os.environ.get("HUBWIRE_SANDBOX_STRIPE_LIVE_RATE", "100"))
HUBWIRE_SANDBOX_STRIPE_CHECKOUT_LIFETIME = int(os.environ.get("HUBWIRE_SANDBOX_STRIPE_CHECKOUT_LIFETIME", "86400"))
HUBWIRE_SANDBOX_STRIPE_ACCOUNT_LINK_LIFETIME = int(os.environ.get("HUBWIRE_SANDBOX_STRIPE_ACCOUNT_LINK_LIFETIME", "300"))
HUBWIRE_ZOOM_REFRESH_TOKEN_DAYS = int(os.environ.get("HUBWIRE_ZOOM_REFRESH_TOKEN_DAYS", "90"))
HUBWIRE_GOOGLE_REFRESH_TOKEN_DAYS = int(os.environ.get("HUBWIRE_GOOGLE_REFRESH_TOKEN_DAYS", "0"))
# Seconds before a provider call gives up (connect: at most 5).
HUBWIRE_HTTP_TIMEOUT = float(os.environ.get("HUBWIRE_HTTP_TIMEOUT", "15"))
HUBWIRE_DEFAULT_PHONE_REGION = os.environ.get("HUBWIRE_DEFAULT_PHONE_REGION", "US")
# Behind a reverse proxy (it sets X-Forwarded-Proto and appends the client to X-Forwarded-For).
HUBWIRE_BEHIND_PROXY = env_bool("HUBWIRE_BEHIND_PROXY")
# The Client Portal: failed sign-ins allowed per email (per browser) and per IP address within the
# window before the next attempt must wait; how long invitation and reset links and a session last.
HUBWIRE_PORTAL_THROTTLE_WINDOW = int(os.environ.get("HUBWIRE_PORTAL_THROTTLE_WINDOW", "900"))
HUBWIRE_PORTAL_THROTTLE_PER_EMAIL = int(os.environ.get("HUBWIRE_PORTAL_THROTTLE_PER_EMAIL", "5"))
HUBWIRE_PORTAL_THROTTLE_PER_IP = int(os.environ.get("HUBWIRE_PORTAL_THROTTLE_PER_IP", "30"))
HUBWIRE_PORTAL_INVITE_HOURS = int(os.environ.get("HUBWIRE_PORTAL_INVITE_HOURS", "72"))
HUBWIRE_PORTAL_RESET_MINUTES = int(os.environ.get("HUBWIRE_PORTAL_RESET_MINUTES", "60"))
HUBWIRE_PORTAL_SESSION_HOURS = int(os.environ.get("HUBWIRE_PORTAL_SESSION_HOURS", "12"))
# The team's sign-in, throttled the same way as the portal's (core/throttle.py); how long a team
# invitation link lasts. Password reset links last PASSWORD_RESET_TIMEOUT seconds (Django's, 1 hour here).
HUBWIRE_TEAM_THROTTLE_WINDOW = int(os.environ.get("HUBWIRE_TEAM_THROTTLE_WINDOW", "900"))
HUBWIRE_TEAM_THROTTLE_PER_EMAIL = int(os.environ.get("HUBWIRE_TEAM_THROTTLE_PER_EMAIL", "5"))
HUBWIRE_TEAM_THROTTLE_PER_IP = int(os.environ.get("HUBWIRE_TEAM_THROTTLE_PER_IP", "30"))
HUBWIRE_TEAM_INVITE_HOURS = int(os.environ.get("HUBWIRE_TEAM_INVITE_HOURS", "72"))
PASSWORD_RESET_TIMEOUT = int(os.environ.get("HUBWIRE_TEAM_RESET_SECONDS", "3600"))

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    # django-ninja's templates and static files: /api/docs serves its bundled Swagger UI, not a CDN's.
    "ninja",
    "hubwire.core",
    "hubwire.jobs",
    "hubwire.retention",
    "hubwire.events",
    "hubwire.sync",
    "hubwire.crm",
    "hubwire.integrations",
    "hubwire.webhooks",
    "hubwire.payments",
    "hubwire.portal",
    # Provider folders with tables of their own (an apps.py), found rather than named (core/app_folders.py).
    *app_folders("hubwire.integrations", Path(__file__).parent / "integrations"),
    # Always installed so its tables exist in its own database; it answers only when HUBWIRE_SANDBOX is on.
    "hubwire.sandbox",
    # Emulator folders with tables of their own, kept in the sandbox's database too (sandbox/router.py).
    *app_folders("hubwire.sandbox", Path(__file__).parent / "sandbox"),
]

MIDDLEWARE = [
    "hubwire.core.middleware.SecureCookiesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "hubwire.core.middleware.RefuseNulInQueryMiddleware",
    "hubwire.api.UnknownQueryParameters",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hubwire.portal.session.PortalSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "hubwire.core.middleware.WorkspaceMiddleware",
]

ROOT_URLCONF = "hubwire.urls"
WSGI_APPLICATION = "hubwire.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hubwire.core.context_processors.workspace",
                "hubwire.crm.context_processors.unread_messages",
                "hubwire.integrations.context_processors.integration_alerts",
            ],
        },
    },
]

# --- Database: SQLite in WAL mode by default, anything dj-database-url reads otherwise. ---
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{var_path('hubwire.sqlite3')}"
# Persistent connections save a connect per request; the test runs turn them off (scripts/test.sh).
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=int(os.environ.get("HUBWIRE_DB_CONN_MAX_AGE", "60")))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server, the worker and beat read while one of them writes;
        # IMMEDIATE transactions take the write lock up front instead of failing mid-way.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # The test database is a file (not :memory:) so that a real Celery worker process and a
    # live server can share it with the test run.
    DATABASES["default"]["TEST"] = {"NAME": str(var_path("test-hubwire.sqlite3"))}
# The sandbox keeps its state in its own SQLite file, like a provider keeps its own database. It
# also means a token refresh holding hubwire's write lock never waits on the sandbox's writes.
DATABASES["sandbox"] = {
    **dj_database_url.parse(os.environ.get("HUBWIRE_SANDBOX_DATABASE_URL") or f"sqlite:///{var_path('sandbox.sqlite3')}"),
    "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20},
}
# Its test database sits beside it, named after it, so that two test runs given two sandbox files
# (scripts/test.sh runs the SQLite and PostgreSQL passes side by side) never share one.
DATABASES["sandbox"]["TEST"] = {"NAME": str(var_path("test-" + os.path.basename(DATABASES["sandbox"]["NAME"])))}
DATABASE_ROUTERS = ["hubwire.sandbox.router.SandboxRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = var_path("static")
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve straight from the apps when collectstatic has not run

# Served over https when the base URL says so, or request by request when a proxy says so in
# X-Forwarded-Proto (then SecureCookiesMiddleware makes that response's cookies Secure).
SERVED_OVER_HTTPS = HUBWIRE_BASE_URL.startswith("https://")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", SERVED_OVER_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HUBWIRE_BEHIND_PROXY else None
# Strict-Transport-Security: a year where https is possible (SecurityMiddleware sends it on https responses only).
SECURE_HSTS_SECONDS = int(os.environ.get("HUBWIRE_HSTS_SECONDS") or
                          (31_536_000 if HUBWIRE_BEHIND_PROXY or SERVED_OVER_HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HUBWIRE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_SSL_REDIRECT = env_bool("HUBWIRE_SSL_REDIRECT")

# Mail goes to the console unless SMTP is configured (EMAIL_HOST set).
if os.environ.get("EMAIL_HOST"):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {
        "host": os.environ["EMAIL_HOST"],
        "port": int(os.environ.get("EMAIL_PORT", "587")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", True),
    }}}
else:
    MAILERS = {"default": {"BACKEND": "hubwire.core.console_mail.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "hubwire@localhost")

# --- Celery. The broker only wakes workers; durable state lives in the database. ---
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or f"sqla+sqlite:///{var_path('celery-broker.sqlite3')}"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
HUBWIRE_JOBS_TICK_SECONDS = float(os.environ.get("HUBWIRE_JOBS_TICK_SECONDS", "5"))
# Shared rate-limit buckets across processes; defaults to the broker when that is Redis.
HUBWIRE_REDIS_URL = os.environ.get("HUBWIRE_REDIS_URL") or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else "")
# The framework's ticks; periodic work of an app or provider is declared beside its task and added
# when beat starts (hubwire.jobs.periodic).
CELERY_BEAT_SCHEDULE = {
    "jobs-tick": {"task": "hubwire.jobs.tick", "schedule": HUBWIRE_JOBS_TICK_SECONDS},
    "webhooks-dispatch": {"task": "hubwire.webhooks.dispatch", "schedule": HUBWIRE_JOBS_TICK_SECONDS},
}
CELERY_BEAT_SCHEDULER = "hubwire.jobs.periodic:DeclaredScheduler"
# How many days each kind of record is kept before the hourly prune deletes it; 0 keeps it forever.
# Attempts (headers and a 2 KB response excerpt each, the bulk of the webhook tables) outlive the
# retry schedule (about 28 hours) and the 5 days after which a failing endpoint is disabled.
HUBWIRE_KEEP_WEBHOOK_ATTEMPTS_DAYS = env_days("HUBWIRE_KEEP_WEBHOOK_ATTEMPTS_DAYS", 30)
# Deliveries and events: a quarter in which to notice a broken receiver and replay what it missed.
# An event goes with its deliveries and handler runs; the accounts' activity lines stay.
HUBWIRE_KEEP_WEBHOOK_DELIVERIES_DAYS = env_days("HUBWIRE_KEEP_WEBHOOK_DELIVERIES_DAYS", 90)
HUBWIRE_KEEP_EVENTS_DAYS = env_days("HUBWIRE_KEEP_EVENTS_DAYS", 90)
# Inbound provider events and inbound hook requests are also what recognises a resent duplicate:
# keep them well past the longest provider retry window (Stripe: 3 days, providers.md §1.8).
HUBWIRE_KEEP_INBOUND_EVENTS_DAYS = env_days("HUBWIRE_KEEP_INBOUND_EVENTS_DAYS", 30)
HUBWIRE_KEEP_INBOUND_HOOK_REQUESTS_DAYS = env_days("HUBWIRE_KEEP_INBOUND_HOOK_REQUESTS_DAYS", 30)
# Finished sync jobs (done or given up): a record's sync state lives on its ledger row (MeetingLink),
# so a finished job is only the story of one pass, for the admin.
HUBWIRE_KEEP_FINISHED_JOBS_DAYS = env_days("HUBWIRE_KEEP_FINISHED_JOBS_DAYS", 30)
# Sync runs (each pass of a provider's sync, with its counts and errors): a quarter of history on
# the sync panel; each schedule keeps its last run and outcome however old.
HUBWIRE_KEEP_SYNC_RUNS_DAYS = env_days("HUBWIRE_KEEP_SYNC_RUNS_DAYS", 90)
# The sandbox's call log is a test and demo aid; its page shows the last 50.
HUBWIRE_KEEP_SANDBOX_CALLS_DAYS = env_days("HUBWIRE_KEEP_SANDBOX_CALLS_DAYS", 7)
# Outbound webhooks to private, loopback and link-local addresses: for local receivers only. On
# with the sandbox (make run), off otherwise; never in production (it reopens SSRF).
HUBWIRE_WEBHOOKS_ALLOW_PRIVATE = env_bool("HUBWIRE_WEBHOOKS_ALLOW_PRIVATE", HUBWIRE_SANDBOX)
HUBWIRE_WEBHOOKS_TIMEOUT = float(os.environ.get("HUBWIRE_WEBHOOKS_TIMEOUT", "15"))
HUBWIRE_WEBHOOKS_CONCURRENCY = int(os.environ.get("HUBWIRE_WEBHOOKS_CONCURRENCY", "16"))
# How long a dispatcher holds the deliveries it claimed; a dead worker's claims are sent again after
# it. Longer than the timeout plus recording, or a slow send would be duplicated while still running.
HUBWIRE_WEBHOOKS_LEASE_SECONDS = max(float(os.environ.get("HUBWIRE_WEBHOOKS_LEASE_SECONDS", "120")),
                                     HUBWIRE_WEBHOOKS_TIMEOUT + 5)
# How long a QuickBooks export holds the invoices of a batch it is sending; a dead worker's batch is
# found again by the next pass after it. Longer than a wait for the batch limit (90 s) plus the call.
HUBWIRE_QUICKBOOKS_LEASE_SECONDS = float(os.environ.get("HUBWIRE_QUICKBOOKS_LEASE_SECONDS", "300"))
# Intuit's limits per company (providers.md §2.5), which hubwire keeps to; lower them if Intuit does.
HUBWIRE_QUICKBOOKS_REQUESTS_PER_MINUTE = int(os.environ.get("HUBWIRE_QUICKBOOKS_REQUESTS_PER_MINUTE", "500"))
HUBWIRE_QUICKBOOKS_BATCHES_PER_MINUTE = int(os.environ.get("HUBWIRE_QUICKBOOKS_BATCHES_PER_MINUTE", "40"))
HUBWIRE_QUICKBOOKS_BATCH_SIZE = int(os.environ.get("HUBWIRE_QUICKBOOKS_BATCH_SIZE", "30"))
HUBWIRE_QUICKBOOKS_CONCURRENT_REQUESTS = int(os.environ.get("HUBWIRE_QUICKBOOKS_CONCURRENT_REQUESTS", "10"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "hubwire.core.redaction.RedactingFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # hubwire.http logs every provider call (scrubbed); httpx's own INFO line would repeat it unscrubbed.
    "loggers": {"django.db.backends": {"level": "INFO"}, "httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"}},
}
