"""Tests: real Postgres and Redis on 127.0.0.1 unless DATABASE_URL / REDIS_URL say otherwise."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/smartrix")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
# The cache gets its own Redis database so clearing it never touches the broker.
os.environ.setdefault("REDIS_CACHE_URL", "redis://127.0.0.1:6379/1")
os.environ.setdefault("JOI_OPEN", "true")
os.environ.setdefault("SMARTRIX_DEMO_USERS_ALLOWED", "true")

from config.settings.base import *  # noqa: F403

SECRET_KEY = "smartrix-test-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: the live server's threads then get connections of their own, and the
    # portable ingestion path meets real concurrency (WAL, IMMEDIATE transactions).
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-portable.sqlite3")}  # noqa: F405
