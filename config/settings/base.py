"""Settings shared by every environment; behaviour is switched by environment variables.

With no variables set, everything runs embedded: the PostgreSQL server of ``config/embedded.py``
and kombu's filesystem broker, both under ``var/``. Set ``DATABASE_URL`` and ``REDIS_URL`` to run
the same code on another Postgres and on Redis.
"""

from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import unquote

import django_stubs_ext
import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.embedded import postgres_database
from core.queues import Queue

django_stubs_ext.monkeypatch()  # generic admin/queryset classes at run time

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

VAR_DIR = Path(env("SMARTRIX_VAR_DIR", default=str(BASE_DIR / "var"))).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

# --- Django core -------------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    # Ours, in dependency order: a lower app never imports a higher one.
    "core",
    "households",
    "metering",
    "pricing",
    "billing",
    "grid",
    "portal",
    "simulator",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.PrivateNoStoreMiddleware",  # needs request.user
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: answers locked-out logins
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.csp",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Every page: scripts and styles from our own files only (no inline code; htmx and the vendored
# Chart.js are static files), nothing framed, forms posted only to us. A template that must
# inline a script or style gives it nonce="{{ csp_nonce }}".
SECURE_CSP: dict[str, list[str]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# The API docs page keeps one inline <style> drf-spectacular writes: the only one let through.
API_DOCS_CSP: dict[str, list[str]] = {**SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]}

# --- Database ----------------------------------------------------------------------------------
# PostgreSQL everywhere; the embedded default is the server `make run` starts under var/
# (config/embedded.py).
if env("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
    # A socket folder as the host, percent-encoded: postgres://postgres@%2Fvar%2Frun/smartrix
    DATABASES["default"]["HOST"] = unquote(str(DATABASES["default"].get("HOST", "")))
else:
    DATABASES = {"default": postgres_database(VAR_DIR)}
# A new connection per request costs ~10x in throughput (PERFORMANCE.md): keep them.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth --------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out login before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "login"
# Repeated failed logins (portal and admin) lock that username from that address for a while.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# --- Time and language -------------------------------------------------------------------------
LANGUAGE_CODE = "en"
# Storage is UTC; calendar logic (days, months, invoices) uses this zone.
TIME_ZONE = env("SMARTRIX_TIME_ZONE", default="Europe/Brussels")
USE_I18N = True
USE_TZ = True

# --- Static files ------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"

# --- REST API ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler.api_exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.DefaultPagination",
    "PAGE_SIZE": 100,
    # Rate limits per client address take it from X-Forwarded-For only behind this many proxies
    # of ours; 0 (no proxy) uses the connection's address, which a client cannot forge.
    "NUM_PROXIES": env.int("SMARTRIX_TRUSTED_PROXIES", default=0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Smartrix Grid API",
    "DESCRIPTION": (
        "Readings in, energy, prices and invoices out. The JOI-compatible endpoints sit at the "
        "root; the native API lives under /api/v1/. Errors share one shape: "
        '{"code": "...", "message": "...", "extra": {...}}.'
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Cache (rate limits) -----------------------------------------------------------------------
if env("REDIS_URL", default=""):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("REDIS_CACHE_URL", default=env("REDIS_URL")),
        }
    }
else:
    # Embedded default: files under var/, shared by the web workers.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Celery ------------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
else:
    # Embedded default: kombu's filesystem transport, no server to install.
    _broker_dir = VAR_DIR / "broker"
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "celery-results").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{VAR_DIR / 'celery-results'}"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = Queue.DEFAULT.value
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = True
# Which queue each task goes to (a task's own ``queue`` option is deprecated in Celery 5.7).
CELERY_TASK_ROUTES = {
    "metering.readings_prune": {"queue": Queue.LONG_RUNNING.value},
    "metering.*": {"queue": Queue.DEFAULT.value},
    "households.*": {"queue": Queue.NOTIFICATIONS.value},
    "billing.*": {"queue": Queue.BILLING.value},
    "grid.*": {"queue": Queue.DEFAULT.value},
    "demo.*": {"queue": Queue.LONG_RUNNING.value},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Every periodic job is listed here, crontab only (HOUSE_STYLE.md).
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "slots-rollup": {"task": "metering.slots_rollup", "schedule": crontab(minute="*")},
    "autarky-states": {
        "task": "metering.autarky_states_evaluate",
        "schedule": crontab(minute="*/15"),
    },
    # E-mails of notifications that the mail server refused for longer than their retries.
    "notifications-email-pending": {
        "task": "households.notifications_email_pending",
        "schedule": crontab(minute="*/5"),
    },
    # The cars' and batteries' plan; plug-ins and changed departures ask for one at once.
    "charging-plan": {"task": "grid.charging_plan_run", "schedule": crontab(minute="*/15")},
    "readings-prune": {"task": "metering.readings_prune", "schedule": crontab(hour=3, minute=30)},
    # Last month's invoices, once its slots are final (blocks close after 48 hours).
    "billing-run": {
        "task": "billing.billing_run",
        "schedule": crontab(day_of_month="3", hour=4, minute=0),
    },
}

# --- Smartrix ----------------------------------------------------------------------------------
# The JOI-compatible endpoints are open in the demo, like the reference; production closes them.
JOI_OPEN = env.bool("JOI_OPEN", default=False)
# Whether seed_demo may create the demo users (never in production).
DEMO_USERS_ALLOWED = env.bool("SMARTRIX_DEMO_USERS_ALLOWED", default=False)
# Chains settling the demo's history side by side, on households apart: one per process of the
# long-running queue's worker (the Procfile starts it with as many).
DEMO_SETTLE_LANES = env.int("SMARTRIX_DEMO_SETTLE_LANES", default=2)
if DEMO_SETTLE_LANES < 1:
    raise ImproperlyConfigured(f"SMARTRIX_DEMO_SETTLE_LANES is {DEMO_SETTLE_LANES}: at least 1.")

# Every line goes through one handler that redacts keys (a key a client put in a URL is in the
# request line Django's request and server loggers write).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "core.redaction.RedactSecretsFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secrets"],
        }
    },
    "loggers": {"django.server": {"handlers": ["console"], "level": "INFO", "propagate": False}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# Readings: the largest |power| a sample may report, and the most samples in one batch.
METERING_MAX_ABS_POWER_KW = env.float("METERING_MAX_ABS_POWER_KW", default=1000.0)
METERING_MAX_BATCH = env.int("METERING_MAX_BATCH", default=100_000)
# Readings before this instant are refused like future ones (the JOI sample data starts in 2001).
METERING_EARLIEST_READING = datetime.fromisoformat(
    env("METERING_EARLIEST_READING", default="2000-01-01T00:00:00+00:00")
)
# The largest request body the device API reads (100,000 JSON samples take about 6 MB).
METERING_MAX_BODY_BYTES = env.int("METERING_MAX_BODY_BYTES", default=16 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = METERING_MAX_BODY_BYTES
# Requests per device token (DRF rate syntax); a meter posting every 10 s needs 6/min.
METERING_TOKEN_RATE = env("METERING_TOKEN_RATE", default="120/min")
# The heavy reads (JOI readings, compare-all, recommend: a year of readings is ~1 MB and ~0.5 s),
# per token, or per client address when the open demo takes them without one.
METERING_READ_RATE = env("METERING_READ_RATE", default="30/min")
# Refused keys (unknown, revoked, malformed) per client address; past it, 429 for any key.
METERING_REFUSED_TOKEN_RATE = env("METERING_REFUSED_TOKEN_RATE", default="20/hour")
# The partner API (grid/api/partners): requests per partner token (or staff session), and the
# largest body it reads (an asset is a few hundred bytes).
PARTNER_API_RATE = env("PARTNER_API_RATE", default="300/min")
PARTNER_MAX_BODY_BYTES = env.int("PARTNER_MAX_BODY_BYTES", default=64 * 1024)
WHITENOISE_USE_FINDERS = DEBUG  # the demo serves static files without collectstatic

# Slots: blocks older than this are final (CLOSED); raw readings older than the retention are
# deleted (slots are kept forever).
SLOTS_CLOSE_AFTER_HOURS = env.int("SLOTS_CLOSE_AFTER_HOURS", default=48)
READINGS_RETENTION_DAYS = env.int("READINGS_RETENTION_DAYS", default=90)
SLOTS_ROLLUP_CHUNK_BLOCKS = env.int("SLOTS_ROLLUP_CHUNK_BLOCKS", default=500)
# Blocks per rollup transaction: at most CHUNK_BLOCKS, and as many as the last chunk's pace fits in
# CHUNK_SECONDS, so no transaction holds its locks long enough to stall the live tick.
SLOTS_ROLLUP_CHUNK_SECONDS = env.float("SLOTS_ROLLUP_CHUNK_SECONDS", default=5.0)
# The minute's rollup (live blocks first) takes no new chunk after this and leaves households
# other rollups hold to them: ticks do not pile up behind a backlog, which they work off a part
# a minute.
SLOTS_TICK_SECONDS = env.float("SLOTS_TICK_SECONDS", default=45.0)
# Autarky state: a household or community becomes autarkic at >= ENTER over the trailing
# window and stops being so at <= LEAVE (hysteresis: no flapping in between).
AUTARKY_WINDOW_DAYS = env.int("AUTARKY_WINDOW_DAYS", default=7)
AUTARKY_ENTER = env.float("AUTARKY_ENTER", default=0.95)
AUTARKY_LEAVE = env.float("AUTARKY_LEAVE", default=0.85)
# A meter whose last reading is older than this says nothing about now: it is an alert.
METERING_SILENT_AFTER_MINUTES = env.int("METERING_SILENT_AFTER_MINUTES", default=15)
# How often the portal's live figures refresh (htmx polling).
PORTAL_LIVE_REFRESH_SECONDS = env.int("PORTAL_LIVE_REFRESH_SECONDS", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Smartrix Grid <noreply@smartrix.example>")
# Device messages: the broker the simulator and `manage.py ingest_broker` use (the Celery broker
# unless told otherwise; RabbitMQ or Redis through kombu), and the MQTT broker of
# `manage.py ingest_mqtt`.
METERING_BROKER_URL = env("METERING_BROKER_URL", default=CELERY_BROKER_URL)
METERING_BROKER_EXCHANGE = env("METERING_BROKER_EXCHANGE", default="smartrix.readings")
METERING_BROKER_QUEUE = env("METERING_BROKER_QUEUE", default="smartrix.readings")
# Redis only: seconds after which a message taken by a worker that died is delivered again.
METERING_BROKER_VISIBILITY_TIMEOUT = env.int("METERING_BROKER_VISIBILITY_TIMEOUT", default=120)
METERING_MQTT_HOST = env("METERING_MQTT_HOST", default="127.0.0.1")
METERING_MQTT_PORT = env.int("METERING_MQTT_PORT", default=1883)
METERING_MQTT_TOPIC_PREFIX = env("METERING_MQTT_TOPIC_PREFIX", default="smartrix/meters")
# Each plan's setpoints, retained on <prefix>/<meter id>/setpoints of the same MQTT broker (off
# where no broker runs: devices then read GET /api/v1/devices/<meter id>/setpoints).
GRID_SETPOINTS_MQTT = env.bool("GRID_SETPOINTS_MQTT", default=True)
GRID_SETPOINTS_TOPIC_PREFIX = env("GRID_SETPOINTS_TOPIC_PREFIX", default="smartrix/devices")
