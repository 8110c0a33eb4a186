"""Management commands run against the live platform, as its operator runs them."""

import subprocess
import time

from scenarios.narration import Narrator
from scenarios.stack import ROOT


def manage(narrator: Narrator, *args: str) -> float:
    """Runs a management command against the running platform, as its operator would."""
    return manage_output(narrator, *args)[0]


def manage_output(narrator: Narrator, *args: str) -> tuple[float, str]:
    """As ``manage``, and what the command printed."""
    narrator.step("the operator", "manage.py " + " ".join(args))
    started = time.monotonic()
    done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", *args],
        cwd=ROOT,
        env=narrator.stack.env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.monotonic() - started
    narrator.say(
        f"→ exit {done.returncode} in {elapsed:.1f} s: {(done.stdout or '').strip()[-160:]}"
    )
    if done.returncode != 0:
        narrator.check(False, f"manage.py {args[0]} failed: {done.stderr[-400:]}")
    return elapsed, done.stdout or ""
