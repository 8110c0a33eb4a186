"""How a scenario tells its story: who acts, the request, the answer, what changed — and the
checks, each printed as it passes (a failed check ends the scenario with its message)."""

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from scenarios.stack import Browser, Stack

WIDTH = 100
DEMO_ZONE = ZoneInfo("Europe/Brussels")  # the demo's TIME_ZONE: its days are local days


class ScenarioFailedError(AssertionError):
    pass


def local_today() -> date:
    return datetime.now(DEMO_ZONE).date()


def compact(value: Any, limit: int = WIDTH) -> str:
    """A one-line JSON rendering, cut to ``limit`` characters."""
    text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Narrator:
    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.steps = 0

    def say(self, text: str) -> None:
        print(f"    {text}")

    def step(self, actor: str, action: str) -> None:
        self.steps += 1
        print(f"  {self.steps:>2}. {actor}: {action}")

    def check(self, condition: bool, claim: str) -> None:
        if not condition:
            raise ScenarioFailedError(claim)
        print(f"      ✔ {claim}")

    def rows(self, title: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """Rows of the platform's database, shown to the reader (never used to decide)."""
        found = self.stack.query(sql, *params)
        print(f"      ⛁ {title}: {compact([list(row) for row in found])}")
        return found

    def wait(self, what: str, ready: Callable[[], bool], timeout: float) -> float:
        started = time.monotonic()
        while not ready():
            if time.monotonic() - started > timeout:
                raise ScenarioFailedError(f"{what}: not within {timeout:.0f} s")
            time.sleep(2)
        waited = time.monotonic() - started
        print(f"      … {what} ({waited:.0f} s)")
        return waited


class Client:
    """A user's HTTP client (a logged-in session) that narrates each request and answer."""

    def __init__(self, narrator: Narrator, browser: Browser, who: str) -> None:
        self.narrator = narrator
        self.browser = browser
        self.who = who
        self.base = narrator.stack.base

    def get(self, path: str, query: dict[str, Any] | None = None, *, show: str = "") -> Any:
        """GET a JSON answer; ``show`` picks the key whose value is printed (all when empty)."""
        url = path + ("?" + urllib.parse.urlencode(query) if query else "")
        self.narrator.step(self.who, f"GET {url}")
        started = time.monotonic()
        status, body = self.browser.get(self.base + url)
        elapsed_ms = (time.monotonic() - started) * 1000
        data = json.loads(body) if body.startswith(("{", "[")) else body
        shown = data.get(show) if show and isinstance(data, dict) else data
        self.narrator.say(f"→ {status} in {elapsed_ms:.0f} ms: {compact(shown)}")
        if status != 200:
            raise ScenarioFailedError(f"GET {url} answered {status}: {compact(data)}")
        return data

    def page(self, path: str) -> str:
        """GET an HTML page; returns its text."""
        self.narrator.step(self.who, f"opens {path}")
        status, body = self.browser.get(self.base + path)
        self.narrator.say(f"→ {status}, {len(body):,} bytes of HTML")
        if status != 200:
            raise ScenarioFailedError(f"{path} answered {status}")
        return body


class TokenClient:
    """A partner's or device's API client: ``Authorization: Token <key>``, JSON bodies."""

    def __init__(self, narrator: Narrator, key: str, who: str) -> None:
        self.narrator = narrator
        self.key = key
        self.who = who
        self.base = narrator.stack.base

    def peek(self, path: str) -> tuple[int, Any]:
        """A GET that is not narrated (what a wait polls)."""
        request = urllib.request.Request(  # noqa: S310 - http on loopback
            self.base + path, headers={"Authorization": f"Token {self.key}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
                return int(answer.status), json.loads(answer.read().decode())
        except urllib.error.HTTPError as error:
            return int(error.code), None

    def call(
        self, method: str, path: str, body: Any = None, *, expect: int = 200, show: str = ""
    ) -> Any:
        self.narrator.step(self.who, f"{method} {path}" + (f" {compact(body)}" if body else ""))
        data = None if body is None else json.dumps(body).encode()
        headers = {"Authorization": f"Token {self.key}", "Content-Type": "application/json"}
        request = urllib.request.Request(  # noqa: S310 - http on loopback
            self.base + path, data, headers, method=method
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
                status, text = int(answer.status), answer.read().decode()
        except urllib.error.HTTPError as error:
            status, text = int(error.code), error.read().decode()
        answer_data = json.loads(text) if text.startswith(("{", "[")) else text
        shown = answer_data.get(show) if show and isinstance(answer_data, dict) else answer_data
        elapsed_ms = (time.monotonic() - started) * 1000
        self.narrator.say(f"→ {status} in {elapsed_ms:.0f} ms: {compact(shown)}")
        if status != expect:
            raise ScenarioFailedError(f"{method} {path} answered {status}: {compact(answer_data)}")
        return answer_data
