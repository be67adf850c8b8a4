"""Settings for SECPA Portal, read from the environment through one ``environ.Env()``."""

import sys
from pathlib import Path

import environ

from secpa_portal.core.mail_config import mailers_from_url
from secpa_portal.core.storage_config import default_storage

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
TESTING = env.bool("TESTING", default="pytest" in sys.modules)

if DEBUG or TESTING:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-dev-key-only-for-local-use-0123456789abcdef")
else:
    SECRET_KEY = env.str("SECRET_KEY")  # a missing secret stops start-up in production

# The journal's rows are HMAC-keyed with this secret (secpa_portal/journal/chain.py). Set it apart from
# SECRET_KEY in production, so that rotating SECRET_KEY does not break the journal's verification.
JOURNAL_HMAC_KEY = env.str("JOURNAL_HMAC_KEY", default=SECRET_KEY)
# Optional second copy of the journal's signed checkpoints, on storage the database role cannot reach.
JOURNAL_CHECKPOINT_FILE = env.str("JOURNAL_CHECKPOINT_FILE", default="")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG or TESTING else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# The grantor named in the open data of approved dotations (SCDL « subventions »): set it to the paying body's
# SIRET in production; the default only has the right form (the CNAM's SIREN and a placeholder NIC).
OPEN_DATA_GRANTOR_NAME = env.str("OPEN_DATA_GRANTOR_NAME", default="Caisse nationale de l'assurance maladie")
OPEN_DATA_GRANTOR_SIRET = env.str("OPEN_DATA_GRANTOR_SIRET", default="18003502400009")
# Days during which the managers of a withdrawn file may reopen it as a draft (structures.perms).
WITHDRAWN_REOPEN_DAYS = env.int("WITHDRAWN_REOPEN_DAYS", default=90)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "dsfr",
    "crispy_forms",
    "django_filters",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks_db",
    "secpa_portal.core",
    "secpa_portal.accounts",
    "secpa_portal.reference",
    "secpa_portal.journal",
    "secpa_portal.messaging",
    "structures",
    "conventions",
    "dotations",
    "projections",
    "secpa_portal.site",
]

MIDDLEWARE = [
    "secpa_portal.core.request_log.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "secpa_portal.accounts.twofactor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "secpa_portal.core.middleware.RequestSizeLimitMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "secpa_portal.urls"
WSGI_APPLICATION = "secpa_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "secpa_portal.core.context_processors.portal",
                "secpa_portal.messaging.context_processors.unread",
            ],
        },
    },
    {
        # The rows of the longest lists only, through the ``{% rows %}`` tag (core/jinja.py).
        "NAME": "rows",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "secpa_portal.core.jinja.environment"},
    },
]
# django-dsfr renders each form with a fresh engine otherwise (design.md §10); selects are written in Python.
FORM_RENDERER = "secpa_portal.core.form_renderer.Renderer"

CRISPY_ALLOWED_TEMPLATE_PACKS = ["crispy_dsfr"]
CRISPY_TEMPLATE_PACK = "crispy_dsfr"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    # JIT compilation cost 1.5 to 3 s per export at volume for no gain on these OLTP queries (docs/benchmarks.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections: a new PostgreSQL connection per request dominated the list pages' time at volume.
# Tests keep one connection per request so that threaded tests leave none open behind them.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if TESTING else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# « default » stays per process; « aggregates » (the dashboards' counts and totals, core/aggregates.py) is a table
# of the database, shared by every gunicorn worker and invalidated in the writing transaction (docs/decisions.md).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "aggregates": {
        "BACKEND": "secpa_portal.core.cache.AggregateCache",
        "LOCATION": "core_aggregate_cache",
    },
}
# The reference tables (35,000 communes) are not serialized for the tests that roll back by reloading a
# serialized copy row by row: tests/conftest.py reloads them with the migrations' own fast loaders.
TEST_NON_SERIALIZED_APPS = ["secpa_portal.reference"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "core:home"

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG and not TESTING)
SESSION_COOKIE_HTTPONLY = True
# Secure unless turned off explicitly (e.g. SECURE_SSL_REDIRECT=false behind a proxy that redirects itself).
PRODUCTION = not DEBUG and not TESTING
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_PROXY", default=False) else None
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "secpa_portal.core.error_views.csrf_failure"

from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# django-axes: lock an account for an hour after 5 failed attempts.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "secpa_portal.accounts.lockout.lockout_username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
# Two-factor authentication (accounts/twofactor.py): required of ARS and CNAM agents and administrators.
REQUIRE_2FA_FOR_STAFF = env.bool("REQUIRE_2FA_FOR_STAFF", default=not DEBUG and not TESTING)
OTP_TOTP_ISSUER = "SECPA"
# « Mot de passe oublié »: mails sent per address and per client address within an hour (accounts/throttle.py).
PASSWORD_RESET_MAX_PER_ADDRESS = env.int("PASSWORD_RESET_MAX_PER_ADDRESS", default=3)
PASSWORD_RESET_MAX_PER_CLIENT = env.int("PASSWORD_RESET_MAX_PER_CLIENT", default=20)
# Locking by account, not by address, is deliberate: ARS and CNAM agents sit behind shared
# ministry proxies, so an address-based lock would shut out a whole agency (docs/decisions.md).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
if not SECURE_HSTS_PRELOAD:
    # Preloading is decided for a whole registrable domain (gouv.fr's owner), not by one service on a subdomain.
    SILENCED_SYSTEM_CHECKS.append("security.W021")

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
STORAGES = {
    "default": default_storage(env, MEDIA_ROOT),
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 11 * 1024 * 1024
# A request body declared larger is refused (French 413) before it is read (core/middleware.py).
MAX_REQUEST_BODY_SIZE = env.int("MAX_REQUEST_BODY_SIZE", default=11 * 1024 * 1024)

DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="SECPA <ne-pas-repondre@secpa.example>")
# One URL configures the mail server: smtp://user:pass@host:port, smtp+tls://… (STARTTLS), smtp+ssl://….
EMAIL_URL = env.str("EMAIL_URL", default="consolemail://" if DEBUG or TESTING else "smtp://localhost:25")
MAILERS = mailers_from_url(EMAIL_URL)

TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django.tasks.backends.immediate.ImmediateBackend"),
    }
}

# JSON lines with the request id in production (LOG_FORMAT=text for humans); the id is echoed in X-Request-ID.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "secpa_portal.core.request_log.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "secpa_portal.core.request_log.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": env.str("LOG_FORMAT", default="text" if DEBUG or TESTING else "json"),
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# In development and tests whitenoise serves straight from the finders; production runs collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
# Pages only ever link the manifest's hashed names: keeping (and compressing) only those halves collectstatic.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
