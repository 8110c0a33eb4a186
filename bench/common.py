"""What every benchmark needs: a fresh Postgres database, Django set up on it, a results table.

Benchmarks run with production settings against ``BENCH_DATABASE_URL`` (default: the embedded
PostgreSQL that `make bench-…` starts under var/bench/), database ``smartrix_bench``, dropped and
created anew at each run.
"""

import os
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "smartrix_bench"


def default_database_url() -> str:
    """The embedded server's socket under var/bench/ (started by the Makefile)."""
    from config.embedded import postgres_database

    db = postgres_database(Path(os.environ.get("SMARTRIX_VAR_DIR", ROOT / "var" / "bench")))
    host = quote(str(db["HOST"]), safe="")
    return f"postgres://{db['USER']}@{host}:{db['PORT']}/{BENCH_DATABASE}"


def bench_environment() -> dict[str, str]:
    """The environment a benchmark (and the servers it starts) runs with."""
    env = dict(os.environ)
    env["DATABASE_URL"] = env.get("BENCH_DATABASE_URL") or default_database_url()
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/2")
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    env.setdefault("DJANGO_SECRET_KEY", "benchmark-only-key")
    env["DJANGO_SECURE_COOKIES"] = "false"
    env["DJANGO_SECURE_SSL_REDIRECT"] = "false"  # plain HTTP on loopback
    env["METERING_TOKEN_RATE"] = "1000000/min"  # noqa: S105 - a rate, not a secret
    env["LOG_LEVEL"] = "WARNING"
    return env


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def setup_django(*, fresh: bool = True) -> dict[str, str]:
    """Points this process at the bench database (fresh and migrated) and sets Django up."""
    env = bench_environment()
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    if fresh:
        recreate_database(env["DATABASE_URL"])
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return env


@dataclass
class Stopwatch:
    seconds: float = 0.0
    laps: list[float] = field(default_factory=list)

    @contextmanager
    def lap(self) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - started
            self.seconds += elapsed
            self.laps.append(elapsed)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def median(values: list[float]) -> float:
    return statistics.median(values)


@dataclass
class Row:
    what: str
    figure: str
    target: str = ""
    ok: bool | None = None


def print_table(title: str, rows: list[Row]) -> None:
    print(f"\n{title}\n")
    print("| measure | figure | target | met |")
    print("|---|---|---|---|")
    for row in rows:
        met = "" if row.ok is None else ("yes" if row.ok else "**no**")
        print(f"| {row.what} | {row.figure} | {row.target} | {met} |")


def http_post(port: int, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, float]:
    """POST on loopback, a new connection each time; (status, seconds)."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    connection.request("POST", path, body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    return response.status, elapsed
