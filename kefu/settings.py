"""The one settings module. Everything that differs between machines comes from the env."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.csp import CSP

from kefu.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("KEFU_VAR_DIR", str(BASE_DIR / "var")))
TESTING = "pytest" in sys.modules or env_bool("KEFU_TESTING")

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY", "kefu-insecure-development-key-change-me-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks_db",
    "ninja",
    "kefu.core",
    "kefu.customers",
    "kefu.members",
    "kefu.notifications",
    "kefu.surveys",
    "kefu.revisits",
    "kefu.knowledge",
    "kefu.sla",
    "kefu.tickets",
    "kefu.reports",
]

MIDDLEWARE = [
    "kefu.core.servertiming.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "kefu.core.metrics.MetricsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kefu.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "kefu.core.security.SecurityHeadersMiddleware",
    "kefu.core.middleware.RequestContextMiddleware",
    "kefu.core.badinput.BadInputMiddleware",
]

ROOT_URLCONF = "kefu.urls"
WSGI_APPLICATION = "kefu.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kefu" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kefu.core.context_processors.shell",
            ],
        },
    },
]

# --- database ---------------------------------------------------------------
SQLITE_DEFAULT = f"sqlite:///{VAR_DIR / 'kefu.sqlite3'}"
DATABASES: dict[str, dict[str, Any]] = {
    "default": dict(
        dj_database_url.parse(
            env_str("DATABASE_URL", SQLITE_DEFAULT), conn_max_age=env_int("DB_CONN_MAX_AGE", 60)
        )
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
            " PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    if not TESTING:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache ------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]] = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "kefu"),
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kefu"}
    )
}

# --- background tasks ---------------------------------------------------------
TASKS: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
}
if TESTING and not env_bool("KEFU_TEST_DB_TASKS"):
    # Tests run queued work at once; the worker's own tests switch back to the database.
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# --- i18n -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "kefu" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["kefu.formats"]

# --- static / media ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "kefu" / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "kefu.core.staticstorage.StaticStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- security ---------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (Django's ContentSecurityPolicyMiddleware). No inline scripts or
# event handlers anywhere: every script is a static file. Inline style= attributes remain,
# hence 'unsafe-inline' for styles only.
SECURE_CSP: dict[str, list[str]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
KEFU_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=()"
# Login throttling (kefu.core.services.login_guard).
KEFU_LOGIN_MAX_FAILURES = env_int("KEFU_LOGIN_MAX_FAILURES", 5)
KEFU_LOGIN_IP_MAX_FAILURES = env_int("KEFU_LOGIN_IP_MAX_FAILURES", 20)
KEFU_LOGIN_WINDOW_SECONDS = env_int("KEFU_LOGIN_WINDOW_SECONDS", 900)
KEFU_LOGIN_LOCKOUT_SECONDS = env_int("KEFU_LOGIN_LOCKOUT_SECONDS", 900)
if env_bool("HTTPS"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
KEFU_MAX_UPLOAD_BYTES = env_int("KEFU_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
KEFU_MAIL_MAX_BYTES = env_int("KEFU_MAIL_MAX_BYTES", 2 * KEFU_MAX_UPLOAD_BYTES)

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- logging ----------------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "kefu.core.logging.JsonFormatter"},
    },
    "filters": {"scrub_pii": {"()": "kefu.core.logging.ScrubPersonalDataFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if env_str("LOG_FORMAT", "text") == "json" else "plain",
            "filters": ["scrub_pii"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- ninja ------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 25
NINJA_PAGINATION_MAX_LIMIT = 200

# --- mail -------------------------------------------------------------------
MAILERS: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"),
        "OPTIONS": {
            "host": env_str("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 25),
            "username": env_str("EMAIL_HOST_USER", ""),
            "password": env_str("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS"),
            "use_ssl": env_bool("EMAIL_USE_SSL"),
            "timeout": env_int("EMAIL_TIMEOUT", 30),
        },
    }
}
KEFU_MAIL_FROM = env_str("KEFU_MAIL_FROM", "kefu@localhost")
KEFU_MAIL_DEFAULT_UNIT = env_str("KEFU_MAIL_DEFAULT_UNIT", "")  # unit code; default: top unit
KEFU_IMPORT_MAX_BYTES = env_int("KEFU_IMPORT_MAX_BYTES", 200 * 1024 * 1024)
KEFU_IMPORT_MAX_ROWS = env_int("KEFU_IMPORT_MAX_ROWS", 2_000_000)
KEFU_PUBLIC_BASE_URL = env_str("KEFU_PUBLIC_BASE_URL", "")  # site address for links sent out
KEFU_NOTIFY_QUIET_HOURS = env_str("KEFU_NOTIFY_QUIET_HOURS", "")  # e.g. 21:00-08:00: SMS held
KEFU_MAIL_MAX_ATTEMPTS = env_int("KEFU_MAIL_MAX_ATTEMPTS", 8)

# --- kefu -------------------------------------------------------------------
KEFU_DEFAULT_TIMEZONE = "Asia/Shanghai"
KEFU_API_TOKEN_PREFIX = "kefu_"
KEFU_CALENDAR_CACHE_SECONDS = env_int("KEFU_CALENDAR_CACHE_SECONDS", 2)
KEFU_SCHEDULER_ENABLED = env_bool("KEFU_SCHEDULER_ENABLED", default=True)
KEFU_TASK_RESULT_DAYS = env_int("KEFU_TASK_RESULT_DAYS", 14)
KEFU_SCHEDULE_SLOT_DAYS = env_int("KEFU_SCHEDULE_SLOT_DAYS", 7)
KEFU_IDEMPOTENCY_KEY_DAYS = env_int("KEFU_IDEMPOTENCY_KEY_DAYS", 30)  # Idempotency-Key rows
KEFU_WORKER_HEARTBEAT_SECONDS = env_int("KEFU_WORKER_HEARTBEAT_SECONDS", 10)
KEFU_TASK_LEASE_SECONDS = env_int("KEFU_TASK_LEASE_SECONDS", 0)  # 0: 6 heartbeats, at least 60 s
KEFU_SERVER_TIMING = env_bool("KEFU_SERVER_TIMING", default=True)  # Server-Timing header

# Covering indexes (INCLUDE columns) serve index-only counts on PostgreSQL; SQLite builds the
# same indexes without the extra columns, which is what this warning says.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
