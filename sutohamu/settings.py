"""One settings file; every deployment value comes from the environment.

With no environment at all the app runs as the embedded demo: SQLite in the project folder,
no Redis needed (Celery runs tasks eagerly), DEBUG off unless asked for.
"""

from __future__ import annotations

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG: bool = env.bool("DEBUG", default=False)
# The embedded demo (no DATABASE_URL) may run on a development key; a real deployment may not.
EMBEDDED: bool = "DATABASE_URL" not in env
_DEV_SECRET = "insecure-development-key-never-use-in-production"
SECRET_KEY: str = env.str("SECRET_KEY", default=_DEV_SECRET if (DEBUG or EMBEDDED) else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DATABASE_URL is set and DEBUG is off.")
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "sutohamu.apps.SuToHaMuAdminConfig",
    "sutohamu.apps.SuToHaMuConfig",  # shared utilities: template tags, checks (no models)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "guardian",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django_htmx",
    "accounts",
    "councils",
    "cases",
    "meetings",
    "reminders",
    "reports",
    "bench",  # the benchmark's generator command and floor views (no models)
]

MIDDLEWARE = [
    # First: the security headers, on every response (health check and static files included).
    "sutohamu.middleware.SecurityHeadersMiddleware",
    # Then the container health check, answered before host validation (see its docstring).
    "sutohamu.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sutohamu.sessions.SlidingSessionMiddleware",  # Django's, without a write per request
    "sutohamu.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sutohamu.middleware.NoStoreForSignedInMiddleware",  # no browser keeps a signed-in page
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After sign-in and OTP: whoever must use two factors and has not yet goes to enrol/verify.
    "accounts.twofactor.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "sutohamu.middleware.PermissionsPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes last: it turns a lockout raised during authentication into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sutohamu.urls"
WSGI_APPLICATION = "sutohamu.wsgi.application"

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
                "accounts.context_processors.capabilities",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    # A new PostgreSQL connection per request cost more than most pages. With DB_POOL_MAX_SIZE
    # each process keeps a psycopg pool (Django's, which needs CONN_MAX_AGE 0): opened at start,
    # checked and bounded, so PostgreSQL's max_connections is a sum one can state (README,
    # Operations). Without it, one persistent connection per process (DB_CONN_MAX_AGE).
    DB_POOL_MAX_SIZE: int = env.int("DB_POOL_MAX_SIZE", default=0)
    if DB_POOL_MAX_SIZE > 0:
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(env.int("DB_POOL_MIN_SIZE", default=1), DB_POOL_MAX_SIZE),
            "max_size": DB_POOL_MAX_SIZE,
            # A request waits this long for a free connection, then fails (503 rather than hang).
            "timeout": env.float("DB_POOL_TIMEOUT", default=10.0),
        }
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=300)
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A form's drop-down reads its choices with .iterator(), which on PostgreSQL is a server-side
    # cursor: DECLARE, FETCH, CLOSE for a few dozen rows, and a query-count test that sees only
    # the cheap DECLARE. Client-side cursors read them in one round trip.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    # Planner settings for the app's sessions (DB_PG_OPTIONS; empty for none). The default page
    # cost assumes spinning disks and made the planner scan all 43,000 follow-up plans instead of
    # looking up a municipality's 1,340 by index (27 ms -> 14 ms at county scale, bench/).
    pg_options = env.str("DB_PG_OPTIONS", default="-c random_page_cost=1.1")
    # PostgreSQL's JIT compiles a query's expressions when its estimated cost is high: on the
    # yearly report it took 730 of one query's 1,124 ms, and no page gains from it (DB_JIT).
    jit = "" if env.bool("DB_JIT", default=False) else "-c jit=off"
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = " ".join(filter(None, [options.get("options", ""), pg_options, jit]))
    # Prepared statements: psycopg binds parameters on the server (Django's ServerBindingCursor)
    # and prepares a statement the connection has run more than DB_PREPARE_THRESHOLD times, so
    # the hot paths' queries are parsed and planned once per connection (persistent or pooled)
    # instead of on every request. A negative threshold turns preparing off (for a transaction-
    # mode pooler such as PgBouncer without prepared-statement support).
    prepare_threshold = env.int("DB_PREPARE_THRESHOLD", default=2)
    options["server_side_binding"] = env.bool("DB_SERVER_SIDE_BINDING", default=True)
    options["prepare_threshold"] = prepare_threshold if prepare_threshold >= 0 else None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded demo under concurrent use: readers never block the writer (WAL), a writer
    # waits for the lock instead of failing (busy timeout), and a transaction takes the write
    # lock when it begins (IMMEDIATE), so it cannot deadlock upgrading a read lock halfway.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000"
            ),
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first, so that a locked-out account is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after a period without activity: every request pushes the expiry forward.
SESSION_COOKIE_AGE: int = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
# The idle expiry slides when the session is saved; sutohamu.sessions saves it at most once per
# SESSION_REFRESH_SECONDS instead of on every request (a write and a commit per page view).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS: int = env.int("SESSION_REFRESH_SECONDS", default=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE: bool = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# django-axes: lock an account name at one address after repeated failures. The pair, not the
# name alone, so that nobody can lock a known colleague out from elsewhere; and not the address
# alone, since a municipality's staff share one NAT address. An address on its own is throttled
# by sutohamu.lockout at a much higher count of failures (AXES_ADDRESS_FAILURE_LIMIT).
AXES_FAILURE_LIMIT: int = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME: float = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "sutohamu.lockout.AddressThrottlingHandler"
AXES_ADDRESS_FAILURE_LIMIT: int = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=30)
AXES_CLIENT_IP_CALLABLE = "sutohamu.lockout.client_ip"
# How many reverse proxies in front append to X-Forwarded-For (0: the peer address is the client).
TRUSTED_PROXY_COUNT: int = env.int("TRUSTED_PROXY_COUNT", default=0)
SILENCED_SYSTEM_CHECKS: list[str] = []
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# django-guardian: no anonymous object permissions; everything needs sign-in.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = True

# Internationalisation: Swedish first, English available.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded documents (the signed agreement) are shared by every node (councils/storage.py):
# DOCUMENT_STORAGE=database keeps them in PostgreSQL, s3 in an S3-compatible object store through
# django-storages (`pip install ".[s3]"`), configured by the S3_* variables.
DOCUMENT_STORAGE: str = env.str("DOCUMENT_STORAGE", default="database")
if DOCUMENT_STORAGE == "database":
    _documents: dict = {"BACKEND": "councils.storage.DatabaseStorage"}
elif DOCUMENT_STORAGE == "s3":
    _documents = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("S3_BUCKET"),
            "endpoint_url": env.str("S3_ENDPOINT_URL", default=None),
            "region_name": env.str("S3_REGION", default=None),
            "access_key": env.str("S3_ACCESS_KEY_ID", default=None),
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default=None),
            "location": env.str("S3_PREFIX", default=""),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
else:
    raise ImproperlyConfigured("DOCUMENT_STORAGE must be 'database' or 's3'.")
# Static files are collected (`collectstatic`: hashed names, gzip and Brotli, served with
# far-future caching) except with DEBUG or STATIC_FROM_SOURCE: then WhiteNoise serves them from
# static/ and the apps' folders as they are. The embedded demo (`make run`) starts so, since
# compressing a thousand files takes it about 9 s of CPU and buys nothing on localhost.
STATIC_FROM_SOURCE: bool = DEBUG or env.bool("STATIC_FROM_SOURCE", default=False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "documents": _documents,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if STATIC_FROM_SOURCE
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = STATIC_FROM_SOURCE

# E-mail (EMAIL_URL, e.g. smtp+tls://user:password@host:587); the console by default.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL: str = env.str("DEFAULT_FROM_EMAIL", default="SuToHaMu <noreply@localhost>")
# Seconds an SMTP connection may hang before the attempt fails (and the outbox retries it).
EMAIL_TIMEOUT: int = env.int("EMAIL_TIMEOUT", default=30)

# Celery: without REDIS_URL tasks run in-process, so the embedded demo needs no services.
REDIS_URL: str = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
# Django's cache is shared by every node when there is Redis (beside Celery's keys, under a
# prefix), else it is local to the process (the embedded demo). Sessions stay in the database:
# see README, Operations.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "sutohamu-cache",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Cached page parts are keyed by the database's name and this (sutohamu/fragments.py): set it
# where two installations whose databases share a name share one Redis.
FRAGMENTS_NAMESPACE: str = env.str("FRAGMENTS_NAMESPACE", default="")
SESSION_ENGINE = "sutohamu.sessions"  # Django's db backend, read with one plain statement
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_ACKS_LATE = True
# The queue tasks go to unless sent elsewhere (the tests' worker listens on a queue of its own).
CELERY_TASK_DEFAULT_QUEUE: str = env.str("CELERY_QUEUE", default="celery")

# Every log line carries its time in UTC (ISO 8601 with a Z), whatever TIME_ZONE says. A refusal
# (403) is one line, who and what with case references masked, without a traceback
# (sutohamu.logs.RefusalFilter); tracebacks stay for real errors (5xx).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # the worker logs through the same handler and format
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "utc": {
            "()": "sutohamu.logs.UTCFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "filters": {"refusals": {"()": "sutohamu.logs.RefusalFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "utc"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"filters": ["refusals"]},
        "django.security.csrf": {"filters": ["refusals"]},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Security (issue 14): HTTPS, response headers, two-factor sign-in. ---
# Served over HTTPS unless SECURE_COOKIES=false (the plain-http embedded demo): then also no
# redirect to https and no HSTS. Each can be set on its own; `check --deploy` has no warnings
# with the defaults.
SECURE_SSL_REDIRECT: bool = env.bool("SECURE_SSL_REDIRECT", default=SESSION_COOKIE_SECURE)
SECURE_HSTS_SECONDS: int = env.int(
    "SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if SESSION_COOKIE_SECURE else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS: bool = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD: bool = env.bool("SECURE_HSTS_PRELOAD", default=True)
# Behind a TLS-terminating reverse proxy that sets X-Forwarded-Proto (and strips it from clients).
if env.bool("TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No inline script or style anywhere (htmx's indicator style is switched off in base.html); the
# QR code of two-factor enrolment is an image data URI.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
# Sent by sutohamu.middleware.PermissionsPolicyMiddleware: no device feature is ever needed.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
# Two factors (TOTP app, or a one-time backup code) for every role that reaches case content or
# the access log (accounts/twofactor.py). Only the embedded demo may switch it off: `check
# --deploy` fails when it is off with DEBUG off (sutohamu/checks.py).
TWO_FACTOR_REQUIRED: bool = env.bool("TWO_FACTOR_REQUIRED", default=True)
OTP_TOTP_ISSUER = "SuToHaMu"

# Uploads (the signed agreement): PDF only, at most this size.
MAX_UPLOAD_BYTES: int = env.int("MAX_UPLOAD_MB", default=10) * 1_000_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Benchmark (the benchmark issue): its floor views, mounted only when measuring. ---
BENCH_VIEWS: bool = env.bool("BENCH_VIEWS", default=False)

# --- Retention and the read-log chain (issue 14, audit). ---
# How long after closure a case keeps its free text, pseudonyms, consents and notes
# (cases/retention.py).
RETENTION_MONTHS: int = env.int("RETENTION_MONTHS", default=24)

# --- Follow-up and reminders (issue 12: cases/followup.py, reminders/). ---
# The commitment planned when a case leaves assessment, in months (the owner may change it).
FOLLOWUP_COMMITMENT_MONTHS: int = env.int("FOLLOWUP_COMMITMENT_MONTHS", default=12)
# A case in follow-up closes earlier only on a working-group decision.
FOLLOWUP_MINIMUM_MONTHS: int = env.int("FOLLOWUP_MINIMUM_MONTHS", default=6)
# The default cadence: every 2 weeks for 2 months, monthly for 4 months, then quarterly.
FOLLOWUP_CADENCE: list[dict] = [
    {"every": 2, "unit": "weeks", "months": 2},
    {"every": 1, "unit": "months", "months": 4},
    {"every": 3, "unit": "months", "months": None},
]
# The daily sweep: reminders this many days before a contact is due; overdue this long also
# tells the municipality's other coordinators; escalations unacknowledged after so many working
# days; rows per batch. A consent is "expiring" within CONSENT_EXPIRING_DAYS of its end (the
# desk and the reminder sweep, cases.models.consent.ConsentQuerySet.expiring).
REMINDER_DUE_DAYS: int = 3
REMINDER_OVERDUE_ESCALATE_DAYS: int = 7
REMINDER_ESCALATION_WORKING_DAYS: int = 5
CONSENT_EXPIRING_DAYS: int = 30
REMINDER_BATCH_SIZE: int = env.int("REMINDER_BATCH_SIZE", default=500)
# An outbox e-mail whose mail server is down is tried again after base * 2^n seconds (capped),
# up to so many times; the next sweep enqueues what is still pending after that. The cap stays
# under the broker's visibility timeout, so a waiting retry is not handed to a second worker.
REMINDER_MAIL_RETRY_BASE: float = env.float("REMINDER_MAIL_RETRY_BASE", default=30.0)
REMINDER_MAIL_RETRY_MAX: float = env.float("REMINDER_MAIL_RETRY_MAX", default=1800.0)
REMINDER_MAIL_MAX_RETRIES: int = env.int("REMINDER_MAIL_MAX_RETRIES", default=12)
# A task whose worker died unacknowledged is redelivered after this long (Redis broker).
# A worker looks for such tasks every interval * throttle seconds (kombu's defaults: 10 and 10).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "unacked_restore_interval": env.int("CELERY_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_RESTORE_THROTTLE", default=10),
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Links in reminder e-mails are made absolute with this address.
SITE_URL: str = env.str("SITE_URL", default="http://127.0.0.1:8000")

# The read log's MAC key (cases/models/reads.py); empty: derived from SECRET_KEY. Changing it
# only matters for reads not yet sealed (seconds), so set it before the app starts.
READ_LOG_KEY: str = env.str("READ_LOG_KEY", default="")
# Beat's period for sealing the read log (seconds).
READ_LOG_SEAL_EVERY: float = env.float("READ_LOG_SEAL_EVERY", default=5.0)

# Celery beat (the `beat` service): the reminder sweep every morning and the digest after it;
# at night retention, then the read log's chain checked in full (its result is the checkpoint the
# officer's page continues from).
CELERY_BEAT_SCHEDULE = {
    "reminders-sweep": {"task": "reminders.tasks.sweep", "schedule": crontab(hour=6, minute=0)},
    "reminders-digest": {
        "task": "reminders.tasks.send_digests",
        "schedule": crontab(hour=6, minute=30),
    },
    "retention": {"task": "cases.tasks.apply_retention", "schedule": crontab(hour=2, minute=0)},
    "read-log-chain": {
        "task": "cases.tasks.verify_read_log",
        "schedule": crontab(hour=3, minute=0),
    },
    # The read log's seals, off the request path: a read commits, then within seconds it is
    # sealed (each committed read also enqueues this task; beat catches a lost message).
    "read-log-seal": {
        "task": "cases.tasks.seal_reads",
        "schedule": READ_LOG_SEAL_EVERY,
        "options": {"expires": READ_LOG_SEAL_EVERY},
    },
    # The status reports' archive audited again against today's data (rebuilt or withdrawn).
    "reports-audit-archive": {
        "task": "reports.audit_archive",
        "schedule": crontab(hour=4, minute=0, day_of_week="sunday"),
    },
}

# --- UI (issue 11, point 24): files served at the site's root, such as /favicon.ico. ---
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
