"""The ledger against the application's own credentials (core.database_roles): as the role the
web and workers connect as, nothing gets past the invoice triggers."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from billing.choices import InvoiceState
from billing.models import Invoice
from billing.services import invoice_issue_for_month, invoice_mark_paid
from tests.billing.factories import MONTH, household_on_green_plan, month_slots

pytestmark = pytest.mark.django_db

APP_ROLE = "smartrix_test_app"
LEDGER = ["billing_invoice", "billing_invoiceline", "billing_invoicedocument"]


@pytest.fixture
def app_role() -> str:
    """The app role, made and granted inside the test's transaction (rolled back after it)."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {APP_ROLE} NOLOGIN")
    call_command("db_roles", APP_ROLE)
    return APP_ROLE


@pytest.fixture
def issued() -> Invoice:
    household = household_on_green_plan()
    month_slots(household)
    invoice = invoice_issue_for_month(household=household, month=MONTH)
    assert invoice is not None
    return invoice


def as_role(role: str, statement: str, params: list[int] | None = None) -> None:
    """Runs one statement as ``role`` in a savepoint; SET LOCAL ends with it."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {role}")
        cursor.execute(statement, params)


@pytest.mark.parametrize(
    ("statement", "refusal"),
    [
        *[(f"TRUNCATE {table}", "permission denied") for table in LEDGER],
        ("TRUNCATE billing_invoice CASCADE", "permission denied"),
        ("SET session_replication_role = replica", "permission denied"),
        ("ALTER TABLE billing_invoice DISABLE TRIGGER billing_invoice_guard", "must be owner"),
        ("ALTER TABLE billing_invoiceline DISABLE TRIGGER ALL", "must be owner"),
        ("DROP TRIGGER billing_invoice_guard ON billing_invoice", "must be owner"),
        (
            "CREATE OR REPLACE FUNCTION billing_invoice_guard() RETURNS trigger"
            " LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
            "permission denied|must be owner",
        ),
        ("CREATE TABLE billing_shadow (id int)", "permission denied"),
    ],
)
def test_the_app_role_cannot_get_past_the_triggers(
    app_role: str, issued: Invoice, statement: str, refusal: str
) -> None:
    with pytest.raises(DatabaseError, match=refusal):
        as_role(app_role, statement)
    assert Invoice.objects.filter(pk=issued.pk).exists()
    assert issued.lines.count() > 0


@pytest.mark.parametrize("role", [APP_ROLE, "NONE"])  # NONE: the session user, the owner
def test_an_issued_invoice_updated_at_never_changes(
    app_role: str, issued: Invoice, role: str
) -> None:
    # Neither as the app nor as the owner: the trigger itself refuses it.
    stamp = Invoice.objects.get(pk=issued.pk).updated_at
    with pytest.raises(DatabaseError, match="never changes"):
        as_role(
            role,
            "UPDATE billing_invoice SET updated_at = now() + interval '1 day' WHERE id = %s",
            [issued.pk],
        )
    with pytest.raises(DatabaseError, match="never changes"):
        as_role(role, "UPDATE billing_invoice SET paid_at = now() WHERE id = %s", [issued.pk])
    assert Invoice.objects.get(pk=issued.pk).updated_at == stamp


def test_the_app_role_still_does_its_work(app_role: str, issued: Invoice) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {app_role}")
        paid = invoice_mark_paid(invoice=issued)
        cursor.execute("SELECT current_user")
        assert cursor.fetchone() == (app_role,)
    assert paid.state == InvoiceState.PAID
    assert Invoice.objects.get(pk=issued.pk).paid_at is not None


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ("SUPERUSER", "must not be"),
        ("CREATEROLE", "must not be"),
        ("IN ROLE current_user", "must not be"),  # could SET ROLE to the owner
    ],
)
def test_db_roles_refuses_a_role_with_too_much(options: str, message: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (owner,) = cursor.fetchone()
        cursor.execute(f"CREATE ROLE {APP_ROLE} NOLOGIN {options.replace('current_user', owner)}")
    with pytest.raises(CommandError, match=message):
        call_command("db_roles", APP_ROLE)


def test_db_roles_refuses_a_role_that_owns_tables() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {APP_ROLE} NOLOGIN")
        cursor.execute(f"ALTER TABLE billing_invoicecounter OWNER TO {APP_ROLE}")
    with pytest.raises(CommandError, match=r"owns \d+ relation"):
        call_command("db_roles", APP_ROLE)


def test_db_roles_refuses_a_missing_role() -> None:
    with pytest.raises(CommandError, match="does not exist"):
        call_command("db_roles", "nobody_here")
