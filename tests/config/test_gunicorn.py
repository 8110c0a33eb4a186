"""Gunicorn's access log (config/gunicorn.py) never shows a query string or a referrer."""

import io
import logging
from datetime import timedelta
from types import SimpleNamespace

from gunicorn.config import Config
from gunicorn.glogging import Logger

from config import gunicorn as gunicorn_settings

KEY = "smx_secretsecretsecret"


def test_the_access_log_leaves_out_query_strings_and_referrers() -> None:
    config = Config()
    config.set("accesslog", gunicorn_settings.accesslog)
    config.set("access_log_format", gunicorn_settings.access_log_format)
    logger = Logger(config)
    buffer = io.StringIO()
    logger.access_log.handlers = [logging.StreamHandler(buffer)]
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/readings/read/meter-a?token={KEY}",
        "PATH_INFO": "/readings/read/meter-a",
        "QUERY_STRING": f"token={KEY}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.1",
        "HTTP_REFERER": f"https://example.org/?key={KEY}",
        "HTTP_USER_AGENT": "meter/1",
    }
    response = SimpleNamespace(status="401 Unauthorized", sent=97, headers=[])
    logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=3))

    line = buffer.getvalue()
    assert '"GET /readings/read/meter-a HTTP/1.1" 401 97' in line
    assert "10.0.0.1" in line
    assert KEY not in line
