"""Settings read from the environment: a value the platform cannot run with stops it at once,
naming the variable."""

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize("lanes", ["0", "-2"])
def test_fewer_than_one_settle_lane_is_refused_by_name(lanes: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings.base"],
        env=os.environ | {"SMARTRIX_DEMO_SETTLE_LANES": lanes},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert f"SMARTRIX_DEMO_SETTLE_LANES is {lanes}: at least 1." in result.stderr
