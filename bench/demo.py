"""`make bench-demo`: how long `make run` takes to settle the demo's history (a year of 15-minute
readings of 100 households: its slots, then twelve months of invoices), from a fresh clone.

Prints when the web server answers (the history is loaded by then), when every slot block is
computed and when every household has its twelve invoices, against the target of 3 minutes for
the settling. The clone borrows this checkout's virtualenv, so installing is not measured."""

import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, Row, print_table

SETTLE_TARGET_S = 180.0
TIMEOUT_S = 1800.0


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from scenarios.stack import HISTORY_MONTHS, Stack, fresh_clone

    with tempfile.TemporaryDirectory(prefix="smartrix-bench-demo-") as folder:
        clone = fresh_clone(Path(folder) / "smartrix")
        (clone / ".venv").symlink_to(ROOT / ".venv")
        stack = Stack(clone).start()
        started = time.monotonic()
        try:
            serving = stack.wait_serving(TIMEOUT_S)
            slots = invoices = None
            while invoices is None and time.monotonic() - started < TIMEOUT_S:
                open_blocks, _, months = stack.settled()
                now = time.monotonic() - started
                if slots is None and open_blocks == 0:
                    slots = now
                if slots is not None and months == HISTORY_MONTHS:
                    invoices = now
                time.sleep(1)
            readings = stack.count("SELECT count(*) FROM metering_reading")
        finally:
            stack.stop()
    settle = None if invoices is None else invoices - serving
    print_table(
        "make run, from a fresh clone (the virtualenv borrowed)",
        [
            Row("history loaded, web serving", f"{serving:.0f} s ({readings:,} readings)"),
            Row("every slot computed", "—" if slots is None else f"{slots:.0f} s"),
            Row("twelve months invoiced", "—" if invoices is None else f"{invoices:.0f} s"),
            Row(
                "settling (serving → invoiced)",
                "—" if settle is None else f"{settle:.0f} s",
                f"≤ {SETTLE_TARGET_S:.0f} s",
                settle is not None and settle <= SETTLE_TARGET_S,
            ),
        ],
    )


if __name__ == "__main__":
    main()
