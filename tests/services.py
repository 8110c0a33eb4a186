"""Servers some tests talk to beyond PostgreSQL and Redis (RabbitMQ, Mosquitto, Chromium): where
one is missing the test is skipped with the reason and how to enable it; under CI
(``CI=true``) every one must be there, so the test fails instead."""

import os
import socket

import pytest


def unavailable(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def service_required(name: str, host: str, port: int, enable: str) -> None:
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError:
        unavailable(f"{name} is not reachable on {host}:{port}; {enable}")
