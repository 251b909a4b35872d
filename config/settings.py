"""Settings for the campaign portal, read from the environment in one place.

With no environment at all this is the embedded default only when DEBUG is on: SQLite,
Celery tasks run in-process, e-mail to the console. Production sets DEBUG off and must
give SECRET_KEY and ALLOWED_HOSTS; see the configuration table in the README.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Only a development server on a developer's machine ever runs with this key.
    SECRET_KEY = "insecure-development-key-never-used-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "config.admin_site.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "config.apps.PortalStaticFilesConfig",  # collects only the Bootstrap files in use
    "django.contrib.humanize",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "treebeard",
    "simple_history",
    "django_filters",
    "config.apps.PortalAxesConfig",  # django-axes, named in Vietnamese
    "csp",
    "units",
    "campaign",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Static files above need no database; everything below may (config/middleware.py).
    "config.middleware.DatabaseGate",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.SlidingSession",
    "config.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.middleware.KeepInputAcrossLogin",
    "config.middleware.MethodNotAllowedPage",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "units.context_processors.navigation",
                "campaign.context_processors.notices_bell",
                "config.middleware.kept_input",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Requests of one web process using the database at once, each with its own connection; more
# wait their turn, up to DB_GATE_TIMEOUT seconds (config.middleware.DatabaseGate).
DB_CONNECTIONS_PER_PROCESS = env.int("DB_CONNECTIONS_PER_PROCESS", default=8)
DB_GATE_TIMEOUT = env.int("DB_GATE_TIMEOUT", default=25)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Reuse connections for a minute, but check them first so that a restarted PostgreSQL
    # costs one reconnect instead of an error page.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    # The rollup's aggregates look expensive to the planner, which then spends more time
    # JIT-compiling them (hundreds of ms) than running them (tens of ms). For the same
    # reason it plans parallel workers, which on a small server (2 cores shared with the web
    # and Celery workers) wait on each other and skip the subtree's path index.
    DATABASES["default"]["OPTIONS"].setdefault(
        "options", "-c jit=off -c max_parallel_workers_per_gather=0"
    )

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The rollup's covering index lists extra columns that only PostgreSQL keeps; on the
    # newcomer's SQLite it is a plain index, which is all the warning says.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
    # A transaction takes SQLite's write lock when it begins: one that read first and then
    # wrote (select_for_update is a plain read here) failed at once with "database is
    # locked" when another wrote meanwhile (two tabs issuing one summary). Now the second
    # waits for the first, as PostgreSQL's row lock makes it, for up to `timeout` seconds.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "units.User"

# --- Redis: cache and Celery broker ------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            # Redis being down must cost cache misses, not error pages: sessions fall back to
            # the database and submissions still succeed (config/cache.py).
            "BACKEND": "config.cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="portal"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
# Without Redis the tasks run in-process, so the embedded default needs no worker.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged when it finishes, not when it starts, so a worker killed mid-task
# does not lose it: a killed pool process puts it back at once (reject on worker lost), a
# killed worker leaves it for the visibility timeout below. Tasks are therefore idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
# A request that enqueues a task must never hang on a dead broker: connect fast, retry a
# couple of times, then raise kombu's OperationalError for the caller to handle.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
    # With late acks, a message taken by a worker that then died (SIGKILL, OOM, power) is
    # given to another worker once it has been unacknowledged this long. It must exceed the
    # longest hard time limit of any task (send_reminders: 600 s), or a task still running
    # would be started a second time (`manage.py check` reports it: config/celery.py).
    # Tests that kill workers shorten it through the environment.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=900),
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "config.celery.heartbeat", "schedule": 60.0},
    "flush-outbox": {"task": "campaign.tasks.flush_outbox", "schedule": 120.0},
    # Reminders (đôn đốc) go out once a day, at the start of the working day.
    "send-reminders": {
        "task": "reports.tasks.send_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # Units are told when the recommendations of an inspection fall due (campaign.notices).
    "notify-due-recommendations": {
        "task": "campaign.tasks.notify_due_recommendations",
        "schedule": crontab(hour=7, minute=10),
    },
    # Files left on disk by an upload whose transaction rolled back (campaign.file_sweep).
    "sweep-orphan-files": {
        "task": "campaign.tasks.sweep_orphan_files",
        "schedule": crontab(hour=2, minute=30),
    },
    # A reorganisation scheduled for a date takes effect that day (units.reorganisations).
    "apply-due-reorganisations": {
        "task": "units.tasks.apply_due_reorganisations",
        "schedule": crontab(hour=0, minute=5),
    },
}

# --- E-mail ------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
globals().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="cong-thong-tin@ldldbentre.local")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in e-mails point here.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# --- Authentication and sessions -----------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        # The portal's users have a full name, not Django's first and last name.
        "OPTIONS": {"user_attributes": ("username", "full_name", "email")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "config.auth.LoginAttemptsBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "units:home"
LOGOUT_REDIRECT_URL = "login"
# A working day from the last hour's work (config.middleware.SlidingSession).
SESSION_COOKIE_AGE = 8 * 60 * 60
# Sessions are read from the cache (Redis in production), written through to the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# A form refused by the CSRF check keeps what a logged-in user typed, to put back on its page.
CSRF_FAILURE_VIEW = "config.http.csrf_failure"

# --- Brute-force protection (django-axes) ---------------------------------------------------
# Five wrong passwords for one username from one address lock that pair out for 15 minutes
# (a sixth try, even with the right password, gets the lockout page). Counting the pair
# rather than the username alone means an attacker elsewhere cannot lock an officer out of
# the office. The attempts are kept in the database (axes' default handler): it is shared by
# every web node, works on the embedded SQLite default too, and staff see and clear
# lockouts in the admin under "Access attempts" ("Bộ đếm đăng nhập sai (khóa đăng nhập)"),
# or with `manage.py axes_reset_username NAME`.
# Password-reset links one address, and one client address, may ask for in an hour
# (units/password_reset.py).
PASSWORD_RESET_PER_ADDRESS = env.int("PASSWORD_RESET_PER_ADDRESS", default=3)
PASSWORD_RESET_PER_CLIENT = env.int("PASSWORD_RESET_PER_CLIENT", default=10)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The 15 minutes run from the lock, as the page says: axes' default restarts them on every
# try during the lock, the right password included, so "try again in 15 minutes" was
# never true for someone who tried again.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Every failed login is kept in the admin's log of them (axes keeps the last 1,000 per
# username): without it that list stayed empty, which reads as "nobody failed to log in".
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_CLIENT_IP_CALLABLE = "config.auth.client_ip"
AXES_LOCKOUT_CALLABLE = "config.auth.lockout_response"

# --- HTTPS (production sits behind a TLS-terminating reverse proxy) ------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
# Behind the proxy, X-Forwarded-Proto says whether the client used HTTPS, and the last
# X-Forwarded-For address is the client's (config.auth.client_ip).
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Content-Security-Policy (django-csp 4) ----------------------------------------------------
# Nothing inline runs: every script is a static file, and no page has an event-handler
# attribute or a javascript: URL. The only inline styles are the <style> elements of the
# dashboard's server-drawn SVG charts, which carry the request's nonce (reports'
# `chart` template tag); no element has a style attribute. Bootstrap's own icons are data:
# images. Downloads send their own stricter policy ("default-src 'none'; sandbox").
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Language and formats -------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

# A plan may hold 100 activities (campaign.forms.ActivityFormSet), each posting about eight
# fields and one per content item ticked: Django's default of 1,000 fields refused a plan of
# some 70 activities with every item of the seed's eight ticked ("Không đọc được yêu cầu"),
# and what was typed was lost. 100 × (8 + 40 items) stays under this bound, which still
# keeps a request from posting an unbounded number of fields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# --- Static and uploaded files ---------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads live outside the static root and have no URL: only authorising views serve them.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
# Empty: the authorising views stream the file themselves. Set (e.g. "/protected-media/")
# behind nginx: they answer with an empty response whose X-Accel-Redirect header is this
# prefix plus the file's storage name, and nginx sends the file from an `internal`
# location aliased to MEDIA_ROOT (see campaign.downloads.stored_file_response). nginx keeps
# the response's Content-Type and Content-Disposition but drops X-Content-Type-Options and
# Content-Security-Policy, so that location adds them again:
#   location /protected-media/ { internal; alias <MEDIA_ROOT>/;
#     add_header X-Content-Type-Options nosniff always;
#     add_header Content-Security-Policy "default-src 'none'; sandbox" always; }
MEDIA_ACCEL_REDIRECT = env.str("MEDIA_ACCEL_REDIRECT", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Source maps are read by a browser's developer tools alone: compressing them (Bootstrap's
# are 1 MB) cost collectstatic more than every file a page loads.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

# Functions (scope -> list of items) whose results the home page lists as pending work.
PENDING_PROVIDERS = [
    "campaign.pending.plan_items",
    "campaign.pending.report_items",
    "campaign.pending.inspection_items",
]
# The boxes the home page shows below the pending work, in this order, each a template that
# decides for itself whether the user sees it: the Standing Committee's desk, a reviewer's
# summaries received, what an officer's units have sent.
HOME_PANELS = [
    "reports/home/committee_desk.html",
    "reports/home/summary_inbox.html",
    "campaign/home/sent_box.html",
]
# What the campaigns make of a reorganisation (who files from when, open submissions): called
# by units.reorganisations while it previews or applies one, so units knows nothing of them.
REORGANISATION_HANDLERS = ["campaign.reorganisations.effects"]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # django-axes logs every successful login in several lines; failures and lockouts,
    # which are worth reading, are warnings.
    "loggers": {"axes": {"level": "WARNING"}},
}

# A plan's or report's PDF is rendered again only when its HTML (or the document stylesheet)
# changed: the same bytes are kept this long in the cache (campaign.printable). 0: never kept.
PDF_CACHE_SECONDS = env.int("PDF_CACHE_SECONDS", default=24 * 3600)

# The most rows a list's Excel download holds (campaign.list_exports), or a sheet of the
# dashboard's workbook (reports.excel): a longer one is refused with a message asking to
# narrow it, so that its file is written well within gunicorn's 30 s (README, "Review
# queues and Excel lists").
LIST_DOWNLOAD_MAX_ROWS = env.int("LIST_DOWNLOAD_MAX_ROWS", default=20_000)

# --- Digital signature of issued documents (reports.signing) ---------------------------------
# The organisation's certificate and key as a PKCS#12 file, its passphrase from the
# environment. Empty: documents are issued unsigned, and their pages say so.
SIGNING_PKCS12_PATH = env.str("SIGNING_PKCS12_PATH", default="")
SIGNING_PKCS12_PASSPHRASE = env.str("SIGNING_PKCS12_PASSPHRASE", default="")
# An RFC 3161 time-stamp server: PAdES B-T instead of B-B (and B-LT when the certificates'
# revocation data can be fetched and embedded, unless SIGNING_EMBED_REVOCATION is off).
SIGNING_TSA_URL = env.str("SIGNING_TSA_URL", default="")
SIGNING_EMBED_REVOCATION = env.bool("SIGNING_EMBED_REVOCATION", default=True)
# The roots a signature is validated against (PEM); empty: the PKCS#12 file's own chain.
SIGNING_TRUST_ROOTS = env.str("SIGNING_TRUST_ROOTS", default="")
# Decree 30's images in the stamp: the signer's signature and the organisation's seal (PNG
# with a transparent background); empty: the text stamp alone.
SIGNING_SIGNATURE_IMAGE = env.str("SIGNING_SIGNATURE_IMAGE", default="")
SIGNING_SEAL_IMAGE = env.str("SIGNING_SEAL_IMAGE", default="")
