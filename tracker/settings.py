"""Settings: every value comes from an environment variable, with a safe default but for the
secret key in production.

The defaults give the embedded set-up (`make run`): SQLite, a filesystem Celery broker,
e-mails written to files. A value that is checked (numbers, booleans, URLs, the time zone)
stops start-up when it is bad, with a message naming the variable.
"""

import os
import zoneinfo
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TRACKER_VAR_DIR", BASE_DIR / "var"))


def read_env_file(path: Path) -> None:
    """NAME=value lines into the environment, which wins over them. `make run` writes
    var/.env (DJANGO_DEBUG, SITE_URL) so that a command run by hand in the same checkout
    sees the set-up the running server has."""
    try:
        lines = path.read_text().splitlines()
    except FileNotFoundError:
        return
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, equals, value = line.partition("=")
        if not equals or not name.strip():
            raise ImproperlyConfigured(f"{path}, line {number}: {line!r} is not NAME=value.")
        os.environ.setdefault(name.strip(), value.strip())


read_env_file(VAR_DIR / ".env")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use 1/0, true/false, yes/no.")


def envint(name: str, default: int, *, low: int | None = None, high: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if (low is not None and value < low) or (high is not None and value > high):
        raise ImproperlyConfigured(f"{name}={value} must be between {low} and {high}.")
    return value


def envfloat(name: str, default: float, *, low: float, high: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number.") from None
    if not low <= value <= high:
        raise ImproperlyConfigured(f"{name}={value} must be between {low} and {high}.")
    return value


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envstr(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _database(url: str) -> dict:
    try:
        config = dj_database_url.parse(url, conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60))
    except Exception as exc:
        raise ImproperlyConfigured(f"DATABASE_URL={url!r} cannot be read: {exc}") from None
    engine = config.get("ENGINE", "")
    if not engine.endswith(("postgresql", "sqlite3")):
        raise ImproperlyConfigured(
            f"DATABASE_URL={url!r}: only postgres:// and sqlite:// are supported."
        )
    if engine.endswith("postgresql"):
        # The app asks short questions; PostgreSQL's JIT compiler spends hundreds of
        # milliseconds compiling plans it guesses are expensive, for nothing in return. And
        # its working set is in memory (or on SSD): an index lookup costs little more than a
        # sequential read, as PostgreSQL's documentation advises for such storage, so that
        # the planner looks up a page's few hundred rows instead of reading whole tables.
        options = config.setdefault("OPTIONS", {})
        options.setdefault("options", "-c jit=off -c random_page_cost=1.1")
        # A page asks the same few dozen questions each time, with other values: bound on the
        # server and prepared after a few runs on a connection, each is planned once per
        # connection instead of at every request. Off (DATABASE_PREPARED_STATEMENTS=0)
        # behind a connection pooler that cannot keep prepared statements.
        if envbool("DATABASE_PREPARED_STATEMENTS", True):
            options["server_side_binding"] = True
            options["prepare_threshold"] = 5
        # A database that accepts connections and never answers holds a request (and the
        # health check) no longer than this.
        options.setdefault("connect_timeout", envint("DATABASE_CONNECT_TIMEOUT", 3, low=1))
        # A connection kept between requests is checked before it is used again: after a
        # database restart the request reconnects instead of failing on a dead connection.
        config["CONN_HEALTH_CHECKS"] = True
    if engine.endswith("sqlite3"):
        # SQLite is the embedded default: wait for a writer instead of failing at once.
        config.setdefault("OPTIONS", {})["timeout"] = 20
        config["CONN_MAX_AGE"] = 0
    return config


def _rate_limit_cache(url: str) -> dict:
    """RATE_LIMIT_CACHE_URL: redis://host:6379/1 counts every process's requests together;
    empty (the default) counts in each process's own memory. A Redis that is down or frozen
    costs a request about a quarter of a second (the count is then skipped)."""
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rate"}
    if not url.startswith(("redis://", "rediss://")):
        raise ImproperlyConfigured(
            f"RATE_LIMIT_CACHE_URL={url!r}: use redis:// or rediss://, or leave it empty."
        )
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
    }


def _time_zone(name: str) -> str:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(f"TIME_ZONE={name!r} is not a known time zone.") from None
    return name


def _language_code(code: str) -> str:
    """DJANGO_LANGUAGE_CODE: the language of a reader whose browser asks for none we have."""
    code = code.strip().lower()
    if code not in {language for language, _ in LANGUAGES}:
        raise ImproperlyConfigured(
            f"DJANGO_LANGUAGE_CODE={code!r} is not one of the languages: "
            + ", ".join(language for language, _ in LANGUAGES)
            + "."
        )
    return code


DEBUG = envbool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            "(for the demo, `make run` sets DJANGO_DEBUG=1 in var/.env)."
        )
    SECRET_KEY = "insecure-development-key-set-DJANGO_SECRET_KEY-in-production"
# Former keys, newest first, while what they signed or encrypted is still in use (sessions,
# signed links, the channels' Apprise URLs: `manage.py reencrypt_channels` moves those).
SECRET_KEY_FALLBACKS = envlist("DJANGO_SECRET_KEY_FALLBACKS", "")
ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL={SITE_URL!r} must start with http:// or https://.")
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS", SITE_URL)

# HTTPS: on by default in production (DJANGO_DEBUG off); turn off only behind plain HTTP on
# a closed network, as docker-compose.yml does for localhost.
SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = envbool("DJANGO_SECURE_COOKIES", not DEBUG)
SECURE_HSTS_SECONDS = envint("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, low=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
if envbool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    # Django's admin, whose site tells a signed-in reader they may not enter (admin_site.py).
    "tracker.apps.TrackerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "simple_history",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "tracker",
    # The demo data and the benchmark's load generator (load_demo, generate_load_data).
    "tracker.dev",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the rest, so that it sees every error answered under /api/ (and makes it JSON).
    "tracker.api.errors.JsonErrorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After the user is known: their chosen language, else the browser's (tracker/locale.py).
    "tracker.locale.UserLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"
AUTH_USER_MODEL = "tracker.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded SQLite file lives here
DATABASES = {
    "default": _database(envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tracker.sqlite3'}"))
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Nothing is cached across requests: every page is built from the database, so no write can
# leave a page stale and no cache server is needed. Django's per-process default stays.
# "rate" holds request counters only (tracker/ratelimit.py), never a page or an object.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "rate": _rate_limit_cache(envstr("RATE_LIMIT_CACHE_URL", "")),
}

AUTHENTICATION_BACKENDS = [
    # First: refuses sign-in for a username and address locked out after failed attempts.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    # Older hashes still verify, and are upgraded to Argon2 at the next sign-in.
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # OWASP ASVS 2.1.1 asks for at least 12 characters.
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in throttling (django-axes): after this many failures for one username from one
# address, that pair is locked out for the cool-off time.
# A history row's reason holds the service's reason whole (models/limits.py).
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5, low=1)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 15, low=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # lockouts are in the admin (Axes › access attempts), not on stdout
AXES_IPWARE_PROXY_COUNT = 1 if envbool("DJANGO_BEHIND_PROXY", False) else 0

# Content-Security-Policy (django-csp): no inline script or style anywhere, no third party.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Evidence attachments: at most this many megabytes, and only the types in
# tracker/uploads.py (checked on the file's content, not its name).
EVIDENCE_MAX_UPLOAD_MB = envint("EVIDENCE_MAX_UPLOAD_MB", 10, low=1, high=100)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Imports (docs/import-format.md, "Limits"): whatever a file holds, reading and importing it
# is bounded work; past a limit the import is refused, naming the limit, and saves nothing.
# The import page's 2 MB is fixed: its preview travels back in a form field that
# DATA_UPLOAD_MAX_MEMORY_SIZE caps.
IMPORT_MAX_FILE_MB = envint("IMPORT_MAX_FILE_MB", 50, low=1, high=1000)  # the command's files
IMPORT_MAX_UNZIPPED_MB = envint("IMPORT_MAX_UNZIPPED_MB", 50, low=1, high=1000)
IMPORT_MAX_ROWS = envint("IMPORT_MAX_ROWS", 10_000, low=1, high=1_000_000)
IMPORT_MAX_CELL_CHARS = envint("IMPORT_MAX_CELL_CHARS", 20_000, low=300, high=1_000_000)
# The format nests 7 deep; past a few hundred, reading it would exhaust Python's stack.
IMPORT_MAX_DEPTH = envint("IMPORT_MAX_DEPTH", 20, low=7, high=100)
# The page's: below gunicorn's 30-second worker timeout, so that the editor gets an answer.
IMPORT_TIME_LIMIT_SECONDS = envint("IMPORT_TIME_LIMIT_SECONDS", 20, low=1, high=3600)
IMPORT_COMMAND_TIME_LIMIT_SECONDS = envint("IMPORT_COMMAND_TIME_LIMIT_SECONDS", 3600, low=1)

# The interface's languages (issue 23): a signed-in user's choice (`User.language`), else the
# browser's Accept-Language, else LANGUAGE_CODE (`tracker.locale.UserLocaleMiddleware`).
# Adding one: docs/operations.md, "Languages".
LANGUAGES = [("en", "English"), ("fr", "Français"), ("ur", "اردو")]
LANGUAGE_CODE = _language_code(envstr("DJANGO_LANGUAGE_CODE", "en"))
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and numbers per language (`day`, `long_day`, the `date` filter): tracker/formats/.
FORMAT_MODULE_PATH = ["tracker.formats"]
TIME_ZONE = _time_zone(envstr("TIME_ZONE", "UTC"))
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (evidence attachments): in MEDIA_ROOT, a folder every web server must share
# when there are several; or, with MEDIA_S3_BUCKET set, in an S3-compatible bucket through
# django-storages (docs/operations.md). The app serves them itself, to those who may see them.
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_S3_BUCKET = envstr("MEDIA_S3_BUCKET", "")


def _media_storage() -> dict:
    if not MEDIA_S3_BUCKET:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": envstr("MEDIA_S3_ENDPOINT_URL", "") or None,
            "region_name": envstr("MEDIA_S3_REGION", "") or None,
            "access_key": envstr("MEDIA_S3_ACCESS_KEY_ID", "") or None,
            "secret_key": envstr("MEDIA_S3_SECRET_ACCESS_KEY", "") or None,
            "location": envstr("MEDIA_S3_PREFIX", "media"),
            # Private objects: the bucket's own policy applies, and the app serves them.
            "default_acl": None,
            "file_overwrite": False,
        },
    }


STORAGES = {
    "default": _media_storage(),
    "staticfiles": {
        "BACKEND": envstr(
            "STATICFILES_STORAGE",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# E-mail: any dotted backend path; the default writes each message to a file in var/mail.
EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = envstr("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25, low=1, high=65535)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 30, low=1)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Commitment tracker <tracker@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis in production and tests; the default is a broker in files under var/,
# so that `make run` needs no server.
CELERY_BROKER_URL = envstr("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = VAR_DIR / "broker"
    for _folder in ("out", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "control_folder": str(_broker_dir / "control"),
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = envstr("CELERY_TASK_DEFAULT_QUEUE", "tracker")

# The weekly digest goes out on this ISO weekday (1 = Monday) at this hour, site time zone.
DIGEST_WEEKDAY = envint("DIGEST_WEEKDAY", 1, low=1, high=7)
DIGEST_HOUR = envint("DIGEST_HOUR", 7, low=0, high=23)
# At risk: an open commitment not yet overdue with less than this share of its time left
# (from its milestone to its deadline), by status. 0 turns the rule off for that status.
AT_RISK_SHARE_LEFT = {
    "not_started": envfloat("AT_RISK_NOT_STARTED", 1 / 3, low=0, high=1),
    "stalled": envfloat("AT_RISK_STALLED", 1 / 3, low=0, high=1),
    "in_progress": envfloat("AT_RISK_IN_PROGRESS", 0.1, low=0, high=1),
    "partial": envfloat("AT_RISK_PARTIAL", 0.0, low=0, high=1),
}
# Stale: an open commitment with no new evidence for this many days.
STALE_AFTER_DAYS = envint("STALE_AFTER_DAYS", 60, low=1)
# Exactly-once delivery: a claim older than this belongs to a sender that died and is taken
# over by the next run (a claim whose process is gone from its own machine, at once); it must
# be longer than one attempt can last (connecting, sending, saying QUIT: EMAIL_TIMEOUT each).
DIGEST_CLAIM_TIMEOUT_MINUTES = envint("DIGEST_CLAIM_TIMEOUT_MINUTES", 10, low=1)
if DIGEST_CLAIM_TIMEOUT_MINUTES * 60 < 3 * EMAIL_TIMEOUT:
    raise ImproperlyConfigured(
        f"DIGEST_CLAIM_TIMEOUT_MINUTES={DIGEST_CLAIM_TIMEOUT_MINUTES} must be at least three "
        f"times EMAIL_TIMEOUT ({EMAIL_TIMEOUT} s): a claim must outlast one attempt."
    )
# SMTP errors are retried after DIGEST_RETRY_BACKOFF_SECONDS, doubling each time, until the
# digest has been tried DIGEST_MAX_ATTEMPTS times; then it is marked failed in the log.
DIGEST_MAX_ATTEMPTS = envint("DIGEST_MAX_ATTEMPTS", 5, low=1, high=20)
DIGEST_RETRY_BACKOFF_SECONDS = envint("DIGEST_RETRY_BACKOFF_SECONDS", 60, low=0)
# Notifications (issue 23): at most one message per user per channel every
# NOTIFY_BATCH_MINUTES; a failed message is tried again after NOTIFY_RETRY_BACKOFF_SECONDS,
# doubling each time; a channel that failed NOTIFY_PAUSE_AFTER_FAILURES times in a row is
# paused (and its user told) until the user resumes it. A claim older than
# NOTIFY_CLAIM_TIMEOUT_MINUTES belongs to a sender that died. Each collector looks back
# NOTIFY_COLLECT_OVERLAP_MINUTES before its last run, for transactions that committed late.
NOTIFY_BATCH_MINUTES = envint("NOTIFY_BATCH_MINUTES", 15, low=0, high=1440)
NOTIFY_RETRY_BACKOFF_SECONDS = envint("NOTIFY_RETRY_BACKOFF_SECONDS", 60, low=0)
NOTIFY_PAUSE_AFTER_FAILURES = envint("NOTIFY_PAUSE_AFTER_FAILURES", 5, low=1, high=100)
NOTIFY_CLAIM_TIMEOUT_MINUTES = envint("NOTIFY_CLAIM_TIMEOUT_MINUTES", 10, low=1)
NOTIFY_COLLECT_OVERLAP_MINUTES = envint("NOTIFY_COLLECT_OVERLAP_MINUTES", 60, low=1)
# Sent and withheld notifications, and their messages, are deleted this many days after
# they were collected (a reminder not before its deadline has passed, so that it is never
# collected again).
NOTIFY_KEEP_DAYS = envint("NOTIFY_KEEP_DAYS", 90, low=1)
# Apprise URLs that point at a loopback, private, link-local or reserved address (the cloud
# metadata service at 169.254.169.254, the app's own database) are refused unless this is on.
NOTIFY_ALLOW_PRIVATE_HOSTS = envbool("NOTIFY_ALLOW_PRIVATE_HOSTS", False)
# The overview warns when the overdue scan has not run for this many minutes.
OVERDUE_SCAN_STALE_MINUTES = envint("OVERDUE_SCAN_STALE_MINUTES", 120, low=1)
# The calendar feed holds the deadlines due from DAYS_BEFORE days ago to DAYS_AFTER days
# ahead, at most MAX_EVENTS of them (the nearest to today): a fetch is bounded whatever the
# user may see. Each feed address is fetched at most RATE_LIMIT times in RATE_SECONDS.
CALENDAR_FEED_DAYS_BEFORE = envint("CALENDAR_FEED_DAYS_BEFORE", 90, low=0, high=3660)
CALENDAR_FEED_DAYS_AFTER = envint("CALENDAR_FEED_DAYS_AFTER", 730, low=0, high=3660)
CALENDAR_FEED_MAX_EVENTS = envint("CALENDAR_FEED_MAX_EVENTS", 2000, low=1, high=10000)
CALENDAR_FEED_RATE_LIMIT = envint("CALENDAR_FEED_RATE_LIMIT", 30, low=1)
CALENDAR_FEED_RATE_SECONDS = envint("CALENDAR_FEED_RATE_SECONDS", 600, low=1, high=86400)
# Public pages, feeds and the open dataset (issue 22): how long a browser, proxy or CDN may
# keep them (`Cache-Control: public, max-age`); each also carries an ETag for a 304. Feeds
# hold the newest PUBLIC_FEED_ENTRIES entries.
PUBLIC_MAX_AGE = envint("PUBLIC_MAX_AGE", 300, low=0, high=86400)
PUBLIC_FEED_ENTRIES = envint("PUBLIC_FEED_ENTRIES", 50, low=1, high=500)
# Watched sources (docs/sources.md): beat runs the watcher every SOURCES_WATCH_MINUTES. Each
# fetch connects within CONNECT_TIMEOUT, waits at most READ_TIMEOUT for a byte and reads the
# whole body within FETCH_DEADLINE, at most MAX_KB; a host is asked at most once every
# HOST_INTERVAL seconds; a feed gives at most MAX_ITEMS items a run. Hosts that resolve to
# private, loopback or link-local addresses are refused, except the host names listed in
# SOURCES_ALLOW_PRIVATE_HOSTS (empty: none; the tests list their local server's).
SOURCES_WATCH_MINUTES = envint("SOURCES_WATCH_MINUTES", 30, low=5, high=1440)
SOURCES_CONNECT_TIMEOUT_SECONDS = envint("SOURCES_CONNECT_TIMEOUT_SECONDS", 5, low=1, high=60)
SOURCES_READ_TIMEOUT_SECONDS = envint("SOURCES_READ_TIMEOUT_SECONDS", 10, low=1, high=120)
SOURCES_FETCH_DEADLINE_SECONDS = envint("SOURCES_FETCH_DEADLINE_SECONDS", 30, low=1, high=600)
SOURCES_MAX_BYTES = envint("SOURCES_MAX_KB", 2048, low=16, high=65536) * 1024
SOURCES_MAX_ITEMS = envint("SOURCES_MAX_ITEMS", 100, low=1, high=1000)
SOURCES_HOST_INTERVAL_SECONDS = envfloat("SOURCES_HOST_INTERVAL_SECONDS", 2.0, low=0, high=60)
SOURCES_ALLOW_PRIVATE_HOSTS = envlist("SOURCES_ALLOW_PRIVATE_HOSTS", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    # Each sign-in attempt is in the admin (Axes › access attempts); the log keeps warnings.
    "loggers": {
        "axes": {"level": "WARNING"},
        # Apprise's and urllib3's debug lines hold the services' URLs, tokens and all
        # (notifications, issue 23): never below warnings, whatever LOG_LEVEL says.
        "apprise": {"level": "WARNING"},
        "urllib3": {"level": "WARNING"},
        # WeasyPrint logs each step of each compliance report (issue 21) at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# The JSON API (tracker/api/, docs/api.md): tokens for scripts, the session for the browser.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["tracker.api.permissions.HasRole"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "tracker.api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "tracker.api.schema.TrackerSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Commitment tracker API",
    "DESCRIPTION": "Agreements, their commitments, evidence and status changes, with the "
    "visibility and roles of the web pages. See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Swagger UI from the app's own static files (drf-spectacular-sidecar), never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CommitmentStatusEnum": "tracker.models.commitments.CommitmentStatus",
        "AgreementStatusEnum": "tracker.models.agreements.AgreementStatus",
    },
}
