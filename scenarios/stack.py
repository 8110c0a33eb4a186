"""`make run` as a new user starts it, watched from outside: a fresh clone, the embedded default
(no DATABASE_URL, REDIS_URL), its own port; what it serves over HTTP and what its database
holds. Used by `make scenarios`, the end-to-end tests and `make bench-demo`."""

import contextlib
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Self

import psycopg

from config.embedded import postgres_database
from demo.world import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[1]
HISTORY_MONTHS = 12
CLEARED = {"DATABASE_URL", "REDIS_URL", "REDIS_CACHE_URL", "DJANGO_SETTINGS_MODULE"}
CLEARED |= {"SMARTRIX_VAR_DIR", "SMARTRIX_TEST_VAR_DIR", "PYTEST_ADDOPTS"}
CLEARED |= {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}  # a make of our own around us


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fresh_clone(into: Path) -> Path:
    """A clone of this checkout's committed state, as a new user gets it."""
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(into)], check=True)  # noqa: S603, S607
    return into


def user_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in CLEARED}
    env.update(extra)
    return env


class Stack:
    """`make run` in ``clone``, in a process group of its own; its state under ``clone``/var, or
    under ``var`` when given."""

    def __init__(
        self, clone: Path, env: dict[str, str] | None = None, *, var: Path | None = None
    ) -> None:
        self.clone = clone
        self.var = var or clone / "var"
        self.port = free_port()
        self.env = (env or user_env()) | {"SMARTRIX_PORT": str(self.port)}
        if var is not None:
            self.env["SMARTRIX_VAR_DIR"] = str(var)
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = self.var.parent / f"make-run-{self.port}.log" if var else clone / "make-run.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Self:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                ["make", "run"],  # noqa: S607 - the README's command, found on PATH
                cwd=self.clone,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: Ctrl-C / a kill reaches it all
            )
        return self

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_serving(self, timeout: float) -> float:
        """Seconds until the web server answers; fails if make run ends first."""
        started = time.monotonic()
        while True:
            if not self.alive:
                raise AssertionError(f"make run exited early:\n{self.output()[-5000:]}")
            try:
                Browser().get(f"{self.base}/api/v1/price-plans/", timeout=2)
                return time.monotonic() - started
            except OSError:
                if time.monotonic() - started > timeout:
                    raise AssertionError(
                        f"the demo did not answer within {timeout:.0f} s:\n{self.output()[-5000:]}"
                    ) from None
                time.sleep(0.5)

    def signal(self, sig: int) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):  # it ended by itself
                os.killpg(self.process.pid, sig)
            self.process.wait(timeout=60)

    def kill(self) -> None:
        """As a crash or a power cut would: nothing gets to clean up (the embedded PostgreSQL,
        a server of its own, keeps running, as it would after a kill of make)."""
        self.signal(signal.SIGKILL)

    def stop(self) -> None:
        """Ctrl-C: make stops everything, the embedded PostgreSQL included."""
        self.signal(signal.SIGINT)

    def postgres_stop(self) -> None:
        """Whatever happened, the embedded PostgreSQL does not outlive its user."""
        python = self.clone / ".venv" / "bin" / "python"
        subprocess.run(  # noqa: S603 - our own interpreter and module
            [str(python), "-m", "config.embedded", "postgres", "stop"],
            cwd=self.clone,
            env=self.env,
            capture_output=True,
            check=False,
        )

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        db = postgres_database(self.var)
        with psycopg.connect(
            dbname=str(db["NAME"]), user=str(db["USER"]), host=str(db["HOST"]),
            port=str(db["PORT"]), connect_timeout=10,
        ) as conn:  # fmt: skip
            return conn.execute(sql, params).fetchall()

    def count(self, sql: str, *params: Any) -> int:
        return int(self.query(sql, *params)[0][0])

    def settled(self) -> tuple[int, int, int]:
        """(open slot blocks, invoices, months invoiced for every household)."""
        open_blocks = self.count("SELECT count(*) FROM metering_slotblock WHERE state = 'todo'")
        invoices = self.count("SELECT count(*) FROM billing_invoice WHERE kind = 'invoice'")
        months = self.count(
            "SELECT count(*) FROM (SELECT month FROM billing_invoice WHERE kind = 'invoice' "
            "GROUP BY month HAVING count(*) = (SELECT count(*) FROM households_household)) m"
        )
        return open_blocks, invoices, months

    def session(self, username: str, *, admin: bool = False) -> "Browser":
        """A browser-like client logged in as ``username`` (the portal's or the admin's login
        form)."""
        browser = Browser()
        login = f"{self.base}/admin/login/" if admin else f"{self.base}/accounts/login/"
        status, page = browser.get(login)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert match, f"no login form at {login}: {status}"
        form = {"csrfmiddlewaretoken": match.group(1), "username": username}
        status, _ = browser.post(login, form | {"password": DEMO_PASSWORD}, referer=login)
        assert status < 400, f"login of {username}: {status}"
        return browser


class Browser:
    """HTTP with cookies (a session, CSRF); every status is an answer, not an exception."""

    def __init__(self) -> None:
        cookies = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.opener = urllib.request.build_opener(cookies)

    def get(self, url: str, *, timeout: float = 60) -> tuple[int, str]:
        return self._open(urllib.request.Request(url), timeout)  # noqa: S310 - http on loopback

    def post(self, url: str, form: dict[str, str], *, referer: str) -> tuple[int, str]:
        body = urllib.parse.urlencode(form).encode()
        request = urllib.request.Request(url, body, {"Referer": referer})  # noqa: S310
        return self._open(request, 60)

    def _open(self, request: urllib.request.Request, timeout: float) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=timeout) as answer:
                return int(answer.status), answer.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return int(error.code), error.read().decode(errors="replace")
