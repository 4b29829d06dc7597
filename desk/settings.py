"""Settings for the content desk, read from the environment (docs/desk.md lists every variable)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("DESK_DATA_DIR", Path.cwd() / "desk-data")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """DESK_SECRET_KEY, else a key made once and kept beside the database, readable by the service user only."""
    if os.environ.get("DESK_SECRET_KEY"):
        return os.environ["DESK_SECRET_KEY"]
    path = DATA_DIR / "secret-key"
    if not path.exists():
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as stream:
            stream.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("DESK_DEBUG") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("DESK_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DESK_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [  # auth before desk.content: its permissions exist when the roles are made after a migration
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "desk.content",  # before admin: its templates extend the admin's
    "desk.fleet",  # the terminals' heartbeats, feedback and usage (docs/desk.md, "The fleet")
    "desk.alerts",  # after desk.content: it adds its permissions to the roles desk.content makes
    "django.contrib.admin",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "desk.content.csp.ContentSecurityPolicy",
]
ROOT_URLCONF = "desk.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3",
                         "NAME": os.environ.get("DESK_DATABASE", str(DATA_DIR / "desk.sqlite3")),
                         # IMMEDIATE: gunicorn's workers queue for the write lock instead of failing a terminal's post.
                         "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20,
                                     "init_command": "PRAGMA journal_mode=WAL;"}}}
if os.environ.get("DATABASE_URL"):  # a city-wide fleet: postgres://user:password@host:5432/desk (docs/desk.md)
    import dj_database_url

    DATABASES["default"] = dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("DESK_TIME_ZONE", "Europe/Berlin")

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DESK_STATIC_ROOT", DATA_DIR / "static"))
# The kiosk map (desk/content/static/desk/kiosk_map.js) uses the Leaflet the take-along page vendors: no CDN.
STATICFILES_DIRS = [("leaflet", PACKAGE_DIR.parent / "assets" / "share" / "vendor" / "leaflet")]

# Sessions end after a working day, and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("DESK_SESSION_SECONDS", 8 * 3600))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# Behind the TLS reverse proxy (deploy/desk-nginx.conf) cookies travel over HTTPS only.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = os.environ.get("DESK_BEHIND_TLS") == "1"
if os.environ.get("DESK_BEHIND_TLS") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Login rate limiting (desk/content/logins.py): this many wrong passwords lock a user name for LOCK_SECONDS.
DESK_LOGIN_FAILURES = 5
DESK_LOGIN_LOCK_SECONDS = int(os.environ.get("DESK_LOGIN_LOCK_SECONDS", 15 * 60))

# Publishing (desk/content/publish.py): where the feed goes and the key that signs it (never in the database).
DESK_WEB_ROOT = Path(os.environ.get("DESK_WEB_ROOT", DATA_DIR / "site"))
DESK_SIGNING_KEY = Path(os.environ.get("DESK_SIGNING_KEY", DATA_DIR / "keys" / "feed-signing.key"))
DESK_MEDIA_DIR = Path(os.environ.get("DESK_MEDIA_DIR", DATA_DIR / "media"))

# Sources re-imported through sync/build by `kiosk-desk import_sources` (desk/content/sources.py), e.g. from a timer.
DESK_SOURCE_OSM = os.environ.get("DESK_SOURCE_OSM", "")
DESK_SOURCE_BBOX = os.environ.get("DESK_SOURCE_BBOX", "")
DESK_SOURCE_BOUNDARY = os.environ.get("DESK_SOURCE_BOUNDARY", "")
DESK_SOURCE_CALENDARS = os.environ.get("DESK_SOURCE_CALENDARS", "").split()
DESK_SOURCE_PLACES_CSV = os.environ.get("DESK_SOURCE_PLACES_CSV", "")
# The fleet (desk/fleet): the token terminals send as fleet_token; without it the desk accepts no posts.
DESK_FLEET_TOKEN = os.environ.get("DESK_FLEET_TOKEN", "")
