"""`grid_plan`: plans a night from an instance file to a plan file. Pure (no Django), so
`manage.py grid_plan` runs it before Django starts: on this machine Django's start-up alone
took 4–10 s, longer than most nights take to plan."""

import argparse
import sys
import time
from pathlib import Path
from typing import TextIO

from grid.planning.instance import InstanceError, instance_read
from grid.planning.plan_file import plan_cost, plan_delivered, plan_write
from grid.planning.solve import night_plan

USAGE = "manage.py grid_plan --instance NIGHT.json[.gz] --out PLAN.json[.gz]"


class PlanCommandError(Exception):
    """A clear, one-line reason the night was not planned (exit status 1)."""


def parser_build(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    parser = parser or argparse.ArgumentParser(
        prog="manage.py grid_plan",
        description="Plans a night's EV charging and batteries "
        "(smartrix-grid-instance/1 in, smartrix-grid-plan/1 out).",
    )
    parser.add_argument("--instance", type=Path, required=True, help="NIGHT.json[.gz]")
    parser.add_argument("--out", type=Path, required=True, help="PLAN.json[.gz]")
    parser.add_argument("--time-limit", type=float, default=None, help="seconds")
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="feeders planned side by side (default: the cores)",
    )
    return parser


def grid_plan(
    *,
    instance: Path,
    out: Path,
    time_limit: float | None = None,
    threads: int | None = None,
    started: float | None = None,
) -> str:
    """Plans ``instance`` into ``out`` and returns the summary line; raises PlanCommandError."""
    started = time.perf_counter() if started is None else started
    if time_limit is not None and time_limit <= 0:
        raise PlanCommandError("--time-limit must be above 0 seconds.")
    if threads is not None and threads < 1:
        raise PlanCommandError("--threads must be at least 1.")
    if not Path(out).parent.is_dir():
        raise PlanCommandError(f"{out}: the folder for the plan does not exist.")
    try:
        inst = instance_read(Path(instance))
    except InstanceError as exc:
        raise PlanCommandError(str(exc)) from exc
    planning = time.perf_counter()
    result = night_plan(inst, time_limit=time_limit, threads=threads)
    planning = time.perf_counter() - planning
    try:
        plan_write(Path(out), inst, result)
    except OSError as exc:
        raise PlanCommandError(f"{out}: cannot write the plan ({exc.strerror})") from exc
    demand = float(inst.ev_energy.sum())
    delivered = plan_delivered(inst, result)
    return (
        f"{result.status} {result.objective}: cost {plan_cost(inst, result):.6f} EUR, "
        f"delivered {delivered:.3f} kWh, unserved {max(demand - delivered, 0.0):.3f} kWh, "
        f"planned in {planning:.3f} s (solver {result.solve_seconds:.3f} s summed over "
        f"the parts, build {result.build_seconds:.3f} s), "
        f"{result.rows} rows × {result.cols} cols, {result.nonzeros} nonzeros "
        f"in {result.parts} part(s), {time.perf_counter() - started:.3f} s in all"
    )


def main(argv: list[str], *, started: float | None = None, stdout: TextIO = sys.stdout) -> int:
    options = parser_build().parse_args(argv)  # exits 2 with argparse's message on bad flags
    try:
        stdout.write(grid_plan(**vars(options), started=started) + "\n")
    except PlanCommandError as exc:
        sys.stderr.write(f"CommandError: {exc}\n")
        return 1
    return 0
