"""Secrets out of log lines: device and partner keys, and the query-string values that may
carry them."""

import logging
import re
from typing import override

# Query-string names a client may put a key under; the device API refuses (and revokes) them.
URL_SECRET_NAMES = frozenset({"token", "key", "access_token", "api_key"})
REDACTED = "[redacted]"

_URL_SECRET = re.compile(
    r"([?&;](?:" + "|".join(sorted(URL_SECRET_NAMES)) + r")=)[^&;\s\"']*", re.IGNORECASE
)
_TOKEN_HEADER = re.compile(r"(\bToken\s+)[^\s\"',]+", re.IGNORECASE)
_KEY = re.compile(r"\b(smxp?_)[A-Za-z0-9_-]+")  # device (smx_) and partner (smxp_) keys


def redact(text: str) -> str:
    text = _URL_SECRET.sub(rf"\1{REDACTED}", text)
    text = _TOKEN_HEADER.sub(rf"\1{REDACTED}", text)
    return _KEY.sub(rf"\1{REDACTED}", text)


class RedactSecretsFilter(logging.Filter):
    """On a handler: every record it writes has its secrets replaced (Django's request and
    server loggers put the full request line, query string included, into messages)."""

    @override
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format is the handler's to report (handleError), not ours
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
