"""Tests: PostgreSQL and Redis. `make test` starts the embedded PostgreSQL and a Redis of its own
unless DATABASE_URL / REDIS_URL name servers to use."""

import os

os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
# The cache gets its own Redis database so clearing it never touches the broker.
os.environ.setdefault("REDIS_CACHE_URL", os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/1")
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
