"""A Postgres function the ingestion INSERT calls when a stored reading differs from the one
received: it aborts the statement at once with SQLSTATE SX409 (see services/ingestion.py)."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

CREATE = """
CREATE OR REPLACE FUNCTION metering_reading_conflict() RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RAISE EXCEPTION 'a stored reading differs from the one received' USING ERRCODE = 'SX409';
END $$;
"""
DROP = "DROP FUNCTION IF EXISTS metering_reading_conflict()"


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("metering", "0002_device_token")]
    operations = [migrations.RunPython(create, drop)]
