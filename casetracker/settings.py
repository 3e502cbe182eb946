"""Settings for casetracker, read from the environment.

Development is opt-in: set ``CASETRACKER_ENV=development`` (``make run`` and ``make test``
do) to get DEBUG, a throwaway secret key and the SQLite database under ``var/``.
Anything else is production, where ``SECRET_KEY`` and ``ALLOWED_HOSTS`` are required.
"""

import datetime
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from casetracker.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

ENVIRONMENT = env_str("CASETRACKER_ENV", "production")
if ENVIRONMENT not in {"development", "test", "production"}:
    raise ImproperlyConfigured(
        f"CASETRACKER_ENV={ENVIRONMENT!r}: use development, test or production."
    )
DEVELOPMENT = ENVIRONMENT in {"development", "test"}

DEBUG = env_bool("DEBUG", default=ENVIRONMENT == "development")
if DEBUG and not DEVELOPMENT:
    raise ImproperlyConfigured("DEBUG must never be on in production (CASETRACKER_ENV=production).")

if DEVELOPMENT:
    SECRET_KEY = env_str("SECRET_KEY", "development-only-insecure-key-do-not-deploy")
else:
    SECRET_KEY = env_str("SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEVELOPMENT else []
)
if not DEVELOPMENT and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required in production (comma-separated).")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "casetracker.cases.sites.AdminConfig",  # django.contrib.admin, on casetracker's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "nested_admin",
    "django_tasks",
    "django_tasks_db",
    "casetracker.cases",
    "casetracker.intake",
    "casetracker.names",
    "casetracker.api",
    "casetracker.changes",
    "casetracker.public",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "casetracker.security.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "casetracker.throttling.SiteRateLimitMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "casetracker.urls"
WSGI_APPLICATION = "casetracker.wsgi.application"

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
            ],
        },
    },
]

# The embedded default is SQLite under var/; DATABASE_URL points at PostgreSQL in production.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'casetracker.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": env_str("SQLITE_TEST_NAME", "") or None}
# The fuzzy tier of the name search finds names whose pg_trgm word similarity reaches this
# (the extension's default, 0.6, misses a changed vowel in a short name).
NAME_SEARCH_WORD_SIMILARITY = 0.3
# PostgreSQL's JIT compiler starts on any query its planner costs high, such as a ranked
# name search over 100,000 people: compiling took 200 ms of a 270 ms search that runs in
# 65 ms without it. Short queries (every request here) never repay it; DATABASE_JIT=1
# turns it back on.
DATABASE_JIT = env_bool("DATABASE_JIT", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c pg_trgm.word_similarity_threshold={NAME_SEARCH_WORD_SIMILARITY}"
        f" -c jit={'on' if DATABASE_JIT else 'off'}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out username/IP before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "casetracker" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where `collectstatic` (make deploy) puts the static files WhiteNoise serves.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEVELOPMENT
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Brute-force protection (django-axes): lock a username+IP pair out after repeated failures.
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Reverse proxies in front of the app: the client's address is the last one the outermost
# proxy appended to X-Forwarded-For. The lockout, the API and the site read it alike.
PROXY_COUNT = env_int("PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "casetracker.throttling.client_ip"

# Content-Security-Policy: no inline scripts, nothing loaded from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # The Django admin sets a few inline style attributes; scripts stay strict.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 8)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEVELOPMENT
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEVELOPMENT)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEVELOPMENT else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEVELOPMENT)
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# A shared cache, so API throttle counters hold across worker processes and the figures
# cached until a record changes (casetracker/cases/versions.py) are computed once for all of
# them: set REDIS_URL in production (e.g. redis://127.0.0.1:6379/0); without it each process
# counts and caches on its own. Clear it when a release changes what a cached figure holds.
REDIS_URL = env_str("REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# The task queue (django-tasks with its database backend): long work runs in a worker process
# (`manage.py db_worker`, started by `make run`), not in web requests. The queue lives in the
# app's own database, so the embedded default needs nothing more. The tests run each task at
# once, in the request that enqueues it (TASKS_BACKEND=immediate); tests/test_worker.py runs
# the real worker.
TASKS_BACKEND = env_str("TASKS_BACKEND", "immediate" if ENVIRONMENT == "test" else "database")
TASK_BACKENDS = {"database": "django_tasks_db.DatabaseBackend",
                 "immediate": "django_tasks.backends.immediate.ImmediateBackend"}
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND={TASKS_BACKEND!r}: use database or immediate.")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND]}}

# The API (casetracker.api). Reads are anonymous and throttled per IP address, token
# requests per partner account; rates are "<number>/<second|minute|hour|day>".
API_THROTTLE_ANON = env_str("API_THROTTLE_ANON", "120/min")
API_THROTTLE_TOKEN = env_str("API_THROTTLE_TOKEN", "1200/min")
# The public site, per address (casetracker/throttling.py): pages, and the CSV and feed.
SITE_THROTTLE = env_str("SITE_THROTTLE", "240/min")
SITE_THROTTLE_EXPORT = env_str("SITE_THROTTLE_EXPORT", "30/min")
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["casetracker.api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["casetracker.api.permissions.ReadOrTokenWrite"],
    "DEFAULT_RENDERER_CLASSES": [
        "casetracker.api.renderers.OrjsonRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["casetracker.api.parsers.OrjsonParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "casetracker.api.negotiation.ContentNegotiation",
    "DEFAULT_PAGINATION_CLASS": "casetracker.api.pagination.KeysetPagination",
    "DEFAULT_THROTTLE_CLASSES": [
        "casetracker.api.throttling.AnonymousThrottle",
        "casetracker.api.throttling.TokenThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": API_THROTTLE_ANON, "token": API_THROTTLE_TOKEN,
                               "site": SITE_THROTTLE, "site_export": SITE_THROTTLE_EXPORT},
    # Addresses are read by casetracker.throttling.client_ip (PROXY_COUNT above).
    "NUM_PROXIES": PROXY_COUNT,
    "EXCEPTION_HANDLER": "casetracker.api.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "casetracker API",
    "DESCRIPTION": (
        "Documented cases of political persecution in Central Asia: people, the events, "
        "trials and detentions they suffered, and the sources that report them.\n\n"
        "Reading is public. Lists are paginated (follow `next`) or, with `?format=csv`, "
        "exported whole as CSV. Responses carry `ETag` and `Last-Modified`: send them back "
        "as `If-None-Match` / `If-Modified-Since` to get `304 Not Modified`. Dates are "
        "ISO 8601 at the precision the sources give (`2015`, `2016-10`, `2016-10-06`).\n\n"
        "Partners with a token allowed to write (`Authorization: Token <key>`) may submit "
        "people, events, proceedings and sources, which staff review before publishing."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "EventKindEnum": "casetracker.cases.models.Event.Kind",
        "OrganisationKindEnum": "casetracker.cases.models.Organisation.Kind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "casetracker.api.schema.add_error_responses",
        "casetracker.api.schema.document_anonymous_reads",
        "casetracker.api.schema.add_headers_and_summaries",
    ],
    # OpenAPI 3.1: a nullable object is {"oneOf": [{"$ref": …}, {"type": "null"}]}, which
    # strict validators accept (3.0's nullable beside a $ref they reject).
    "OAS_VERSION": "3.1.0",
    "SERVERS": [{"url": env_str("PUBLIC_URL", "/").rstrip("/") or "/",
                 "description": "This casetracker."}],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
