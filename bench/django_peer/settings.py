"""Production-style settings, read from the same environment as Taskwise (bench/serve.py sets
DATABASE_URL and SECRET_KEY): DEBUG off, pooled connections, the cached template loader
(Django's default when DEBUG is off)."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

# Taskwise's signed session cookie (itsdangerous, the app's own salt); see middleware.py.
TASKWISE_SECRET_KEY = SECRET_KEY
TASKWISE_SESSION_COOKIE = "taskwise_session"
LOGIN_URL = "/signin"

INSTALLED_APPS = [
    "django.contrib.humanize",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "bench.django_peer.apps.PeerConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "bench.django_peer.middleware.TaskwiseSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
# No django.contrib.sessions: the session is Taskwise's, so flashes live in a signed cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"

ROOT_URLCONF = "bench.django_peer.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database(url: str) -> dict[str, object]:
    parts = urlsplit(url)
    return {
        "ENGINE": "django.db.backends.postgresql",  # psycopg 3 (the bench group), its pool
        "NAME": parts.path.lstrip("/"),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        # Served over ASGI, where each request runs its sync view in a thread of its own:
        # CONN_MAX_AGE would leave one connection per request open (Django's docs say to
        # disable it under ASGI) and 0 would connect per request, so connections are kept
        # in psycopg 3's pool (Django ≥ 5.1), as the docs advise for ASGI.
        "CONN_MAX_AGE": 0,
        "OPTIONS": {"pool": True},
    }


DATABASES = {"default": _database(os.environ["DATABASE_URL"])}

USE_TZ = True
TIME_ZONE = "UTC"
USE_I18N = False
STATIC_URL = "/static/"
