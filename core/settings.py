"""Settings, read from environment variables with safe production defaults.

``PARVIS_MODE`` chooses the defaults: ``production`` (the default: DEBUG off, secret key
required), ``demo`` (what ``parvis demo`` sets: SQLite, file-based task queue, mail to files), or
``test``. Every variable is listed in docs/operators.md.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

import core
from core import plugin_host

BASE_DIR = Path(__file__).resolve().parent.parent
MODE = os.environ.get("PARVIS_MODE", "production")
if MODE not in {"production", "demo", "test"}:
    raise ImproperlyConfigured(
        f"PARVIS_MODE={MODE!r} is not known: use 'production', 'demo' or 'test'."
    )


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean: use 1/0, true/false.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("PARVIS_DATA_DIR", Path.cwd() / "var")).resolve()

DEBUG = env_bool("DJANGO_DEBUG", False)


def _secret_key() -> str:
    key = os.environ.get("DJANGO_SECRET_KEY") or os.environ.get("PARVIS_SECRET_KEY")
    if key:
        return key
    if MODE == "test":
        return "test-only-secret-key-" + "x" * 40
    if MODE == "demo":
        # The demo keeps a random key beside its database so sessions survive restarts.
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path = DATA_DIR / "secret_key"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(50))
            path.chmod(0o600)
        return path.read_text().strip()
    if core.SECRET_KEY_OPTIONAL:
        return ""  # a command that signs nothing; Django refuses an empty key if one tries
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set: production needs a long random secret, e.g. "
        "export DJANGO_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
        " (or run `parvis demo` to try Parvis)."
    )


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],.localhost" if MODE != "production" else ""
)
if MODE == "test":
    ALLOWED_HOSTS = ["*"]
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")


def _trusted_proxies() -> list[str]:
    import ipaddress

    entries = env_list("PARVIS_TRUSTED_PROXIES")
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"PARVIS_TRUSTED_PROXIES: {entry!r} is not an IP address or network "
                "(e.g. 10.0.0.5,192.168.1.0/24,::1)."
            ) from None
    return entries


#: Reverse proxies whose X-Forwarded-For is believed (core/client_address.py).
PARVIS_TRUSTED_PROXIES = _trusted_proxies()

# --- Plugins: phase 1, entry-point metadata only --------------------------------------------
PARVIS_DISABLED_PLUGINS = frozenset(env_list("PARVIS_DISABLED_PLUGINS"))
PARVIS_PLUGIN_APPS = plugin_host.discover(PARVIS_DISABLED_PLUGINS)

INSTALLED_APPS = [
    "core",
    "core.contributions",
    "core.moderation",
    "core.comments",
    "core.notifications",
    "core.search",
    "core.participation",
    "core.identity",
    "core.api",
    "core.opendata",
    "core.retention",
    "federation",
    *PARVIS_PLUGIN_APPS,
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "allauth",
    "allauth.account",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.security_headers.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Every error under /api/, wherever it is made, in the API's JSON error format.
    "core.api.middleware.ApiErrorMiddleware",
    # Server-side cache for the responses that opt in with `Cache-Control: public, max-age=N`
    # (e.g. petition pages for visitors without a session); CACHE_MIDDLEWARE_SECONDS = 0
    # keeps every other page out of it. Keyed on the query parameters the view declares
    # (core.middleware.cache_parameters) when it declares them.
    "core.middleware.UpdateCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "core.middleware.OrganisationMiddleware",
    # Text UTF-8 cannot encode (lone surrogates), in any query string, form or JSON body: 400.
    "core.middleware.UnencodableTextMiddleware",
    "core.middleware.PluginGateMiddleware",
    "core.retention.middleware.NoIndexMiddleware",
    "core.middleware.FetchFromCacheMiddleware",
]
CACHE_MIDDLEWARE_SECONDS = 0
# How long the organisation of a host name is remembered (0: looked up on every request, as the
# tests do so that query counts do not depend on what an earlier request cached).
PARVIS_ORGANISATION_CACHE_SECONDS = int(
    os.environ.get("PARVIS_ORGANISATION_CACHE_SECONDS", "0" if MODE == "test" else "60")
)
CACHE_MIDDLEWARE_KEY_PREFIX = "pages"

ROOT_URLCONF = "core.urls"
WSGI_APPLICATION = "core.wsgi.application"

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
                "django.template.context_processors.i18n",
                "core.context_processors.parvis",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
#: SQLite (the embedded default): writers wait for each other up to 20 s instead of failing;
#: write-ahead logging lets pages be read while a worker writes, and commits no longer wait for
#: the disk twice (synchronous=NORMAL: a power cut may lose the last commits, never corrupts).
SQLITE_OPTIONS = {
    "timeout": 20, "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
}


def _database() -> dict:
    import dj_database_url

    url = os.environ.get("DATABASE_URL")
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "parvis.sqlite3"),
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    try:
        config = dj_database_url.parse(url, conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")))
    except Exception as exc:  # dj-database-url raises several kinds
        raise ImproperlyConfigured(
            f"DATABASE_URL is not valid ({exc}). Expected e.g. "
            "postgres://user:password@localhost:5432/parvis or sqlite:////var/lib/parvis/db.sqlite3"
        ) from None
    if config.get("ENGINE") not in {"django.db.backends.postgresql", "django.db.backends.sqlite3"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL uses {config.get('ENGINE')!r}; Parvis supports PostgreSQL "
            "(postgres://...) and SQLite (sqlite:///...)."
        )
    if config["ENGINE"].endswith("sqlite3"):
        config.setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
        config["CONN_MAX_AGE"] = 0
    return config


DATABASES = {"default": _database()}
if MODE == "test" and DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory, so that a worker process started by a test sees the same database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and tasks ----------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Django's Redis backend, keeping one client per connection pool (core/redis_cache.py).
    # Short timeouts: a Redis that does not answer must not hold pages up (the cache then
    # degrades, see core/redis_cache.py).
    CACHES = {"default": {"BACKEND": "core.redis_cache.RedisCache", "LOCATION": REDIS_URL, "OPTIONS": {
        "socket_connect_timeout": float(os.environ.get("PARVIS_REDIS_TIMEOUT", "0.5")),
        "socket_timeout": float(os.environ.get("PARVIS_REDIS_TIMEOUT", "0.5")),
    }}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASK_QUEUES = ("default", "mail", "federation")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
if CELERY_BROKER_URL == "filesystem://":
    # The embedded default: messages are files under the data directory, so the web process
    # and the worker process started by `parvis demo` share them with nothing else installed.
    _broker_dir = DATA_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "messages"),
        "data_folder_out": str(_broker_dir / "messages"),
        "control_folder": str(_broker_dir / "control"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/Paris"
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# Unit tests run tasks in the calling process; the integration tests start real workers.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", MODE == "test")
CELERY_TASK_EAGER_PROPAGATES = True

# --- Federation (docs/FEDERATION.md) -------------------------------------------------------
PARVIS_FEDERATION_BASE_URL = os.environ.get("PARVIS_FEDERATION_BASE_URL", "")
PARVIS_FEDERATION_KEY_SECRET = os.environ.get("PARVIS_FEDERATION_KEY_SECRET", "")
# Test-only: lets the fetcher and deliveries reach loopback addresses (two instances on one
# machine). Never in production.
PARVIS_FEDERATION_ALLOW_LOOPBACK = MODE != "production" and env_bool("PARVIS_FEDERATION_ALLOW_LOOPBACK", False)
PARVIS_FEDERATION_ALLOW_HTTP = MODE != "production" and env_bool("PARVIS_FEDERATION_ALLOW_HTTP", False)

# --- Accounts -----------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if MODE == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# Sensitive account actions are confirmed with the password; codes by e-mail stay off, as for
# login (a code sent to the very address being changed would prove nothing).
ACCOUNT_REAUTHENTICATION_METHODS = ("password",)
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_ADAPTER = "core.accounts.AccountAdapter"
ACCOUNT_RATE_LIMITS = {} if MODE == "test" else {"login_failed": "10/m/ip,5/5m/key"}
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "account_login"

# --- Mail ---------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Parvis <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
elif MODE == "test":
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "mail")

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("Anglais"))]
LOCALE_PATHS = [BASE_DIR / "core" / "locale"]
TIME_ZONE = os.environ.get("PARVIS_TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

# --- Static and media files ---------------------------------------------------------------
# --- Maps (mapping plugin) --------------------------------------------------------------------
# Background tiles, e.g. "https://tile.openstreetmap.org/{z}/{x}/{y}.png" with its attribution.
# None by default: no page makes a request to a third party; places are drawn on a plain
# background and always listed beside the map.
PARVIS_MAP_TILE_URL = os.environ.get("PARVIS_MAP_TILE_URL", "")
PARVIS_MAP_TILE_ATTRIBUTION = os.environ.get("PARVIS_MAP_TILE_ATTRIBUTION", "")
# Leaflet's script and style sheet come from the django-leaflet package, served under
# /static/leaflet/ (its Django app is not installed: its admin needs GeoDjango's GDAL).
STATICFILES_DIRS = [
    ("leaflet", Path(importlib.util.find_spec("leaflet").submodule_search_locations[0]) / "static" / "leaflet"),
]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("PARVIS_STATIC_ROOT", DATA_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("PARVIS_MEDIA_ROOT", DATA_DIR / "media"))
# Production serves collected, hashed files; demo and tests serve them from the apps directly.
WHITENOISE_USE_FINDERS = MODE != "production"
if MODE != "production":
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if MODE == "production"
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Security -----------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if MODE == "production":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env_bool("PARVIS_HTTPS", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # Browsers that once saw the site over HTTPS never use plain HTTP for it again (one year).
    SECURE_HSTS_SECONDS = int(os.environ.get("PARVIS_HSTS_SECONDS", "31536000" if SESSION_COOKIE_SECURE else "0"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PARVIS_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("PARVIS_HSTS_PRELOAD", False)
    SECURE_SSL_REDIRECT = env_bool("PARVIS_SSL_REDIRECT", SESSION_COOKIE_SECURE)
    # Off by default and deliberately so (docs/operators.md): other host names under the
    # town's domain may not serve HTTPS, and preloading cannot be undone quickly.
    SILENCED_SYSTEM_CHECKS = [
        *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
        *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
    ]

# --- Wagtail ------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = os.environ.get("PARVIS_SITE_NAME", "Parvis")
WAGTAILADMIN_BASE_URL = os.environ.get("PARVIS_BASE_URL", "http://localhost:8000")
WAGTAIL_I18N_ENABLED = False
# The admin makes no request to a third party: no update check against wagtail.org, no
# avatars from Gravatar (which would also tell it who works in the admin).
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILSEARCH_BACKENDS = {
    # On PostgreSQL, full-text search with French stemming; on SQLite, FTS5 where available.
    "default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "french"}
}
WAGTAILADMIN_PERMITTED_LANGUAGES = [("fr", "Français"), ("en", "English")]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PARVIS_LOG_LEVEL", "WARNING")},
}
