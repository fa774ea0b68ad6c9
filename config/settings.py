"""The one settings module. Development and production differ only by environment values.

See README.md ("Configuration") for every variable. Malformed values raise
ImproperlyConfigured at start-up (config/env.py).
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.env import (
    DEVELOPMENT_SECRET_KEY,
    env_bool,
    env_int,
    env_list,
    env_required,
    env_str,
    env_url,
    secret_key_problem,
)

BASE_DIR = Path(__file__).resolve().parent.parent
# Git-ignored folder for everything the platform writes (SQLite file, private files).
DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "data")))

DEBUG = env_bool("DEBUG", False)

if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY") or DEVELOPMENT_SECRET_KEY
else:
    SECRET_KEY = env_required(
        "SECRET_KEY",
        "a long random string (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(50))'`)",
    )
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")
    if problem := secret_key_problem(SECRET_KEY):
        raise ImproperlyConfigured(
            f"SECRET_KEY is a placeholder ({problem}): set a long random string of your own."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_NAME = env_str("SITE_NAME", "Boussole numérique ESS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# Who runs the instance, for a first run: once a CRESS admin saves the identity in the admin
# (name, logo, colours, legal notices), these are no longer read. Colours must keep white
# text readable (4.5:1), else the process stops at start-up (identity.services).
INSTANCE_IDENTITY = {
    "operator_name": env_str("INSTANCE_OPERATOR_NAME", ""),
    "short_name": env_str("INSTANCE_SHORT_NAME", ""),
    "contact_email": env_str("INSTANCE_CONTACT_EMAIL", ""),
    "brand_colour": env_str("INSTANCE_BRAND_COLOUR", ""),
    "accent_colour": env_str("INSTANCE_ACCENT_COLOUR", ""),
}

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "config.apps.CressAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "django_htmx",
    "django_filters",
    "simple_history",
    "axes",
    # Who runs the instance: the bottom layer, read by every page and PDF.
    "identity",
    "accounts",
    "maturity",
    "toolbox",
    "ambassadors",
    "advisers",
    "workshops",
    # The top layer: what gathers every app (manage.py demo_data).
    "config.apps.PlatformConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # French typography on every HTML page (no-break spaces, apostrophes): outer, so that it
    # reads the page as finally rendered; static files (served above) never reach it.
    "common.typography.FrenchTypographyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "config.middleware.PrivatePagesNotStoredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "accounts.middleware.CurrentOrganisationMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
                "identity.context_processors.identity",
            ],
            # Tags of the bottom-layer package (common is no app): {% load glossary %}.
            "libraries": {
                "glossary": "common.templatetags.glossary",
                "typography": "common.templatetags.typography",
            },
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_url(
    "DATABASE_URL", f"sqlite:///{DATA_DIR / 'db.sqlite3'}", ("sqlite", "postgres", "postgresql")
)
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets the dev server read while a request writes; IMMEDIATE avoids lock upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# --- Cache and tasks --------------------------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", None, ("redis", "rediss"))
# The cache may live in another Redis database than the Celery queues (flushing one spares the other).
REDIS_CACHE_URL = env_url("REDIS_CACHE_URL", REDIS_URL, ("redis", "rediss"))
if REDIS_CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_CACHE_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
# Without Redis (first run, tests on the embedded default) tasks run in-process.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_MAX_TASKS_PER_CHILD = 50
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 300_000  # KiB: PDF rendering can hold memory
# A task whose worker died unacknowledged is handed to another worker after this many seconds
# (longer than the longest task, or a slow task would run twice at once).
_visibility_timeout = env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=1)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _visibility_timeout,
    # How often workers look for such tasks: Redis transport defaults (~100 s) for long
    # timeouts, every second for the short ones a test uses.
    "unacked_restore_interval": max(1, min(10, _visibility_timeout // 10)),
    "unacked_restore_throttle": 1 if _visibility_timeout < 600 else 10,
}
CELERY_TIMEZONE = "Europe/Paris"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Auth --------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any login attempt while its username + IP pair is locked out.
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.RolesModelBackend",
    "accounts.backends.RolesAllauthBackend",
    "accounts.backends.CressAdminPermissionBackend",
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
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: e-mail is the login, verified before first use.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupExtraForm"
ACCOUNT_RATE_LIMITS = {
    # The toolbox's public catalogue API, read by other platforms (per client address): a
    # whole catalogue is a few pages, and the data package has it all in one download.
    "catalogue_api": "120/m/ip",
    # Per (e-mail, IP) pair django-axes locks after 5 failures; this caps one IP spraying
    # many addresses. No per-e-mail limit here: anyone could lock a person out with it.
    "login_failed": "30/15m/ip",
    "signup": "20/h/ip",
    "reset_password": "20/h/ip,5/h/key",
    "confirm_email": "1/3m/key",
    # Invitations of members and of guest respondents (accounts.security): per person and
    # per organisation, so a stolen admin session cannot turn the platform into a mailer.
    "invite": "30/h/user,100/d/key",
    # Support requests to ambassadors, written and sent (each sending e-mails an ambassador),
    # per person and per organisation.
    "support_request": "10/h/user,15/d/key",
    "support_request_send": "10/h/user,15/d/key",
    # Roadmap PDFs actually built (an unchanged roadmap reuses its file and is not counted):
    # each build takes a worker for seconds.
    "roadmap_pdf": "10/h/user,30/d/key",
    # The printable results document, built in the web process (a fraction of a second each).
    "results_pdf": "20/h/user,60/d/key",
    # The discovery diagnostic without an account (maturity.discovery), per client address:
    # each result kept opens a session. A workshop's room behind one address stays under it.
    "discovery": "60/h/ip",
    # Event registrations without an account (each e-mails a confirmation link): per client
    # address (an office registering its team stays under it) and per address written to.
    "event_visitor": "20/h/ip,3/h/key,10/d/key",
    # Wrong or expired workshop codes (workshops), per client address: a whole room behind
    # one address mistyping now and then stays under it, guessing a code does not.
    "workshop_code": "30/10m/ip",
    # A workshop's report PDF, built in the web process: per person and per workshop.
    "workshop_report_pdf": "20/h/user,60/d/key",
}
# Actions an organisation may add to its roadmap by hand (the rules propose the others): the
# roadmap page and its PDF stay readable, and a PDF quick to build.
ROADMAP_MAX_CUSTOM_ACTIONS = env_int("ROADMAP_MAX_CUSTOM_ACTIONS", 30, minimum=1)
# How many actions a generated roadmap proposes "à faire en premier"; the rest waits "pour plus
# tard" (the guide's advice to small structures: few projects at a time).
ROADMAP_PRIORITY_ACTIONS = env_int("ROADMAP_PRIORITY_ACTIONS", 7, minimum=1)

# django-axes: 5 failed logins lock the (e-mail, IP) pair for 15 minutes. Locking the pair
# rather than the e-mail alone means an attacker cannot lock a person out from elsewhere;
# one IP trying many e-mails is stopped by allauth's "login_failed" per-IP limit above.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "login"  # allauth's login form field (the e-mail address)
AXES_USERNAME_CALLABLE = "accounts.security.login_username"
AXES_RESET_ON_SUCCESS = True
# Attempts during the lockout do not extend it: the page promises 15 minutes.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
# Successful logins are not logged (no IP history kept); failed attempts are purged daily
# once older than the cool-off (accounts.tasks.purge_login_attempts).
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Not in the admin: lockouts clear themselves; `manage.py axes_reset` lifts one at once.
AXES_ENABLE_ADMIN = False
# The same client address as allauth's rate limits (accounts.security, see "Reverse proxy").
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip"

# Sessions: 2 h of inactivity or 12 h in all, whichever comes first (accounts.middleware).
# With Redis, sessions are read from the cache and written through to the database: one
# database round trip less on every page, and they survive a cache flush. Never with the
# per-process memory cache, where another process would keep a session that was logged out.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_CACHE_URL
    else "django.contrib.sessions.backends.db"
)
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 2 * 3600, minimum=60)
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_TIMEOUT", 12 * 3600, minimum=60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

INVITATION_VALIDITY_DAYS = 7

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
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
# In development (and the tests it runs) WhiteNoise serves files from the apps' folders.
WHITENOISE_AUTOREFRESH = DEBUG
# Files users must not reach by URL (generated PDFs): served by authorised views only.
PRIVATE_STORAGE_ROOT = DATA_DIR / "private"

# --- E-mail -------------------------------------------------------------------------------------
_email_host = env_str("EMAIL_HOST", "")
if _email_host:
    _use_tls, _use_ssl = env_bool("EMAIL_USE_TLS", True), env_bool("EMAIL_USE_SSL", False)
    if _use_tls and _use_ssl:
        raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.")
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": env_int("EMAIL_PORT", 587, minimum=1),
                "username": env_str("EMAIL_HOST_USER", ""),
                "password": env_str("EMAIL_HOST_PASSWORD", ""),
                "use_tls": _use_tls,
                "use_ssl": _use_ssl,
                "timeout": 20,
            },
        }
    }
else:
    # No SMTP server configured (first run): e-mails are printed in the terminal.
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "Boussole numérique ESS <ne-pas-repondre@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Reverse proxy --------------------------------------------------------------------------------
# Behind a proxy every request comes from the proxy's address: counting it would lock everyone
# out at once. Only with BEHIND_TLS_PROXY=1 are the proxy's headers believed: X-Forwarded-Proto,
# and the client address in X-Forwarded-For, read TRUSTED_PROXY_COUNT entries from the right
# (each proxy appends the address it saw; anything further left was written by the client).
# Without it X-Forwarded-For is ignored; a proxy count without it is a mistake, not a no-op.
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1, minimum=1)
elif env_str("TRUSTED_PROXY_COUNT", "").strip():
    raise ImproperlyConfigured(
        "TRUSTED_PROXY_COUNT is only read with BEHIND_TLS_PROXY=1 (remove it, or set both)."
    )
else:
    ALLAUTH_TRUSTED_PROXY_COUNT = 0

# --- Security -------------------------------------------------------------------------------------
# The CSP is on in every environment so that development shows what production blocks.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Container health checks call /sante/ over plain HTTP from inside.
    SECURE_REDIRECT_EXEMPT = [r"^sante/$"]
    # Behind a reverse proxy that terminates TLS (see README).
    if BEHIND_TLS_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # HSTS preload is a one-way commitment for the whole domain: left to each deployment (W021).
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# --- Logging --------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "filters": {"hide_secret_links": {"()": "config.log_filters.HideSecretLinks"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # A refused or failed request is logged with its path, never with a secret link's token.
        "django.request": {"filters": ["hide_secret_links"]},
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint and fontTools narrate every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-axes narrates every login and logout at INFO; lockouts are WARNING.
        "axes": {"level": "WARNING"},
    },
}

ADMINS = [("Admin", a) for a in env_list("ADMIN_EMAILS", [])]
