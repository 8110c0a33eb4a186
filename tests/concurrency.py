"""Running the same job in several threads at once, each with its own database connection,
as two Celery workers would."""

import threading
from collections.abc import Callable

from django.db import connection


def run_at_once(job: Callable[[], object], workers: int = 2) -> list[BaseException]:
    """Runs ``job`` in ``workers`` threads together; returns what they raised."""
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            job()
        except BaseException as exc:  # reported to the caller, which asserts there are none
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
