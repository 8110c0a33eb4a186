"""The README's `make run` in this checkout, on the embedded default in a fresh folder: the
embedded PostgreSQL and filesystem broker, web server and Celery worker and beat, stopped with
Ctrl-C."""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from scenarios.stack import ROOT, Browser, Stack

pytestmark = pytest.mark.e2e

SERVING_WITHIN_S = 420  # a year of history on a loaded 2-core machine


@pytest.fixture(scope="module")
def running_stack() -> Iterator[Stack]:
    # Not under pytest's tmp_path: other pytest runs on the machine rotate those folders away.
    var = Path(tempfile.mkdtemp(prefix="smartrix-stack-")) / "var"
    stack = Stack(ROOT, var=var).start()
    try:
        stack.wait_serving(SERVING_WITHIN_S)
        yield stack
    finally:
        stack.kill()
        stack.postgres_stop()
        shutil.rmtree(var.parent, ignore_errors=True)


def test_the_demo_serves_the_joi_api(running_stack: Stack) -> None:
    status, body = Browser().get(f"{running_stack.base}/readings/read/smart-meter-0")
    assert status == 200
    readings = orjson.loads(body)
    assert len(readings) >= 5
    times = [r["time"] for r in readings]
    assert times == sorted(times, reverse=True)
    assert all(r["reading"] >= 0 for r in readings)


def test_the_demo_serves_the_portal_and_its_static_files(running_stack: Stack) -> None:
    status, page = Browser().get(f"{running_stack.base}/accounts/login/")
    assert status == 200
    assert "Log in" in page
    for asset in ("css/smartrix.css", "vendor/chartjs/chart.umd.min.js"):
        assert Browser().get(f"{running_stack.base}/static/{asset}")[0] == 200


def test_a_task_runs_through_the_real_worker(running_stack: Stack) -> None:
    answer = subprocess.run(
        [sys.executable, "manage.py", "ping_worker", "--timeout", "90"],
        cwd=ROOT,
        env=running_stack.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.startswith("pong from ")


def test_ctrl_c_stops_everything(running_stack: Stack) -> None:
    assert running_stack.process is not None
    group = running_stack.process.pid
    running_stack.stop()
    time.sleep(1)
    with pytest.raises(ProcessLookupError):
        os.killpg(group, 0)  # nothing of the group is left
