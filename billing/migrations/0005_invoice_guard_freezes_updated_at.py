"""An issued invoice's ``updated_at`` changes only with its move to paid or void.

0002 left ``updated_at`` out of the comparison, so an issued invoice could be "touched" (and
``paid_at``/``voided_at`` rewritten while the state stayed): now a row of an issued, paid or
void invoice that keeps its state never changes at all, and the move from issued to paid or void
may change only the state, its stamp and ``updated_at``.
"""

from django.db import migrations

GUARD = """
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
        IF NEW.state = OLD.state THEN
            IF to_jsonb(NEW) IS DISTINCT FROM to_jsonb(OLD) THEN
                RAISE EXCEPTION 'invoice % is issued: it never changes', OLD.number
                    USING ERRCODE = 'SX423';
            END IF;
        ELSIF NOT (OLD.state = 'issued' AND NEW.state IN ('paid', 'void'))
           OR (to_jsonb(NEW) - 'state' - 'paid_at' - 'voided_at' - 'updated_at')
              IS DISTINCT FROM (to_jsonb(OLD) - 'state' - 'paid_at' - 'voided_at' - 'updated_at')
        THEN
            RAISE EXCEPTION 'invoice % is issued: it never changes', OLD.number
                USING ERRCODE = 'SX423';
        END IF;
    END IF;
    RETURN NEW;
END $$;
"""

# 0002's guard, for going back.
PREVIOUS_GUARD = """
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
"""


class Migration(migrations.Migration):
    dependencies = [("billing", "0004_line_pricing_fields")]
    operations = [migrations.RunSQL(GUARD, PREVIOUS_GUARD)]
