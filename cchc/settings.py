"""Settings for cchc, read from the environment.

With nothing set the app runs on the embedded default: SQLite under ``var/``
and a Celery broker on kombu's filesystem transport, so a real worker process
runs without any server. ``DATABASE_URL`` and ``REDIS_URL`` switch to
PostgreSQL and Redis; the code path is the same, only the connection strings
differ. Production values (``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DEBUG=0``)
turn on the security settings that ``manage.py check --deploy`` expects.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# Runtime state of the embedded default (database, broker queue, media) lives
# here, outside the source tree's tracked files.
VAR_DIR = Path(env_str("CCHC_VAR_DIR", str(BASE_DIR / "var")))

# A SECRET_KEY in the environment is the sign of a real deployment, so DEBUG
# is off by default there and on for the embedded default.
DEBUG = env_bool("DEBUG", default="SECRET_KEY" not in os.environ)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-embedded-default-only-for-local-use"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "import_export",
    "cchc.axes_config.AxesConfig",  # django-axes, named in Vietnamese in the admin
    "django_htmx",
    "csp",
    "cchc",
    "inspections",
    "indicators",
    "par",
    "dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body (CSRF reads the form of every POST).
    "cchc.middleware.RequestSizeLimitMiddleware",
    # Per-address limits on the public verification page and the login form.
    "cchc.ratelimit.RateLimitMiddleware",
    # Control characters and overlong numbers: a 400 before any view or session reads them.
    "cchc.middleware.HostileInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Vietnamese unless the user chose English (never from Accept-Language).
    "cchc.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the message middleware: it tells the user why they were logged out.
    "cchc.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # The request at hand for the audit trail (who, from which address).
    "cchc.audit.AuditContextMiddleware",
    # Axes must come last: it answers locked-out requests.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cchc.urls"
WSGI_APPLICATION = "cchc.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cchc.context_processors.navigation",
            ],
        },
    },
]

# Database: PostgreSQL through DATABASE_URL, SQLite otherwise.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": {"timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis is the broker and the cache when REDIS_URL is set.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "cchc",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_QUEUE_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # A job taken by a worker that died with it (killed, or its machine
    # lost) goes back to the queue this many seconds after it was taken; a
    # worker that starts puts such jobs back at once. Jobs must finish within
    # it, or a second worker takes them too (harmless: jobs are idempotent).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CCHC_BROKER_VISIBILITY_TIMEOUT", 3600)}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "processed_folder": str(CELERY_QUEUE_DIR / "processed"),
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
        "store_processed": False,
        # kombu polls the queue folder once a second by default: a job would
        # wait up to that long before the worker sees it. A listing of an
        # (almost always empty) folder ten times a second costs nothing.
        "polling_interval": 0.1,
    }
# Each job keeps its own status row in the database; Celery's result backend
# is not needed.
CELERY_TASK_IGNORE_RESULT = True
# A job's message is acknowledged when the job is done, not when it starts,
# and a job whose worker process died under it (SIGKILL, the OOM killer) is
# put back in the queue, to run again on its automatic retry (jobs are
# idempotent: no second number, file or e-mail).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker child that has grown past this (KB) is replaced after its task:
# memory a large job took goes back to the system. Each job kind also has a
# time limit and may have a memory limit of its own (cchc/jobs/kinds.py).
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 1_500_000)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

AUTH_USER_MODEL = "cchc.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Passwords, while CCHC_LOCAL_LOGIN is on (below).
    "cchc.login.LocalPasswordBackend",
    # The province's central sign-in, while CCHC_OIDC_ISSUER is set (below).
    "cchc.oidc.ProviderBackend",
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
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Central sign-in with the province's identity provider (OpenID Connect,
# authorization code with PKCE). With no issuer none of it is active and the
# login page is the password form. The provider's endpoints are read from
# <issuer>/.well-known/openid-configuration on first use and cached. A user
# signs in only if cchc already knows them: the claim CCHC_OIDC_CLAIM must
# equal the field CCHC_OIDC_USER_FIELD ("email", compared without case, or
# "username") of one active user; no user, role or membership is ever made
# from the provider's claims.
CCHC_OIDC_ISSUER = env_str("CCHC_OIDC_ISSUER").rstrip("/")
CCHC_OIDC_CLIENT_ID = env_str("CCHC_OIDC_CLIENT_ID")
CCHC_OIDC_CLIENT_SECRET = env_str("CCHC_OIDC_CLIENT_SECRET")
CCHC_OIDC_CLAIM = env_str("CCHC_OIDC_CLAIM", "email")
CCHC_OIDC_USER_FIELD = env_str("CCHC_OIDC_USER_FIELD", "email")
CCHC_OIDC_SCOPES = env_str("CCHC_OIDC_SCOPES", "openid email profile")
CCHC_OIDC_SIGN_ALGO = env_str("CCHC_OIDC_SIGN_ALGO", "RS256")
CCHC_OIDC_TIMEOUT = env_int("CCHC_OIDC_TIMEOUT", 10)
CCHC_OIDC_DISCOVERY_CACHE_SECONDS = env_int("CCHC_OIDC_DISCOVERY_CACHE_SECONDS", 3600)
# Passwords kept by cchc; an administrator turns them off (for every login,
# the admin's included) once everyone signs in through the provider.
CCHC_LOCAL_LOGIN = env_bool("CCHC_LOCAL_LOGIN", True)
if CCHC_OIDC_USER_FIELD not in {"email", "username"}:
    raise ImproperlyConfigured("CCHC_OIDC_USER_FIELD must be 'email' or 'username'.")
if CCHC_OIDC_ISSUER and not (CCHC_OIDC_CLIENT_ID and CCHC_OIDC_CLIENT_SECRET):
    raise ImproperlyConfigured("CCHC_OIDC_ISSUER needs CCHC_OIDC_CLIENT_ID and CCHC_OIDC_CLIENT_SECRET.")
if not CCHC_LOCAL_LOGIN and not CCHC_OIDC_ISSUER:
    raise ImproperlyConfigured("CCHC_LOCAL_LOGIN can be off only when CCHC_OIDC_ISSUER is set.")

# Login throttling (cchc/login.py LockoutHandler): after AXES_FAILURE_LIMIT
# failures for one user name, from any address, that account is locked out
# for AXES_COOLOFF_TIME hours; after CCHC_LOGIN_ADDRESS_FAILURE_LIMIT failures
# from one address, across accounts (password spraying), so is that address.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
CCHC_LOGIN_ADDRESS_FAILURE_LIMIT = env_int("CCHC_LOGIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "cchc.login.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "cchc.login.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0)
# Password logins count under the name typed; refused sign-ins through the
# provider count each apart (cchc/login.py).
AXES_USERNAME_CALLABLE = "cchc.login.axes_username"

# Requests per address (count, seconds) on the public verification page, its
# upload and the login form (cchc/ratelimit.py); Redis counts for every web
# process. A province's offices each reach the app from one address.
CCHC_RATE_LIMITS = {
    "verify": (env_int("CCHC_RATE_LIMIT_VERIFY_PER_MINUTE", 60), 60),
    "verify_upload": (env_int("CCHC_RATE_LIMIT_VERIFY_UPLOADS_PER_HOUR", 30), 3600),
    "login": (env_int("CCHC_RATE_LIMIT_LOGIN_PER_MINUTE", 60), 60),
}

# Sessions end after SESSION_IDLE_TIMEOUT seconds without a request, and in any
# case SESSION_ABSOLUTE_TIMEOUT seconds after login.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_TIMEOUT", 10 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Internationalisation: Vietnamese by default, English available.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["cchc.formats"]

# Static files: our own under static/, third-party assets from the npm
# registry (installed into node_modules by the set-up), served by WhiteNoise.
NODE_MODULES = BASE_DIR / "node_modules"
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/sortablejs", NODE_MODULES / "sortablejs"),
    ("vendor/fonts/tinos", NODE_MODULES / "@expo-google-fonts" / "tinos"),
    ("vendor/fonts/noto-serif", NODE_MODULES / "@fontsource" / "noto-serif" / "files"),
]
# Uploaded and generated files: outside the static root, served only through
# views that check scope.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Where ``manage.py backup`` writes its archives (README.md, "Backups").
CCHC_BACKUP_DIR = Path(env_str("CCHC_BACKUP_DIR", str(VAR_DIR / "backups")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# E-mail: SMTP when EMAIL_HOST is set, the console otherwise.
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "cchc@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers. The Content-Security-Policy is sent everywhere (so that
# development shows what production does): no inline scripts, no third-party
# origins.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Secure-sessionid"
    CSRF_COOKIE_NAME = "__Secure-csrftoken"

LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
# Third-party start-up banners and progress logs (django-axes's "AXES: BEGIN"
# and its per-login lines, WeasyPrint's "Step 2 - Fetching and parsing CSS",
# fontTools' subsetting) only when LOG_LEVEL=DEBUG; their warnings always.
QUIET_LOGGERS = ("axes", "weasyprint", "weasyprint.progress", "fontTools", "pyhanko")
AXES_VERBOSE = LOG_LEVEL == "DEBUG"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        **{name: {"level": "DEBUG" if LOG_LEVEL == "DEBUG" else "WARNING"} for name in QUIET_LOGGERS},
    },
}

# Demo data (demo users with known passwords) may be loaded only where this
# is on: the embedded default and tests, never production.
CCHC_ALLOW_DEMO_DATA = env_bool("CCHC_ALLOW_DEMO_DATA", DEBUG)
if CCHC_ALLOW_DEMO_DATA:
    # The demo data and its commands (load_demo, generate_demo_data, ...) exist only here.
    INSTALLED_APPS.append("demo")

# Official documents. The public address printed under the QR code of every
# issued PDF, leading to its verification page.
CCHC_PUBLIC_URL = env_str("CCHC_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# Signing on the server: the organisation's PKCS#12 file and its password,
# configured by the administrator. The set-up of the embedded default creates
# a self-signed demonstration certificate here (never used in production).
CCHC_SIGNING_P12 = Path(env_str("CCHC_SIGNING_P12", str(VAR_DIR / "signing" / "demo-signer.p12")))
# More organisations' certificates (one PKCS#12 file per issuing body, the
# same password): a document is signed with the one whose organisation is
# its issuing body.
CCHC_SIGNING_P12_DIR = env_str("CCHC_SIGNING_P12_DIR", str(VAR_DIR / "signing" / "bodies"))
CCHC_SIGNING_P12_PASSWORD = env_str("CCHC_SIGNING_P12_PASSWORD", "cchc-demo-signing" if DEBUG else "")
# Roots a signature made outside the app must chain to (PEM files).
CCHC_TRUSTED_ROOTS = [
    Path(p) for p in env_list("CCHC_TRUSTED_ROOTS", [str(VAR_DIR / "signing" / "demo-root.pem")])
]
# The TrueType font of the signature stamp (it must cover Vietnamese); empty:
# the documents' own face (Tinos), then the system's Liberation or DejaVu Serif.
CCHC_SIGNING_FONT = env_str("CCHC_SIGNING_FONT", "")

# Remediation: reminders this many days before a deadline (and on the day
# after it passed), and upload limits for reports and their evidence.
CCHC_REMINDER_DAYS = [int(d) for d in env_list("CCHC_REMINDER_DAYS", ["7", "1"])]
# An open task is "due soon" this many days before its deadline, the day itself included.
CCHC_TASK_DUE_SOON_DAYS = env_int("CCHC_TASK_DUE_SOON_DAYS", 7)
# A unit overdue on an assigned task by more than this many days is listed for
# (and notified to) the leader of the monitoring unit.
CCHC_TASK_ESCALATION_DAYS = env_int("CCHC_TASK_ESCALATION_DAYS", 15)
CCHC_UPLOAD_MAX_FILE_MB = env_int("CCHC_UPLOAD_MAX_FILE_MB", 20)
CCHC_UPLOAD_MAX_REPORT_MB = env_int("CCHC_UPLOAD_MAX_REPORT_MB", 100)
# No request body may be larger (checked before it is read).
CCHC_REQUEST_MAX_MB = env_int("CCHC_REQUEST_MAX_MB", CCHC_UPLOAD_MAX_REPORT_MB + 1)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# The public verification page takes no file larger than this (refused before
# the body is read): no PDF the app issues comes near it (a notice with its
# appendix and fonts is a few hundred KB; signing adds tens of KB).
CCHC_VERIFY_UPLOAD_MAX_BYTES = env_int("CCHC_VERIFY_UPLOAD_MAX_MB", 10) * 1024 * 1024
# Dashboard PDF handouts are kept this many days (per user and filters, only
# the latest); a daily task deletes the others.
CCHC_HANDOUT_KEEP_DAYS = env_int("CCHC_HANDOUT_KEEP_DAYS", 7)
# Indicator workbooks made by background exports are kept this many days.
CCHC_EXPORT_KEEP_DAYS = env_int("CCHC_EXPORT_KEEP_DAYS", 7)
# Indicator workbooks uploaded up to this size are checked and imported during
# the request; larger ones by a background job.
CCHC_INDICATOR_IMPORT_INLINE_MAX_BYTES = env_int("CCHC_INDICATOR_IMPORT_INLINE_MAX_BYTES", 200 * 1024)
# An indicator workbook of more rows than this is refused before its cells
# are read, whatever the importer's scope (a province's is some tens of
# thousands); the preview keeps this many problems, warnings, changes...
# of each kind, and says how many more there were.
CCHC_INDICATOR_IMPORT_MAX_ROWS = env_int("CCHC_INDICATOR_IMPORT_MAX_ROWS", 100_000)
CCHC_INDICATOR_IMPORT_PREVIEW_ITEMS = env_int("CCHC_INDICATOR_IMPORT_PREVIEW_ITEMS", 500)
# Imports refused or left unapplied are deleted, with their files, after
# this many days (the daily clean-up); stored files no row names are
# deleted once older than this many hours.
CCHC_IMPORT_KEEP_DAYS = env_int("CCHC_IMPORT_KEEP_DAYS", 30)
CCHC_ORPHAN_GRACE_HOURS = env_int("CCHC_ORPHAN_GRACE_HOURS", 24)
# An import still being checked or applied this many hours after its last
# change lost its worker (a job runs for 15 minutes at most, and a job a
# dead worker held goes back to the queue within the broker's visibility
# timeout, an hour): the daily clean-up marks it failed so the user can
# send it again.
CCHC_IMPORT_STUCK_HOURS = env_int("CCHC_IMPORT_STUCK_HOURS", 6)
# Excel exports of more units than this are made by a background job (a single
# unit's never is).
CCHC_INDICATOR_EXPORT_INLINE_MAX_UNITS = env_int("CCHC_INDICATOR_EXPORT_INLINE_MAX_UNITS", 20)
# Events of the audit trail (sign-ins, downloads, issues, signatures,
# publications, reviews, role changes) are kept this many days; a daily task
# deletes older ones.
CCHC_AUDIT_KEEP_DAYS = env_int("CCHC_AUDIT_KEEP_DAYS", 730)
# An audit export of more events than this is made by a background job
# (cchc/audit_jobs.py), not during the request.
CCHC_AUDIT_EXPORT_INLINE_MAX_ROWS = env_int("CCHC_AUDIT_EXPORT_INLINE_MAX_ROWS", 2000)
CELERY_BEAT_SCHEDULE = {
    "send-remediation-reminders": {
        "task": "inspections.send_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "clean-up-dashboard-handouts": {
        "task": "dashboards.clean_up_handouts",
        "schedule": crontab(hour=2, minute=30),
    },
    "clean-up-indicator-exports": {
        "task": "indicators.clean_up_exports",
        "schedule": crontab(hour=2, minute=40),
    },
    "clean-up-indicator-imports": {
        "task": "indicators.clean_up_imports",
        "schedule": crontab(hour=2, minute=50),
    },
    "clean-up-orphan-files": {
        "task": "cchc.clean_up_orphan_files",
        "schedule": crontab(hour=3, minute=10),
    },
    "clean-up-audit-trail": {
        "task": "cchc.clean_up_audit",
        "schedule": crontab(hour=2, minute=55),
    },
}
