"""`manage.py db_roles <app role>`: run as the owner after `migrate`; see core.database_roles."""

from typing import Any, override

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.database_roles import database_app_role_grant
from core.exceptions import DatabaseRoleError


class Command(BaseCommand):
    help = (
        "Give the application's database role row privileges only (no TRUNCATE, no ownership); "
        "run as the owner, after every migrate."
    )

    @override
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("app_role", help="the role DATABASE_URL of the web and workers names")

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        try:
            grants = database_app_role_grant(role=options["app_role"])
        except DatabaseRoleError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"{grants.role}: rows of {grants.tables} tables and {grants.sequences} sequences "
            f"owned by {grants.owner}; no TRUNCATE, no ownership"
        )
