"""Settings read from environment variables.

Defaults suit one laptop in a classroom: a SQLite file next to the code, no HTTPS.
A school's deployment sets DEBUG=false, SECRET_KEY, ALLOWED_HOSTS, HTTPS=true and
DATABASE_URL (PostgreSQL); README.md lists every variable.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import dj_email_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    """Accept the spellings people type in shells and .env files, and refuse the rest.

    A typo such as DEBUG=flase must not silently turn debugging on or off.
    """
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use true or false.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# The fallback key carries Django's "django-insecure-" prefix, so `check --deploy`
# flags any deployment that forgot to set SECRET_KEY.
SECRET_KEY = env_str("SECRET_KEY", "") or "django-insecure-laptop-only-key-do-not-deploy"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # First, so that its registration/ templates (password reset and change, in the site's
    # layout) are found before the admin's own of the same names.
    "edu_site",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "axes",
    "nested_admin",
    "csp",
    "drf_spectacular_sidecar",
    "cases",
    "quizzes",
    "edu_site.classes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "edu_site.urls"
WSGI_APPLICATION = "edu_site.wsgi.application"
ASGI_APPLICATION = "edu_site.asgi.application"

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
            ],
        },
    },
]


def database_from_env() -> dj_database_url.DBConfig:
    """SQLite unless DATABASE_URL names another server.

    A classroom shares one laptop server, so SQLite runs in WAL mode (readers never
    wait for a writer), takes its write lock when a transaction begins (IMMEDIATE, so
    two writers queue instead of failing half-way) and waits up to 20 s for it. Each
    server process keeps its connection open across requests: a new connection reads the
    whole schema on its first query, which cost more than the rest of a quiz answer.
    """
    url = env_str("DATABASE_URL", "")
    if url and env_int("DATABASE_POOL_SIZE", 0):
        # psycopg's connection pool, one per process: connections are opened once and
        # lent to each request (Django requires CONN_MAX_AGE=0 with a pool).
        config = dj_database_url.parse(url, conn_max_age=0)
        config["OPTIONS"] = {
            "pool": {"min_size": 1, "max_size": env_int("DATABASE_POOL_SIZE", 0), "timeout": 10}
        }
        return config
    if url:
        return dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
        "CONN_MAX_AGE": 600,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# With REDIS_URL, Redis is the cache every app server shares: the login lock-outs and the
# sign-up and reset throttles count across servers, and sessions are read from it first
# (cached_db: written through to the database, so a Redis restart logs nobody out).
# Without it each process has its own memory cache, which suits one server.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_USER_MODEL = "edu_site.User"
AUTHENTICATION_BACKENDS = [
    # django-axes refuses a locked-out username and address before any password is hashed.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Argon2id first (edu_site/hashers.py says why); the PBKDF2 hashers stay so that passwords
# stored by earlier releases still verify, and each is rehashed with Argon2id at its next login.
PASSWORD_HASHERS = [
    "edu_site.hashers.ClassroomArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"


def media_storage_from_env() -> dict[str, object]:
    """Uploaded files on local disk, or in an S3-compatible bucket when one is named.

    AWS_STORAGE_BUCKET_NAME (or S3_BUCKET) switches to django-storages; S3_ENDPOINT_URL
    names a non-AWS store (MinIO, Ceph, Garage); credentials come from the usual
    AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, which boto3 reads itself.
    """
    bucket = env_str("AWS_STORAGE_BUCKET_NAME", "") or env_str("S3_BUCKET", "")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options: dict[str, object] = {
        "bucket_name": bucket,
        "file_overwrite": False,
        "querystring_auth": env_bool("S3_SIGNED_URLS", True),
    }
    endpoint = env_str("S3_ENDPOINT_URL", "") or env_str("AWS_S3_ENDPOINT_URL", "")
    if endpoint:
        options["endpoint_url"] = endpoint
    region = env_str("AWS_S3_REGION_NAME", "") or env_str("S3_REGION", "")
    if region:
        options["region_name"] = region
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES = {
    "default": media_storage_from_env(),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MAX_IMAGE_BYTES = env_int("MAX_IMAGE_BYTES", 5_000_000)
# A case is edited on one admin page (every result, question and option, the findings and
# the model plan's rows): the shipped case alone posts some 1,800 fields, above Django's
# default of 1,000. The limit still bounds what one request may send.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Django itself serves uploaded images on a laptop or in classroom mode; behind nginx the
# proxy serves MEDIA_ROOT (SERVE_MEDIA=false), or an S3-compatible store does (above).
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)


# Behind HTTPS (HTTPS=true) every cookie is secure and browsers are told to stay on HTTPS.
# A laptop serving plain HTTP in a classroom would lose its sessions with secure cookies.
HTTPS = env_bool("HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
# Behind a proxy (BEHIND_PROXY=true) the proxy's X-Forwarded-Proto says whether the browser
# used HTTPS, and its X-Real-IP names the browser's address for the login and sign-up
# throttles; without a proxy those headers come from the browser and are ignored.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Classroom mode (`make classroom`, CLASSROOM=true) serves a room's network over plain HTTP
# from a laptop: there is no certificate to redirect to, so the four HTTPS checks of
# `check --deploy` are silenced for it, and only for it, while every other check applies.
CLASSROOM = env_bool("CLASSROOM", False)
if CLASSROOM and not HTTPS:
    SILENCED_SYSTEM_CHECKS = ["security.W004", "security.W008", "security.W012", "security.W016"]
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# A Content-Security-Policy that allows only this site's own files: no inline script or
# style (every script and stylesheet is a static file), no framing by another site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Login throttling (django-axes): AXES_FAILURE_LIMIT wrong passwords for one username from
# one address lock that pair out for AXES_COOLOFF_MINUTES; a right password resets the
# count. Locking the pair, not the address, keeps a classroom behind one school address
# working while one learner mistypes. Staff unlock under "Axes" in admin, or with
# `manage.py axes_reset_username NAME`.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "edu_site.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "edu_site.throttle.client_address"
AXES_DISABLE_ACCESS_LOG = True
if REDIS_URL:
    # Lock-outs then live in Redis, shared by every server; unlock with
    # `manage.py axes_reset_username NAME` (the admin lists the database store only).
    AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
# Sign-up and password-reset requests allowed per address and hour (edu_site/throttle.py);
# a class signing up together from one school address stays well under the first.
SIGNUP_LIMIT_PER_HOUR = env_int("SIGNUP_LIMIT_PER_HOUR", 60)
PASSWORD_RESET_LIMIT_PER_HOUR = env_int("PASSWORD_RESET_LIMIT_PER_HOUR", 10)


def email_from_env() -> dict[str, object]:
    """EMAIL_URL (smtp://user:password@host:587/?tls=True), else EMAIL_HOST and friends.

    With neither, mail goes to the console: under `make run` a password-reset link is
    printed in the terminal instead of failing to reach an SMTP server that is not there.
    """
    url = env_str("EMAIL_URL", "")
    if url:
        parsed = dj_email_url.parse(url)
        return {key: value for key, value in parsed.items() if value not in (None, "")}
    if not env_str("EMAIL_HOST", ""):
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": env_str("EMAIL_HOST", ""),
        "EMAIL_PORT": env_int("EMAIL_PORT", 587),
        "EMAIL_HOST_USER": env_str("EMAIL_HOST_USER", ""),
        "EMAIL_HOST_PASSWORD": env_str("EMAIL_HOST_PASSWORD", ""),
        "EMAIL_USE_TLS": env_bool("EMAIL_USE_TLS", True),
        "EMAIL_USE_SSL": env_bool("EMAIL_USE_SSL", False),
    }


_EMAIL = email_from_env()
EMAIL_BACKEND = _EMAIL["EMAIL_BACKEND"]
EMAIL_HOST = _EMAIL.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _EMAIL.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _EMAIL.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _EMAIL.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _EMAIL.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _EMAIL.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "OP Virtual Patients <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

REST_FRAMEWORK = {
    # Token first: an unauthenticated request gets 401 with "WWW-Authenticate: Token".
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["edu_site.parsers.LimitedJSONParser"],
    "EXCEPTION_HANDLER": "edu_site.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Organizing pneumonia virtual patients API",
    "DESCRIPTION": "Cases, attempts and quizzes. Every endpoint calls the same services "
    "as the pages; docs/api.md describes the refusals and a whole play with curl.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PATH_CONVERTER_OVERRIDE": {
        "id": {"type": "integer", "minimum": 0, "maximum": 2**63 - 1},
    },
}

DEMO_PASSWORD = env_str("DEMO_PASSWORD", "op-demo-2026")

# Item analysis flags items and reports Cronbach's alpha and the standard error only from
# this many closed attempts; with fewer, the figures are too unstable to act on.
QUIZ_STATISTICS_MIN_ATTEMPTS = env_int("QUIZ_STATISTICS_MIN_ATTEMPTS", 20)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
