"""The role the application connects as: it reads and writes rows and owns nothing.

Migrations run as the owner of the schema (which owns every table, function and trigger). The
application runs as a role that is not a superuser, not a member of the owner and owns no table,
with row privileges only (SELECT, INSERT, UPDATE, DELETE; no TRUNCATE, REFERENCES or TRIGGER).
So it cannot get past the ledger's triggers: TRUNCATE, ALTER TABLE … DISABLE TRIGGER, DROP
TRIGGER, replacing a trigger function and ``SET session_replication_role = replica`` are all
refused to it by PostgreSQL itself.
"""

import re
from dataclasses import dataclass

from django.db import connection, transaction

from core.exceptions import DatabaseRoleError

_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
SCHEMA = "public"


@dataclass(frozen=True, slots=True)
class AppRoleGrants:
    role: str
    owner: str
    tables: int
    sequences: int


def database_app_role_grant(*, role: str) -> AppRoleGrants:
    """Gives ``role`` row privileges on every table and sequence of the schema, and the same on
    those later migrations create; refuses a role that could change the schema or its triggers.

    Run as the owner, after every ``migrate`` (``manage.py db_roles``); running it again is safe.
    """
    if not _ROLE_NAME.match(role):
        raise DatabaseRoleError(f"{role!r} is not a plain role name (a-z, 0-9, _).")
    name = connection.ops.quote_name(role)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (owner,) = cursor.fetchone()
        cursor.execute(
            "SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls,"
            " pg_has_role(%s, current_user, 'MEMBER')"
            " FROM pg_roles WHERE rolname = %s",
            [role, role],
        )
        row = cursor.fetchone()
        if row is None:
            raise DatabaseRoleError(
                f"Role {role!r} does not exist: create it first (docs/operations.md)."
            )
        if role == owner or any(row):
            raise DatabaseRoleError(
                f"Role {role!r} must not be the owner, a member of it, a superuser, or able to "
                "create roles or databases or bypass row security."
            )
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %s AND pg_get_userbyid(c.relowner) = %s",
            [SCHEMA, role],
        )
        (owned,) = cursor.fetchone()
        if owned:
            raise DatabaseRoleError(
                f"Role {role!r} owns {owned} relation(s) in {SCHEMA}: give them to {owner!r} "
                f"first (REASSIGN OWNED BY {role} TO {owner})."
            )
        for statement in (
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {SCHEMA} FROM {name}",
            f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {SCHEMA} FROM {name}",
            f"REVOKE CREATE ON SCHEMA {SCHEMA} FROM {name}",
            f"GRANT USAGE ON SCHEMA {SCHEMA} TO {name}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {SCHEMA} TO {name}",
            f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {SCHEMA} TO {name}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {SCHEMA}"
            f" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {name}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {SCHEMA}"
            f" GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {name}",
        ):
            cursor.execute(statement)
        cursor.execute(
            "SELECT count(*) FILTER (WHERE c.relkind IN ('r', 'p')),"
            " count(*) FILTER (WHERE c.relkind = 'S')"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s",
            [SCHEMA],
        )
        tables, sequences = cursor.fetchone()
    return AppRoleGrants(role=role, owner=str(owner), tables=tables, sequences=sequences)
