"""Tasks of the shared kernel."""

import socket

from celery import shared_task


@shared_task(name="core.ping")
def ping() -> str:
    """Answers from a worker: proves that the broker, a worker and the result backend work."""
    return f"pong from {socket.gethostname()}"
