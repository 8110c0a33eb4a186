"""How a scenario tells its story: who acts, the request, the answer, what changed — and the
checks, each printed as it passes (a failed check ends the scenario with its message)."""

import json
import time
import urllib.parse
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
