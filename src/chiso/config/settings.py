"""Django settings for the three profiles of DESIGN.md section 8.

``CHISO_ENV`` picks the profile:
- ``local`` (default): ``make run`` on a laptop; DEBUG off, static files served by whitenoise,
  plain-http cookies, SECRET_KEY generated once into ``var/``.
- ``test``: like local, with fast password hashing.
- ``production``: requires SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; Secure cookies and HSTS.

Data lives under ``$CHISO_HOME`` (default ``./var`` of the working directory).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
ENV = os.environ.get("CHISO_ENV", "local")
if ENV not in {"local", "test", "production"}:
    raise ImproperlyConfigured(f"CHISO_ENV must be local, test or production, not {ENV!r}")
PRODUCTION = ENV == "production"

HOME = Path(os.environ.get("CHISO_HOME") or Path.cwd() / "var").resolve()


def _require(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in the production profile")
    return value


def _local_secret_key() -> str:
    """Read the local secret key, creating it (mode 0600) on first use."""
    path = HOME / "secret_key"
    if not path.exists():
        HOME.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


if PRODUCTION:
    SECRET_KEY = _require("SECRET_KEY")
    ALLOWED_HOSTS = [h.strip() for h in _require("ALLOWED_HOSTS").split(",") if h.strip()]
    DATABASES = {"default": dj_database_url.parse(_require("DATABASE_URL"), conn_max_age=60)}
else:
    SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
    if os.environ.get("DATABASE_URL"):
        DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
    else:
        HOME.mkdir(parents=True, exist_ok=True)
        DATABASES = {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": HOME / "chiso.sqlite3",
                "OPTIONS": {
                    "transaction_mode": "IMMEDIATE",
                    "timeout": 20,
                    # A 64 MB page cache (the default is 2 MB) keeps the value table's
                    # indexes in memory while an import writes into all of them.
                    "init_command": (
                        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                        " PRAGMA cache_size=-65536;"
                    ),
                },
            }
        }

DEBUG = os.environ.get("CHISO_DEBUG") == "1" and not PRODUCTION

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "chiso.common",
    "chiso.orgunits",
    "chiso.accounts",
    "chiso.indicators",
    "chiso.approvals",
    "chiso.datavalues",
    "chiso.exchange",
    "chiso.analytics",
    "chiso.registers",
    "chiso.validation",
    "chiso.checker",
    "chiso.reports",
    "chiso.web",
    "chiso.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "chiso.common.middleware.SecurityHeadersMiddleware",
    "chiso.common.middleware.DatabaseFaultMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "chiso.config.urls"
WSGI_APPLICATION = "chiso.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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
if ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

# Login throttling (django-axes): lock a username+address pair after 5 failures for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/lockout.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("Tiếng Anh"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "/static/"
if PRODUCTION:
    STATIC_ROOT = HOME / "static"
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
else:
    # Local profile: whitenoise serves straight from the apps' static folders, no collectstatic.
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = False
MEDIA_ROOT = HOME / "media"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = os.environ.get("CHISO_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = [
        o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
    ]

# Content-Security-Policy sent by chiso.common.middleware: everything from this origin only.
CHISO_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "
    "form-action 'self'"
)

# Decree 09/2019 reporting windows: the day data closes each month.
CHISO_REPORTING_CUTOFF_DAY = int(os.environ.get("CHISO_REPORTING_CUTOFF_DAY", "14"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {"chiso": {"handlers": ["stderr"], "level": "INFO", "propagate": False}},
}
