"""qdialog settings: one module, configured from the environment.

SQLite is the embedded default; set DATABASE_URL for PostgreSQL. Set QDIALOG_MODE=production on a
real server: it then refuses to start with DEBUG on, the development secret key or no ALLOWED_HOSTS.
See docs/operator-guide.md for every variable.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
DEV_SECRET_KEY = "qdialog-development-only-not-secret"

env = environ.Env()

MODE = env.str("QDIALOG_MODE", default="development")
if MODE not in {"development", "production", "test"}:
    raise ImproperlyConfigured(
        f"QDIALOG_MODE must be 'development', 'production' or 'test', not {MODE!r}."
    )
PRODUCTION = MODE == "production"

DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)
SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY)
#: earlier keys, still accepted while SECRET_KEY is being changed (docs/sso.md, operator guide)
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
DATA_DIR = Path(env.str("QDIALOG_DATA_DIR", default=str(BASE_DIR.parent / "var")))

if PRODUCTION:
    problems = []
    if DEBUG:
        problems.append("DJANGO_DEBUG is on (set DJANGO_DEBUG=false)")
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 32:
        problems.append("SECRET_KEY is the development key or shorter than 32 characters")
    if not ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS is empty (e.g. ALLOWED_HOSTS=qdialog.example.org)")
    if problems:
        raise ImproperlyConfigured(
            "qdialog refuses to start in production mode: " + "; ".join(problems) + "."
        )

INSTALLED_APPS = [
    "qdialog.core",
    "qdialog.accounts",
    "qdialog.notifications",
    "qdialog.tenancy",
    "qdialog.surveys",
    "qdialog.disclosure",
    "qdialog.analysis",
    "qdialog.reports",
    "qdialog.api",
    "qdialog.processes",
    "qdialog.network",
    "qdialog.incidents",
    "qdialog.casereviews",
    "qdialog.qualitative",
    "qdialog.actions",
    "qdialog.standards",
    "qdialog.retention",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "axes",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # request id, timing, metrics and the request log (qdialog/core/observability.py)
    "qdialog.core.observability.RequestObservationMiddleware",
    # respondents' pages (/s/…) continue through QDIALOG_RESPONDENT_MIDDLEWARE (core/lean.py)
    "qdialog.core.lean.RespondentPathMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "qdialog.tenancy.middleware.ScopeMiddleware",
    "qdialog.accounts.middleware.RequireMFAMiddleware",
    "axes.middleware.AxesMiddleware",
    "csp.middleware.CSPMiddleware",
]

#: the shorter chain of respondents' pages: no sessions, log-ins, messages or account checks
QDIALOG_RESPONDENT_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "qdialog.core.lean.AnonymousMiddleware",
    "qdialog.tenancy.middleware.ScopeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "qdialog.core.lean.RespondentCSPMiddleware",
    "qdialog.core.lean.CountExceptionsMiddleware",
]
#: the patterns a request to /s/… is matched against first (the whole site's if none matches)
QDIALOG_RESPONDENT_URLCONF = "qdialog.surveys.respondent_urls"

ROOT_URLCONF = "qdialog.urls"
WSGI_APPLICATION = "qdialog.wsgi.application"

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
                "qdialog.core.context_processors.qdialog",
                "qdialog.notifications.context_processors.notices",
            ],
        },
    }
]

FORM_RENDERER = "qdialog.core.forms.KernFormRenderer"

# --- Database ---------------------------------------------------------------------------------
# SQLite (the embedded default, also when DATABASE_URL=sqlite:///…) always runs in WAL mode with
# IMMEDIATE transactions and a 20-second busy timeout: a transaction takes the write lock when it
# begins, so writers queue instead of failing at once with "database is locked" (a transaction
# that read first and then writes cannot wait for the lock in WAL mode).
SQLITE_OPTIONS = {
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA busy_timeout=20000; PRAGMA foreign_keys=ON; "
        # deleted rows (e.g. answer sets rewritten when mixed) are overwritten
        "PRAGMA secure_delete=ON;"
    ),
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DB_CONN_HEALTH_CHECKS", default=True)
    DATABASES["default"].setdefault("TEST", {})
    if env.str("TEST_DATABASE_NAME", default=""):
        DATABASES["default"]["TEST"]["NAME"] = env.str("TEST_DATABASE_NAME")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env.str("SQLITE_PATH", default=str(DATA_DIR / "qdialog.sqlite3")),
            "CONN_MAX_AGE": 60,
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS,
                                       **DATABASES["default"].get("OPTIONS", {})}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "qdialog.accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_PREVENT_ENUMERATION = True
# Failed log-ins are counted by django-axes (below), which locks with a clear page and a 429.
ACCOUNT_RATE_LIMITS = {"login_failed": None}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "qdialog"
# When on, institute staff and coordinators must set up TOTP before they can use qdialog.
QDIALOG_REQUIRE_MFA = env.bool("QDIALOG_REQUIRE_MFA", default=False)
# Operators (staff of the admin site, which can grant any membership) must use TOTP; on by
# default in production.
QDIALOG_REQUIRE_MFA_OPERATORS = env.bool("QDIALOG_REQUIRE_MFA_OPERATORS", default=PRODUCTION)

# Brute-force lock-out (django-axes): 5 failures per account and address lock for 30 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "qdialog.accounts.lockout.login_identifier"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_IPWARE_META_PRECEDENCE_ORDER = env.list(
    "AXES_IP_HEADERS", default=["REMOTE_ADDR"]
)

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates day before month (qdialog/formats/en); German from Django
FORMAT_MODULE_PATH = ["qdialog.formats"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "qdialog_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(DATA_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# outside production, whitenoise serves the static files straight from the apps (no
# collectstatic), with DEBUG on or off – `make demo` runs with DEBUG off
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
# Uploaded files and built reports: a directory (MEDIA_ROOT, shared between nodes), or an
# S3-compatible object store when S3_BUCKET is set (django-storages; docs/operator-guide.md).
# Files are only ever handed out through qdialog's own views, which check access: objects
# stay private, no public or signed addresses are given out.
S3_BUCKET = env.str("S3_BUCKET", default="")
_S3_VERIFY = env.str("S3_VERIFY", default="")
DEFAULT_FILE_STORAGE_OPTIONS = {
    "bucket_name": S3_BUCKET,
    "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
    "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
    "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
    "region_name": env.str("S3_REGION", default="") or None,
    "location": env.str("S3_PREFIX", default=""),
    "addressing_style": env.str("S3_ADDRESSING_STYLE", default="path"),
    "signature_version": "s3v4",
    # never replace a stored file that happens to have the same name (Django's own default)
    "file_overwrite": False,
    "default_acl": None,
    "querystring_auth": True,
    "object_parameters": ({"ServerSideEncryption": env.str("S3_SERVER_SIDE_ENCRYPTION")}
                          if env.str("S3_SERVER_SIDE_ENCRYPTION", default="") else {}),
    # S3_VERIFY: empty or "true" checks the certificate against the system's CAs, a path
    # against that CA bundle; "false" only for a test endpoint
    "verify": {"": None, "true": None, "false": False}.get(_S3_VERIFY.lower(), _S3_VERIFY),
} if S3_BUCKET else {}
STORAGES = {
    "default": (
        {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": DEFAULT_FILE_STORAGE_OPTIONS}
        if S3_BUCKET else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="qdialog <noreply@qdialog.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background tasks (django-tasks with the database backend; runs on SQLite and PostgreSQL) --
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Security ---------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp), in every mode so that tests see what production sends:
# scripts only from our own origin – no inline scripts, no eval. Inline styles stay allowed
# because the charts are SVG drawn on the server with presentation attributes.
CONTENT_SECURITY_POLICY = {"DIRECTIVES": {
    "default-src": ["'self'"], "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"], "img-src": ["'self'", "data:"],
    "font-src": ["'self'"], "connect-src": ["'self'"], "object-src": ["'none'"],
    "base-uri": ["'self'"], "form-action": ["'self'"], "frame-ancestors": ["'none'"],
}}
if PRODUCTION:
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = False
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
    if env.bool("BEHIND_TLS_PROXY", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Every handler passes records through RedactFilter: nothing logged about respondents' and
# reporters' pages names the page's address, an IP address or a header (qdialog/core/logs.py).
# Django's own loggers are pointed at the same handler instead of Django's defaults.
#: text for a terminal (development), json for log collectors (the default in production)
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'text' or 'json', not {LOG_FORMAT!r}.")
#: one line per request in qdialog.request (route, status, duration, tenant); on by default with
#: json logs, where it replaces the web server's access log
QDIALOG_REQUEST_LOG = env.bool("QDIALOG_REQUEST_LOG", default=LOG_FORMAT == "json")
LOG_LEVEL = env.str("LOG_LEVEL", default="WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "qdialog.core.logs.RedactFilter"},
                "context": {"()": "qdialog.core.logs.ContextFilter"}},
    "formatters": {"json": {"()": "qdialog.core.logs.JsonFormatter"},
                   "text": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact", "context"],
                             "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "qdialog.request": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

#: the bearer token Prometheus presents at /metrics (empty: only operators logged in see it)
QDIALOG_METRICS_TOKEN = env.str("QDIALOG_METRICS_TOKEN", default="")

# --- Cache (rate limits, cached pages) ---------------------------------------------------------
# Rate limits must count across all processes and servers: in production the cache is shared –
# the database's cache table by default (created by `qdialog migrate`), or Redis with
# CACHE_URL=redis://host:6379/0. A per-process cache is refused there: with two workers every
# limit would be twice as loose, and a restart would reset it.
CACHES = {"default": env.cache_url(
    "CACHE_URL", default="dbcache://qdialog_cache" if PRODUCTION else "locmemcache://")}
PER_PROCESS_CACHES = ("django.core.cache.backends.locmem.LocMemCache",
                      "django.core.cache.backends.dummy.DummyCache")
if PRODUCTION and CACHES["default"]["BACKEND"] in PER_PROCESS_CACHES:
    raise ImproperlyConfigured(
        "qdialog refuses to start in production mode with a per-process cache "
        f"({CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}): rate limits would not hold "
        "across workers and servers. Leave CACHE_URL unset for the database cache, or set "
        "CACHE_URL=redis://host:6379/0.")

# --- qdialog ----------------------------------------------------------------------------------
QDIALOG_SITE_NAME = env.str("QDIALOG_SITE_NAME", default="qdialog")
#: how long the drawn results page of a closed wave is kept in the cache (0: never)
QDIALOG_RESULTS_CACHE_SECONDS = env.int("QDIALOG_RESULTS_CACHE_SECONDS", default=86400)
#: draw a wave's results pages in the background as soon as it closes
QDIALOG_RESULTS_WARM = env.bool("QDIALOG_RESULTS_WARM", default=True)
#: the address respondents reach qdialog at, for links in invitation e-mails
QDIALOG_BASE_URL = env.str("QDIALOG_BASE_URL", default="http://127.0.0.1:8000")
#: submissions through one open group code from one address in QDIALOG_GROUP_CODE_WINDOW seconds
QDIALOG_GROUP_CODE_RATE = env.int("QDIALOG_GROUP_CODE_RATE", default=60)
QDIALOG_GROUP_CODE_WINDOW = env.int("QDIALOG_GROUP_CODE_WINDOW", default=60)
# Failed log-ins from one address, whichever accounts they try, in an hour before log-ins from
# it are refused until the hour is over (against password spraying; per account django-axes
# locks after AXES_FAILURE_LIMIT).
QDIALOG_LOGIN_FAILURES_PER_ADDRESS = env.int("QDIALOG_LOGIN_FAILURES_PER_ADDRESS", default=20)
# Behind a reverse proxy: the request header (as in request.META) that carries the client's
# address for the rate limits, e.g. HTTP_X_REAL_IP. Empty: REMOTE_ADDR.
QDIALOG_CLIENT_IP_HEADER = env.str("QDIALOG_CLIENT_IP_HEADER", default="")
# Unknown survey codes one address may enter in ten minutes before every code lookup from it is
# refused until the ten minutes are over (codes cannot be found by trying).
QDIALOG_CODE_FAILURES = env.int("QDIALOG_CODE_FAILURES", default=30)
#: anonymous incident reports an hour from one address to one reporting system (follow-up
#: code attempts: three times as many)
QDIALOG_REPORT_RATE = env.int("QDIALOG_REPORT_RATE", default=10)
#: learning across case reviews is shown only from this many agreed reviews on
QDIALOG_MIN_REVIEWS = env.int("QDIALOG_MIN_REVIEWS", default=3)
# Days a retention export (what the retention job deleted) stays downloadable before it is
# deleted as well.
QDIALOG_SHREDDER_EXPORT_DAYS = env.int("QDIALOG_SHREDDER_EXPORT_DAYS", default=30)
#: a report (or a part of a ZIP bundle) whose worker has shown no sign of life for this many
#: seconds is taken for dead: marked failed, to be tried again
QDIALOG_REPORT_LEASE_SECONDS = env.int("QDIALOG_REPORT_LEASE_SECONDS", default=600)
# A tenant query that escaped every fence (qdialog/core/scoping.py) is a defect: with this on
# (development, tests) it raises; in production the person gets a plain 404.
QDIALOG_SCOPE_ERRORS_RAISE = env.bool("QDIALOG_SCOPE_ERRORS_RAISE", default=DEBUG)
# New answer sets of a wave are rewritten together in a random order once this many have come
# in (surveys/mixing.py), so that the database does not keep the order they arrived in.
QDIALOG_MIX_BATCH = env.int("QDIALOG_MIX_BATCH", default=10)

# --- Single sign-on (OpenID Connect) ---
# Connections to the tenants' identity providers are set up by operators in the admin site
# (accounts.SignOnConnection, docs/sso.md); allauth's SocialApp is generated from each one.
# Only an existing qdialog account with the provider's verified address of a covered domain is
# logged in: nobody is signed up, nothing is connected by a bare e-mail match (accounts/adapter.py).
SOCIALACCOUNT_ADAPTER = "qdialog.accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = env.int("QDIALOG_SSO_TIMEOUT", default=10)
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True}}
