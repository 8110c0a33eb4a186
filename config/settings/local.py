"""The embedded demo: debug on, JOI endpoints open, demo users allowed."""

import os

os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("JOI_OPEN", "true")
os.environ.setdefault("SMARTRIX_DEMO_USERS_ALLOWED", "true")

from config.settings.base import *  # noqa: F403

# Only for the embedded demo on a developer's machine; production has no default.
SECRET_KEY = SECRET_KEY or "smartrix-local-demo-key-not-for-production"  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
