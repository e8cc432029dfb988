"""Django settings of the portal, made from the data folder and the database address that
``nianbao serve`` puts in the environment (``NIANBAO_PORTAL_DATA``, ``NIANBAO_PORTAL_DATABASE``).

Everything lives under the data folder: the SQLite database (unless a PostgreSQL address is
given), the file store, the secret key. Back-up = copy the folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from .config import database, origin, secret_key

DATA = Path(os.environ["NIANBAO_PORTAL_DATA"]).resolve()
SECRET_KEY = secret_key(DATA)
DEBUG = False
# The portal answers whatever name or address the intranet reaches it by; sessions and CSRF do
# not depend on the Host header (see docs/portal.md, security).
ALLOWED_HOSTS = ["*"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "nianbao.portal",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # the headers of every answer first, so that they are on the refusals below too
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "nianbao.portal.middleware.page_headers",
    "nianbao.portal.frontdoor.too_large",  # before anything reads the body (CSRF reads the form)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "nianbao.portal.urls"
WSGI_APPLICATION = "nianbao.portal.wsgi.application"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
    ]},
}]
DATABASES = {"default": database(os.environ.get("NIANBAO_PORTAL_DATABASE") or "", DATA)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Access codes are random (80 bits): a salted hash with fewer rounds than Django's default for
# human passwords is as safe for them and keeps sign-in and code printing fast (docs/design.md).
PASSWORD_HASHERS = [
    "nianbao.portal.codes.AccessCodeHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS: list = []

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
WHITENOISE_USE_FINDERS = True  # served from the package itself: no collectstatic, no CDN
WHITENOISE_AUTOREFRESH = False

SESSION_COOKIE_AGE = 8 * 3600  # a working day; then sign in again
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "nianbao_session"
CSRF_COOKIE_NAME = "nianbao_csrf"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "nianbao.portal.views.common.csrf_failure"
LOGIN_URL = "/login/"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# the address bodies open, printed on their access codes (default: the one the county used)
PUBLIC_URL = (os.environ.get("NIANBAO_PORTAL_URL") or "").rstrip("/")
# Forms posted from that address are the portal's own, whatever Host header a reverse proxy in
# front passes on (an HTTPS proxy's browser says Origin: https://…, which Django would otherwise
# compare with the plain-HTTP request it receives, and refuse every form).
CSRF_TRUSTED_ORIGINS = [origin(PUBLIC_URL)] if PUBLIC_URL else []
MAX_UPLOAD = int(os.environ.get("NIANBAO_PORTAL_MAX_UPLOAD") or 20 * 2**20)
# what waitress reads (spooled to a temporary file) before refusing by itself: above the
# portal's limit, so that a file somewhat too large gets the portal's own page (frontdoor.py)
MAX_REQUEST = 2 * MAX_UPLOAD + 2**20
FILE_UPLOAD_TEMP_DIR = str(DATA / "tmp")  # uploads over 2 MB are spooled here, not in memory
os.makedirs(FILE_UPLOAD_TEMP_DIR, exist_ok=True)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 2**20
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 2**20
DATA_UPLOAD_MAX_NUMBER_FILES = 2000  # last year's report JSONs, one per body

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    # "Not Found" and refused requests are answered with a page; only errors go to the log
    "loggers": {"django": {"handlers": ["stderr"], "level": "ERROR"},
                "nianbao.portal": {"handlers": ["stderr"], "level": "INFO"}},
}
