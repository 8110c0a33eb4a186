import os
from collections.abc import Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache
from rest_framework.test import APIClient

from config.celery_app import app as celery_app
from core.queues import Queue


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """Rate limits live in the shared cache: every test starts with none used."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[None]:
    """A real Celery worker (a thread of this process) on the test broker, every queue.

    Tasks see only committed rows, hence the transactional database."""
    celery_app.control.purge()
    with start_worker(
        celery_app,
        pool="solo",
        perform_ping_check=False,
        queues=[queue.value for queue in Queue],
        shutdown_timeout=30,
    ):
        yield


def pytest_sessionfinish(session: pytest.Session) -> None:
    # CI runs the whole suite: a skipped test there is a failure of the set-up.
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if os.environ.get("CI") == "true" and reporter is not None and reporter.stats.get("skipped"):
        reporter.write_line("skipped tests under CI: every service must be running")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
