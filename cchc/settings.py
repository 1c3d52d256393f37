"""Settings, read from the environment only (see `.env.example` and the README).

With nothing set, the app runs as the embedded demo: a SQLite file, Celery tasks executed
in-process, e-mail printed to the console. Production sets DATABASE_URL, CELERY_BROKER_URL,
SECRET_KEY, ALLOWED_HOSTS and HTTPS=true.
"""

import datetime
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _bool(name: str, default: bool) -> bool:
    # django-environ reads any unknown word as False; a typo in production ("Ture") must not
    # silently switch off HTTPS, so an unknown value stops the start-up and names the variable.
    raw = env.str(name, default=str(default)).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true/false)")


def _int(name: str, default: int) -> int:
    raw = env.str(name, default=str(default)).strip()
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None


DEBUG = _bool("DEBUG", False)
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-demo-key-only-for-the-embedded-demo")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "django_celery_beat",
    "axes",
    "audit",
    "units",
    "scoring",
    "inspections",
    "reports",
    "monitoring",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads a body: an oversized request is answered 413 unread.
    "cchc.middleware.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "cchc.middleware.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a lockout into the Vietnamese lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cchc.urls"
WSGI_APPLICATION = "cchc.wsgi.application"

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
                "units.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = _int("CONN_MAX_AGE", 60)
# A PostgreSQL restart must not leave every worker holding a dead connection until restart.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    (BASE_DIR / "var").mkdir(exist_ok=True)
    sqlite_options = DATABASES["default"].setdefault("OPTIONS", {})
    # The demo serves a few people at once; waiting for the write lock beats "database is locked".
    sqlite_options["timeout"] = 20
    # ... and every transaction takes that lock when it begins, so that a second save of the same
    # row waits for the first, then reads the new version and answers 409. Begun deferred, both
    # saves read first; the second to write then holds a read lock the first is waiting on, and
    # SQLite fails it at once with "database is locked" (a 500) rather than wait.
    sqlite_options["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "units.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = _int("SESSION_COOKIE_AGE", 8 * 3600)  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Repeated wrong passwords lock that username from that address for a while: a guessed
# password of a council member could change any unit's score. Per (username, address), not per
# username: locked per username, anyone could keep `sonv` locked out for good by typing five
# wrong passwords every quarter of an hour. Not per address alone either: a whole department
# sits behind one NAT address on the provincial network, and five typos of one clerk there must
# not lock out their colleagues (other usernames from the same address sign in as usual).
AXES_FAILURE_LIMIT = _int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "cchc.logins.client_ip"
AXES_HANDLER = "cchc.logins.AlertingAxesHandler"
# Reverse proxies in front of the app that append the client's address to X-Forwarded-For (1
# behind the province's nginx). 0: the app is reached directly and the header is ignored, since
# a client can write anything in it.
TRUSTED_PROXY_COUNT = _int("TRUSTED_PROXY_COUNT", 0)
# Wrong passwords for one username from all addresses within the cool-off that alert Sở Nội vụ
# (one e-mail and one log warning per cool-off): someone trying many addresses is not locked
# out by address, and the account itself stays usable.
LOGIN_ALERT_FAILURES = _int("LOGIN_ALERT_FAILURES", 50)

# --- Language, time, numbers ----------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False
FORMAT_MODULE_PATH = ["cchc.formats"]
PROVINCE_NAME = env.str("PROVINCE_NAME", default="Hà Tĩnh")  # agency name and place line of documents
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "var" / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every start without it
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded evidence is private: it lives outside the static root and is served only by views
# that check the user's scope, never by the web server directly.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media-not-served/"
STATIC_MANIFEST = _bool("STATIC_MANIFEST", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Without a collectstatic run (the demo) WhiteNoise serves straight from the app folders.
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
# Request sizes (cchc/middleware.py): an evidence page takes UPLOAD_MAX_MB per file, an import
# page one file of IMPORT_MAX_MB, each with DATA_UPLOAD_MAX_MEMORY_SIZE for the rest of the
# form; every other request at most DATA_UPLOAD_MAX_MEMORY_SIZE. The reverse proxy applies the
# same caps (docs/operations.md).
UPLOAD_MAX_MB = _int("UPLOAD_MAX_MB", 20)
IMPORT_MAX_MB = _int("IMPORT_MAX_MB", 10)
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
# "Lưu tất cả" posts up to five fields per changed row of a sheet (scoring.views.SHEET_MAX_ROWS).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 6000
FILE_UPLOAD_PERMISSIONS = 0o640
# Processes one long document (a national decision) is laid out in, side by side: at most the
# cores a documents worker may use. 1 lays everything out in the worker's own process.
DOCUMENT_RENDER_PROCESSES = _int("DOCUMENT_RENDER_PROCESSES", 2)
# ... from this many pieces (table rows, headings) on: below it a fork costs more than it saves.
DOCUMENT_PARALLEL_FROM_PIECES = _int("DOCUMENT_PARALLEL_FROM_PIECES", 1500)

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# No broker configured: the embedded demo runs every task in-process, at once.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
# A worker killed mid-task must have the task delivered again; tasks are written to be idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A task held by a worker that died (killed, machine lost) goes back to the queue after this
    # many seconds. It must stay longer than any countdown a task waits for (DocumentBusy: 185 s),
    # or a task still waiting would be handed to a second worker.
    "visibility_timeout": _int("CELERY_BROKER_VISIBILITY_TIMEOUT", 3600),
    # Without these a Redis that hangs (or a network that drops its packets) holds the page of a
    # clerk who asked for a document for as long as it hangs.
    "socket_connect_timeout": 2,
    "socket_timeout": 2,
}
# Sending a task while the broker is down gives up after one retry (a few seconds at worst): the
# request stays recorded as queued and the beat sends it again once the broker is back.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0.2, "interval_step": 0.2, "interval_max": 0.2}
CELERY_TASK_ROUTES = {"reports.tasks.*": {"queue": "documents"}}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Periodic jobs; each app's tasks are idempotent, so a beat that fires twice does no harm.
CELERY_BEAT_SCHEDULE: dict = {
    # CELERY_TIMEZONE is Asia/Ho_Chi_Minh, so this is 01:00 local time.
    "inspections-mark-overdue-findings": {
        "task": "inspections.tasks.mark_overdue_findings",
        "schedule": crontab(hour=1, minute=0),
    },
    # 07:00 local time: deadline reminders arrive at the start of the working day.
    "scoring-send-phase-reminders": {
        "task": "scoring.tasks.send_phase_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # 01:10 and 07:10 local time: the plan's overdue tasks stamped, then the reminders of the
    # periodic reports due in 7 days or tomorrow (monitoring/tasks.py).
    "monitoring-mark-overdue-tasks": {
        "task": "monitoring.tasks.mark_overdue_tasks",
        "schedule": crontab(hour=1, minute=10),
    },
    "monitoring-send-report-reminders": {
        "task": "monitoring.tasks.send_report_reminders",
        "schedule": crontab(hour=7, minute=10),
    },
    # Documents whose message was lost while Redis or a worker was down are sent again within
    # minutes; a tick that waited longer than the next one is dropped rather than run twice.
    "reports-requeue-stale-documents": {
        "task": "reports.tasks.requeue_stale_documents",
        "schedule": datetime.timedelta(minutes=5),
        "options": {"expires": 4 * 60},
    },
}

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = _int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = _bool("EMAIL_USE_TLS", False)
# Seconds before a mail server that does not answer is given up on: the sign-in alert is sent
# while a request waits.
EMAIL_TIMEOUT = _int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CCHC <cchc@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -------------------------------------------------------------------------------
# HTTPS=true in production (behind a TLS-terminating proxy that sets X-Forwarded-Proto).
HTTPS = _bool("HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "style-src-attr": "'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals_in_one_line": {"()": "cchc.logfilters.RefusalsInOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # A 403 is the app working as designed: one line, not a traceback.
        "django.request": {"filters": ["refusals_in_one_line"]},
        # Font subsetting and layout report every table they prune and every step they take;
        # their warnings (a missing glyph, a CSS rule ignored) still show.
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        # Without a broker (the embedded demo) every in-process task says it has no host.
        "kombu.connection": {"level": "WARNING" if CELERY_BROKER_URL else "ERROR"},
    },
}
