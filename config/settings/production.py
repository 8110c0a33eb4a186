"""Production: every secret from the environment, the JOI endpoints closed, no demo users."""

import os

os.environ.setdefault("JOI_OPEN", "false")
os.environ["SMARTRIX_DEMO_USERS_ALLOWED"] = "false"

from config.settings.base import *  # noqa: F403
from config.settings.base import env

SECRET_KEY = env("DJANGO_SECRET_KEY")  # no default: start-up fails without it
DEBUG = False
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
