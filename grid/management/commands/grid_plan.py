"""`manage.py grid_plan --instance NIGHT.json --out PLAN.json`: plans a night, no database.

manage.py runs grid.planning.cli before Django starts; this command is the same thing for
call_command and `django-admin`."""

from typing import Any, override

from django.core.management.base import BaseCommand, CommandError, CommandParser

from grid.planning.cli import PlanCommandError, grid_plan, parser_build


class Command(BaseCommand):
    help = "Plans a night's EV charging and batteries (smartrix-grid-instance/1 in, plan out)."
    requires_system_checks: list[str] = []  # no database, no checks: a pure computation
    requires_migrations_checks = False

    @override
    def add_arguments(self, parser: CommandParser) -> None:
        parser_build(parser)

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        try:
            line = grid_plan(
                instance=options["instance"],
                out=options["out"],
                time_limit=options["time_limit"],
                threads=options["threads"],
            )
        except PlanCommandError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(line)
