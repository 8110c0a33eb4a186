"""`manage.py grid_plan --instance NIGHT.json --out PLAN.json`: plans a night, no database."""

import time
from pathlib import Path
from typing import Any, override

from django.core.management.base import BaseCommand, CommandError, CommandParser

from grid.planning import (
    InstanceError,
    instance_read,
    night_plan,
    plan_cost,
    plan_delivered,
    plan_write,
)


class Command(BaseCommand):
    help = "Plans a night's EV charging and batteries (smartrix-grid-instance/1 in, plan out)."
    requires_system_checks: list[str] = []  # no database, no checks: a pure computation
    requires_migrations_checks = False

    @override
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--instance", type=Path, required=True, help="NIGHT.json[.gz]")
        parser.add_argument("--out", type=Path, required=True, help="PLAN.json[.gz]")
        parser.add_argument("--time-limit", type=float, default=None, help="seconds")
        parser.add_argument("--threads", type=int, default=None, help="default: the cores")

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            inst = instance_read(options["instance"])
        except InstanceError as exc:
            raise CommandError(str(exc)) from exc
        result = night_plan(inst, time_limit=options["time_limit"], threads=options["threads"])
        plan_write(options["out"], inst, result)
        demand = float(inst.ev_energy.sum())
        delivered = plan_delivered(inst, result)
        self.stdout.write(
            f"{result.status} {result.objective}: cost {plan_cost(inst, result):.6f} EUR, "
            f"delivered {delivered:.3f} kWh, unserved {max(demand - delivered, 0.0):.3f} kWh, "
            f"solver {result.solve_seconds:.3f} s, build {result.build_seconds:.3f} s, "
            f"{result.rows} rows × {result.cols} cols, {result.nonzeros} nonzeros "
            f"in {result.parts} part(s), {time.perf_counter() - started:.3f} s in all"
        )
