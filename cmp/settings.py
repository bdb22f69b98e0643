"""Settings for the consent-management platform.

Every value comes from an environment variable so the same code runs on a laptop (embedded SQLite,
no Redis, Celery tasks executed in-process) and in production (PostgreSQL, Redis, Celery workers).
`.env.example` lists every variable. A malformed value stops start-up with a message naming it.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

# Pure data, no Django import: the names of the languages in themselves.
from sites.languages import LANGUAGES as BANNER_LANGUAGES

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use 1/0, true/false, yes/no or on/off.")


def env_int(name: str, default: int, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is below the minimum of {minimum}.")
    return value


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_url(name: str, default: str, schemes: set[str]) -> str:
    raw = os.environ.get(name, default)
    parsed = urlparse(raw)
    if raw and parsed.scheme not in schemes:
        allowed = ", ".join(sorted(schemes))
        raise ImproperlyConfigured(f"{name}={raw!r} must be a URL with one of the schemes: {allowed}.")
    return raw


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random value (python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'), or set DEBUG=1 for a throw-away development key."
        )
    SECRET_KEY = "dev-only-" + secrets.token_urlsafe(40)

# Signs consent records, seals and visitor ids (HMAC). It must outlive SECRET_KEY rotations, so it
# is its own variable; in development it falls back to a fixed, clearly non-secret value so that
# records written in one `make run` still verify in the next. Rotating (manage.py
# rotate_consent_key) moves the previous key to CMP_CONSENT_OLD_HMAC_KEYS, which only verify.
CMP_CONSENT_HMAC_KEY = env_str("CMP_CONSENT_HMAC_KEY")
if not CMP_CONSENT_HMAC_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "CMP_CONSENT_HMAC_KEY is not set. It signs consent records; set it to a long random value "
            "and keep it (records signed with a lost key can no longer be verified)."
        )
    CMP_CONSENT_HMAC_KEY = "development-consent-hmac-key-not-secret"
CMP_CONSENT_OLD_HMAC_KEYS = env_list("CMP_CONSENT_OLD_HMAC_KEYS")
# 32 bytes: a shorter key could be guessed from the records it signs (consent/keyring.py).
# Old keys only verify, so they may be shorter: a database signed under a short round-1 key must
# still verify after the upgrade (its new records are signed under the new, long key).
for _name, _key in [("CMP_CONSENT_HMAC_KEY", CMP_CONSENT_HMAC_KEY)]:
    if len(_key.encode()) < 32:
        raise ImproperlyConfigured(
            f"{_name} holds a key of {len(_key.encode())} bytes; consent keys need at least 32 "
            "(python -c 'import secrets; print(secrets.token_urlsafe(32))')."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is empty. List the host names this service answers for.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # runserver (`make run`) serves static files through whitenoise too, compressed as in production.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    # The API docs page's assets, pinned and served from here (no CDN: the page works offline).
    "drf_spectacular_sidecar",
    "corsheaders",
    "csp",
    "infra.apps.InfraConfig",
    "vendors.apps.VendorsConfig",
    "sites.apps.SitesConfig",
    "consent.apps.ConsentConfig",
    "scanner.apps.ScannerConfig",
    "console.apps.ConsoleConfig",
    # Admin sign-in lockout (cmp/login_lockout.py); its tables stay empty, the counts live in the cache.
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # gzip for the text answers (static files come compressed from whitenoise), outside every other
    # middleware, so that each of them sees the body as rendered. Not for answers carrying a secret
    # (cmp/compression.py: BREACH).
    "cmp.compression.CompressionMiddleware",
    "cmp.security.ContentSecurityPolicyMiddleware",
    "cmp.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # After CORS so that 413/429/503 answers carry the CORS headers the banner needs to read them.
    "cmp.body_limit.BodySizeLimitMiddleware",
    "cmp.ratelimit.RateLimitMiddleware",
    "cmp.outage.DatabaseOutageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cmp.admin_locale.AdminLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "infra.middleware.ConfigVersionMiddleware",
    # Last, as axes asks: turns a sign-in refused during a lockout into the lockout notice.
    "axes.middleware.AxesMiddleware",
]

# axes' backend refuses a locked-out sign-in before Django's checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "cmp.urls"
WSGI_APPLICATION = "cmp.wsgi.application"

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
                # {{ CSP_NONCE }}: the response's nonce, for the inline <script> and <style> of a page.
                "csp.context_processors.nonce",
            ],
        },
    },
]

DATABASE_URL = env_url(
    "DATABASE_URL",
    f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
    {"sqlite", "postgres", "postgresql", "pgsql"},
)
# PostgreSQL: statements run with server-side binding and are prepared after this many runs on a
# connection; the request path's own statements are prepared at once (consent/prepared.py). Parsing and
# planning once per connection instead of on every request is most of a downstream read's database
# time (docs/PERFORMANCE.md, "HTTP load"). A transaction-pooling PgBouncer before 1.21 cannot carry
# prepared statements: set 0 behind one.
CMP_DB_PREPARE_THRESHOLD = env_int("CMP_DB_PREPARE_THRESHOLD", 2, 0)
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CMP_DB_CONN_MAX_AGE", 60, 0))
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Concurrent writers (gunicorn workers, the test server) wait for the lock instead of failing:
    # IMMEDIATE takes the write lock when a transaction starts, so two transactions never deadlock
    # upgrading a read lock (which SQLite reports at once as "database is locked", ignoring timeout).
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    DATABASES["default"]["OPTIONS"] = {"connect_timeout": env_int("CMP_DB_CONNECT_TIMEOUT", 5, 1)}
    if CMP_DB_PREPARE_THRESHOLD:
        DATABASES["default"]["OPTIONS"].update(
            {"server_side_binding": True, "prepare_threshold": CMP_DB_PREPARE_THRESHOLD}
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_url("REDIS_URL", "", {"redis", "rediss", "unix"})
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
                # A cache outage must not take consent recording down with it: reads miss, writes
                # are dropped, and the database stays the source of truth.
                "IGNORE_EXCEPTIONS": True,
                # Never pickle: whoever can write to Redis must not be able to run code in the
                # workers. The cache holds counters only (rate limits, sign-in lockouts).
                "SERIALIZER": "django_redis.serializers.json.JSONSerializer",
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: with no Redis, tasks run in-process so `make run` needs nothing else.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# JSON only, in both directions: a message someone wrote into Redis cannot make a worker unpickle it.
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_ACCEPT_CONTENT = ["json"]
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task whose worker died unacknowledged is handed to another worker after this many seconds. Every
# periodic job is idempotent and resumable, so a redelivery that overlaps a slow run is harmless.
_VISIBILITY_TIMEOUT = env_int("CMP_CELERY_VISIBILITY_TIMEOUT", 3600, 1)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _VISIBILITY_TIMEOUT,
    # Look for orphaned tasks at least once per visibility timeout (kombu sweeps every ~100 s).
    "unacked_restore_interval": min(10, _VISIBILITY_TIMEOUT),
    "unacked_restore_throttle": 1 if _VISIBILITY_TIMEOUT < 100 else 10,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = env_str("CMP_BEAT_SCHEDULE_FILE", str(BASE_DIR / "celerybeat-schedule"))
CELERY_TIMEZONE = "UTC"
# Scans have a queue of their own, so a long crawl never delays retention, seals or webhooks.
CELERY_TASK_ROUTES = {"scanner.tasks.*": {"queue": "scans"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
# The project's own strings (banner and admin) in locale/<lang>/LC_MESSAGES/django.po; the admin
# offers these languages (cmp/admin_locale.py), the banner every language of sites/languages.py.
LOCALE_PATHS = [BASE_DIR / "locale"]
# The languages the project translates its own strings into (one locale/<code>/ each).
LANGUAGES = [
    (code, BANNER_LANGUAGES[code])
    for code in [
        "bg",
        "ca",
        "cs",
        "da",
        "de",
        "el",
        "en",
        "es",
        "et",
        "fi",
        "fr",
        "ga",
        "hr",
        "hu",
        "it",
        "lt",
        "lv",
        "mt",
        "nl",
        "no",
        "pl",
        "pt",
        "ro",
        "sk",
        "sl",
        "sv",
    ]
]
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("CMP_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# The banner script is fetched cross-origin by every publisher page.
WHITENOISE_ALLOW_ALL_ORIGINS = True
# collectstatic writes a gzip copy next to every text file (the names stay unhashed: publishers
# embed /static/consent/cmp.js as it is) and whitenoise serves it to clients that accept gzip.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from static/ (uncompressed: no gzip copies there), so development and tests need no
# collectstatic step. Off where the collected, compressed files are what is served (the image,
# `make run`): files found in static/ would otherwise take precedence over them.
WHITENOISE_USE_FINDERS = env_bool("CMP_STATIC_USE_FINDERS", True)
WHITENOISE_MAX_AGE = env_int("CMP_STATIC_MAX_AGE", 300, 0)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Consent-management platform API",
    "DESCRIPTION": "Banner, consent recording, downstream consent reads and TC string tools.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Two choice sets share the field name "action": a record's, and a feed erasure's ("erase" only).
    "ENUM_NAME_OVERRIDES": {
        "ConsentActionEnum": ["accept_all", "reject_all", "custom", "withdraw", "opt_out", "erase"],
        "ErasureActionEnum": ["erase"],
    },
}

# Behind a TLS-terminating proxy, trust its X-Forwarded-Proto so HSTS and secure cookies apply.
# The proxy must set the header itself, overwriting any the client sent (deploy/Caddyfile does).
CMP_BEHIND_TLS_PROXY = env_bool("CMP_BEHIND_TLS_PROXY", False)
if CMP_BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # A plain-HTTP request that still reached the service is sent to HTTPS.
    SECURE_SSL_REDIRECT = env_bool("CMP_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("CMP_HSTS_SECONDS", 31536000, 0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("CMP_HSTS_INCLUDE_SUBDOMAINS", True)
    # Asking browsers to preload HSTS is a commitment for the whole registered domain, which only
    # its owner can make (hstspreload.org); off unless set, and check --deploy's reminder about it
    # (security.W021) is silenced only while it is off by that choice.
    SECURE_HSTS_PRELOAD = env_bool("CMP_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# The policy of every HTML page (django-csp 4; cmp/security.py gives JSON and CSV answers one that
# allows nothing and sets frame-ancestors from X-Frame-Options). Inline scripts and styles run only
# with the response's nonce, so markup injected into a page cannot run or restyle it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        # The API docs (Redoc) run their search index in a blob: worker.
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The largest request body the API accepts; larger bodies get a 413 before any parsing.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("CMP_MAX_BODY_BYTES", 64 * 1024, 1024)

# --- Abuse resistance (cmp/ratelimit.py, cmp/login_lockout.py, cmp/outage.py) ---------------------
# Public API requests per client address and per site, per window; 0 switches a limit off.
CMP_RATE_LIMIT_PER_IP = env_int("CMP_RATE_LIMIT_PER_IP", 300, 0)
CMP_RATE_LIMIT_IP_WINDOW_SECONDS = env_int("CMP_RATE_LIMIT_IP_WINDOW_SECONDS", 60, 1)
CMP_RATE_LIMIT_PER_SITE = env_int("CMP_RATE_LIMIT_PER_SITE", 60000, 0)
CMP_RATE_LIMIT_SITE_WINDOW_SECONDS = env_int("CMP_RATE_LIMIT_SITE_WINDOW_SECONDS", 60, 1)
# Redis down: serve uncounted (default) or answer 503. Consent POSTs are always served.
CMP_RATE_LIMIT_FAIL_CLOSED = env_bool("CMP_RATE_LIMIT_FAIL_CLOSED", False)
CMP_RATE_LIMIT_BACKOFF_SECONDS = env_int("CMP_RATE_LIMIT_BACKOFF_SECONDS", 5, 1)
CMP_RATE_LIMIT_KEY_PREFIX = env_str("CMP_RATE_LIMIT_KEY_PREFIX", "cmp:rl")
# Most hits a process counts on one key before it sends them to Redis (never more than 1/32 of the
# key's limit): all processes together may exceed a limit by (processes x (burst - 1)) per window;
# 1 sends every hit (exact, one round trip each).
CMP_RATE_LIMIT_LOCAL_BURST = env_int("CMP_RATE_LIMIT_LOCAL_BURST", 32, 1)
# How many reverse proxies in front of the service append to X-Forwarded-For (0: use the peer).
CMP_TRUSTED_PROXY_HOPS = env_int("CMP_TRUSTED_PROXY_HOPS", 0, 0)
# Admin sign-in (cmp/login_lockout.py, django-axes): failures per username and per address before
# a lockout of this many seconds.
CMP_ADMIN_LOGIN_MAX_FAILURES = env_int("CMP_ADMIN_LOGIN_MAX_FAILURES", 5, 1)
CMP_ADMIN_LOGIN_LOCKOUT_SECONDS = env_int("CMP_ADMIN_LOGIN_LOCKOUT_SECONDS", 900, 1)
AXES_HANDLER = "cmp.login_lockout.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = "cmp.login_lockout.failure_limit"
AXES_COOLOFF_TIME = "cmp.login_lockout.cool_off"
# Axes is given an HMAC of the address, never the address (docs/PRIVACY.md).
AXES_CLIENT_IP_CALLABLE = "cmp.login_lockout.client_subject"
AXES_LOCKOUT_CALLABLE = "cmp.login_lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Attempts during a lockout do not prolong it, so the retry time the notice gives holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HTTP_RESPONSE_CODE = 429
# Log lines name the path only (axes masks the username and the address subject).
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False
AXES_DISABLE_ACCESS_LOG = True
# Retry-After sent with the 503 answered while the database is unreachable.
CMP_DB_RETRY_AFTER_SECONDS = env_int("CMP_DB_RETRY_AFTER_SECONDS", 15, 1)
# Routes /bench/bare, the do-nothing view the load figures are compared with (bench only).
CMP_BENCH_BARE_VIEW = env_bool("CMP_BENCH_BARE_VIEW", False)

# --- Product knobs -------------------------------------------------------------------------------
# The IAB-assigned CMP id and our build number, written into every TC string.
CMP_ID = env_int("CMP_ID", 2, 2)
CMP_VERSION = env_int("CMP_VERSION", 1, 0)
CMP_CONSENT_LIFETIME_DAYS = env_int("CMP_CONSENT_LIFETIME_DAYS", 730, 1)
# Records younger than this are left for the next hourly seal: a write still in flight may hold a
# lower id than one already committed, and a seal must never skip over it.
CMP_SEAL_GRACE_SECONDS = env_int("CMP_SEAL_GRACE_SECONDS", 120, 0)
# /healthz shows which check failed, and why, only to staff or to this bearer token (empty: staff only).
CMP_HEALTH_TOKEN = env_str("CMP_HEALTH_TOKEN")
# Where each new seal's head (site, sequence, MAC) is appended, outside the database, so that
# verify_consent_log can tell when seals and their records were removed (consent/sink.py). Put it
# on another volume than the database, ideally append-only (chattr +a, or a shipped log file).
CMP_SEAL_SINK_PATH = Path(env_str("CMP_SEAL_SINK_PATH") or BASE_DIR / "var" / "seal-heads.jsonl")
# Where every committed record's id and MAC prefix is appended (consent/journal.py), so that records
# not sealed yet cannot be deleted or swapped without trace. Empty: record-journal.log beside the
# seal sink, on its volume.
CMP_RECORD_JOURNAL_PATH = env_str("CMP_RECORD_JOURNAL_PATH")
# Records deleted per transaction by the retention purge. 10,000 keeps each transaction (and the
# site lock that sealing waits on) well under a second while halving the per-batch overhead of
# 1,000 (bench/consent_storage.py); recording never waits on that lock.
CMP_PURGE_BATCH_SIZE = env_int("CMP_PURGE_BATCH_SIZE", 10000, 1)
# How long browsers and proxies may reuse a banner configuration (the ETag revalidates it after).
CMP_BANNER_MAX_AGE = env_int("CMP_BANNER_MAX_AGE", 300, 0)
# Where the visitor is: the request headers the deployment's CDN or proxy sets with the visitor's
# country (ISO 3166-1) and subdivision (ISO 3166-2, e.g. CA for California). Empty: unknown, every
# visitor gets the opt-in banner. Name only headers your proxy sets and overwrites: a header the
# client could send itself would let it choose its own law (docs/BANNER.md, "Where the visitor is").
CMP_LOCATION_COUNTRY_HEADER = env_str("CMP_LOCATION_COUNTRY_HEADER", "")
CMP_LOCATION_REGION_HEADER = env_str("CMP_LOCATION_REGION_HEADER", "")
# Where the visitor is when no such header came: a GeoIP database in MaxMind DB format (MaxMind
# GeoLite2/GeoIP2 Country or City, DB-IP IP-to-Country/City Lite), read with the client address
# (CMP_TRUSTED_PROXY_HOPS), which is not kept. None ships: download one and keep it fresh
# (infra/geoip.py). Empty: the embedded country table below, or no lookup when that is off too.
CMP_GEOIP_DATABASE = env_str("CMP_GEOIP_DATABASE", "")
# Without CMP_GEOIP_DATABASE: the offline country table of the iptocc package (countries only).
CMP_GEOIP_EMBEDDED = env_bool("CMP_GEOIP_EMBEDDED", True)
CMP_GVL_URL = env_url(
    "CMP_GVL_URL", "https://vendor-list.consensu.org/v3/vendor-list.json", {"http", "https"}
)
CMP_GOOGLE_ATP_URL = env_url(
    "CMP_GOOGLE_ATP_URL",
    "https://storage.googleapis.com/tcfac/additional-consent-providers.csv",
    {"http", "https"},
)
# Requests the server makes to URLs others chose (infra/outbound.py) may reach private, loopback and
# link-local addresses only when this is on: for tests and closed networks, never on the internet.
CMP_OUTBOUND_ALLOW_PRIVATE = env_bool("CMP_OUTBOUND_ALLOW_PRIVATE", False)
# Vendors' device storage disclosures (vendors/device_storage.py), fetched daily at most: a document
# larger than this, or slower than this in all, is recorded as an error.
CMP_DEVICE_STORAGE_MAX_BYTES = env_int("CMP_DEVICE_STORAGE_MAX_BYTES", 1024 * 1024, 1024)
CMP_DEVICE_STORAGE_TIMEOUT_SECONDS = env_int("CMP_DEVICE_STORAGE_TIMEOUT_SECONDS", 15, 1)
# --- Cookie scanner (scanner/) ---------------------------------------------------------------------
# Debian's Chromium; the scanner starts it itself (never a downloaded browser).
CMP_SCAN_CHROMIUM = env_str("CMP_SCAN_CHROMIUM", "/usr/bin/chromium")
# Page loads in flight at once (each in its own browser context); about two per core.
CMP_SCAN_CONCURRENCY = env_int("CMP_SCAN_CONCURRENCY", 4, 1)
# A page that has not settled in this long is recorded as failed (timeout) and the scan goes on.
CMP_SCAN_PAGE_TIMEOUT_SECONDS = env_int("CMP_SCAN_PAGE_TIMEOUT_SECONDS", 20, 1)
# A scan running longer than this stops and is marked failed, keeping what it found.
CMP_SCAN_TIME_LIMIT_SECONDS = env_int("CMP_SCAN_TIME_LIMIT_SECONDS", 1800, 10)
# --- Webhooks (consent/webhooks/) ------------------------------------------------------------------
# How often the beat task turns new records into events and sends what is due.
CMP_WEBHOOK_DISPATCH_SECONDS = env_int("CMP_WEBHOOK_DISPATCH_SECONDS", 2, 1)
# Records younger than this may still have a lower-id sibling in flight; events are made for them
# but the cursor waits (consent/webhooks/events.py).
CMP_WEBHOOK_GRACE_SECONDS = env_int("CMP_WEBHOOK_GRACE_SECONDS", 5, 0)
# First retry after this long, then twice as long each time (at most an hour), for this long in all.
CMP_WEBHOOK_RETRY_BASE_SECONDS = env_int("CMP_WEBHOOK_RETRY_BASE_SECONDS", 30, 0)
CMP_WEBHOOK_RETRY_FOR_SECONDS = env_int("CMP_WEBHOOK_RETRY_FOR_SECONDS", 86400, 1)
CMP_WEBHOOK_TIMEOUT_SECONDS = env_int("CMP_WEBHOOK_TIMEOUT_SECONDS", 10, 1)
# An endpoint whose deliveries failed this many times in a row is disabled (with a notice).
CMP_WEBHOOK_DISABLE_AFTER_FAILURES = env_int("CMP_WEBHOOK_DISABLE_AFTER_FAILURES", 50, 1)
# The changes feed holds back records younger than this: a lower id may still be committing.
CMP_FEED_SETTLE_SECONDS = env_int("CMP_FEED_SETTLE_SECONDS", 5, 0)
CMP_HEALTH_REDIS_TIMEOUT = float(env_int("CMP_HEALTH_REDIS_TIMEOUT_MS", 1000, 1)) / 1000

CMP_LOG_FORMAT = env_str("CMP_LOG_FORMAT", "text")
if CMP_LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"CMP_LOG_FORMAT={CMP_LOG_FORMAT!r} must be text or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "cmp.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": CMP_LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("CMP_LOG_LEVEL", "INFO")},
}
