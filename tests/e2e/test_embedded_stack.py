"""The README's `make run`, started as a new user would: the embedded PostgreSQL and filesystem
broker in a fresh directory, web server and Celery worker and beat, stopped with Ctrl-C."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 240

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def embedded_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "REDIS_CACHE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["SMARTRIX_VAR_DIR"] = str(tmp_path_factory.mktemp("var"))
    env["SMARTRIX_PORT"] = str(free_port())
    return env


@pytest.fixture(scope="module")
def running_stack(embedded_env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    log = Path(embedded_env["SMARTRIX_VAR_DIR"]) / "make-run.log"
    with log.open("wb") as out:
        stack = subprocess.Popen(
            ["make", "run"],  # noqa: S607 - the README's command, found on PATH as a user would
            cwd=ROOT,
            env=embedded_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so Ctrl-C reaches all of it
        )
    base = f"http://127.0.0.1:{embedded_env['SMARTRIX_PORT']}"
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if stack.poll() is not None:
            pytest.fail(f"make run exited early:\n{log.read_text()}")
        try:
            urllib.request.urlopen(f"{base}/api/v1/price-plans/", timeout=2)  # noqa: S310
            break
        except OSError:
            if time.monotonic() > deadline:
                os.killpg(stack.pid, signal.SIGKILL)
                pytest.fail(
                    f"the demo did not answer within {STARTUP_SECONDS} s:\n{log.read_text()}"
                )
            time.sleep(0.5)
    yield stack
    if stack.poll() is None:
        os.killpg(stack.pid, signal.SIGKILL)


def test_the_demo_serves_the_joi_api(
    running_stack: subprocess.Popen[bytes], embedded_env: dict[str, str]
) -> None:
    url = f"http://127.0.0.1:{embedded_env['SMARTRIX_PORT']}/readings/read/smart-meter-0"
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        readings = orjson.loads(response.read())
    assert len(readings) >= 5
    times = [r["time"] for r in readings]
    assert times == sorted(times, reverse=True)
    assert all(r["reading"] >= 0 for r in readings)


def test_the_demo_serves_the_portal_and_its_static_files(
    running_stack: subprocess.Popen[bytes], embedded_env: dict[str, str]
) -> None:
    base = f"http://127.0.0.1:{embedded_env['SMARTRIX_PORT']}"
    with urllib.request.urlopen(f"{base}/accounts/login/", timeout=10) as response:  # noqa: S310
        assert response.status == 200
        assert b"Log in" in response.read()
    for asset in ("css/smartrix.css", "vendor/chartjs/chart.umd.min.js"):
        with urllib.request.urlopen(f"{base}/static/{asset}", timeout=10) as response:  # noqa: S310
            assert response.status == 200


def test_a_task_runs_through_the_real_worker(
    running_stack: subprocess.Popen[bytes], embedded_env: dict[str, str]
) -> None:
    answer = subprocess.run(
        [sys.executable, "manage.py", "ping_worker", "--timeout", "90"],
        cwd=ROOT,
        env=embedded_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.startswith("pong from ")


def test_ctrl_c_stops_everything(running_stack: subprocess.Popen[bytes]) -> None:
    os.killpg(running_stack.pid, signal.SIGINT)
    running_stack.wait(timeout=30)
    time.sleep(1)
    with pytest.raises(ProcessLookupError):
        os.killpg(running_stack.pid, 0)  # nothing of the group is left
