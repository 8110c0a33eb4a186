"""Postgres refuses to change an issued invoice, its lines or its PDF record, whatever the
client (ORM, admin, raw SQL): only the move from issued to paid or void is allowed."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION billing_invoice_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.state <> 'draft' THEN
            RAISE EXCEPTION 'invoice % is issued: it is never deleted', OLD.number
                USING ERRCODE = 'SX423';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.state <> 'draft' THEN
        IF (to_jsonb(NEW) - 'state' - 'paid_at' - 'voided_at' - 'updated_at')
           IS DISTINCT FROM (to_jsonb(OLD) - 'state' - 'paid_at' - 'voided_at' - 'updated_at')
           OR NOT (NEW.state = OLD.state OR (OLD.state = 'issued' AND NEW.state IN ('paid', 'void')))
        THEN
            RAISE EXCEPTION 'invoice % is issued: it never changes', OLD.number
                USING ERRCODE = 'SX423';
        END IF;
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION billing_invoiceline_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    invoice_state text;
BEGIN
    SELECT state INTO invoice_state FROM billing_invoice
        WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.invoice_id ELSE NEW.invoice_id END;
    IF invoice_state IS DISTINCT FROM 'draft'
       OR (TG_OP = 'UPDATE' AND OLD.invoice_id <> NEW.invoice_id) THEN
        IF TG_OP = 'DELETE' AND invoice_state IS NULL THEN
            RETURN OLD;  -- the draft itself is being deleted
        END IF;
        RAISE EXCEPTION 'the lines of an issued invoice never change' USING ERRCODE = 'SX423';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;

CREATE OR REPLACE FUNCTION billing_document_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'an invoice document is written once' USING ERRCODE = 'SX423';
END $$;

CREATE TRIGGER billing_invoice_guard BEFORE UPDATE OR DELETE ON billing_invoice
    FOR EACH ROW EXECUTE FUNCTION billing_invoice_guard();
CREATE TRIGGER billing_invoiceline_guard BEFORE INSERT OR UPDATE OR DELETE ON billing_invoiceline
    FOR EACH ROW EXECUTE FUNCTION billing_invoiceline_guard();
CREATE TRIGGER billing_document_guard BEFORE UPDATE OR DELETE ON billing_invoicedocument
    FOR EACH ROW EXECUTE FUNCTION billing_document_guard();
"""

DROP = """
DROP TRIGGER IF EXISTS billing_document_guard ON billing_invoicedocument;
DROP TRIGGER IF EXISTS billing_invoiceline_guard ON billing_invoiceline;
DROP TRIGGER IF EXISTS billing_invoice_guard ON billing_invoice;
DROP FUNCTION IF EXISTS billing_document_guard();
DROP FUNCTION IF EXISTS billing_invoiceline_guard();
DROP FUNCTION IF EXISTS billing_invoice_guard();
"""


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
