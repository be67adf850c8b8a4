"""The database refuses payments beyond the approved dotation.

A dotation's live payments (scheduled or paid) never exceed its total: the service checks it under a lock on
the dotation row; these triggers make the database refuse it too (a CHECK constraint cannot sum other rows).
PostgreSQL locks the dotation row inside the trigger so concurrent writers are serialised; SQLite
transactions are IMMEDIATE, so writers are serialised already.
"""

from django.db import migrations

from secpa_portal.core.migration_sql import sql_for

POSTGRES = [
    """
    CREATE OR REPLACE FUNCTION dotations_payment_within_dotation() RETURNS trigger AS $$
    DECLARE
        approved numeric;
        live numeric;
    BEGIN
        IF NEW.status = 'cancelled' OR NEW.amount IS NULL THEN
            RETURN NEW;
        END IF;
        SELECT total INTO approved FROM dotations_dotation WHERE id = NEW.dotation_id FOR UPDATE;
        SELECT COALESCE(SUM(amount), 0) INTO live FROM dotations_payment
            WHERE dotation_id = NEW.dotation_id AND status <> 'cancelled' AND id IS DISTINCT FROM NEW.id;
        IF live + NEW.amount > approved THEN
            RAISE EXCEPTION 'payments of dotation % would reach %, above its total %',
                NEW.dotation_id, live + NEW.amount, approved
                USING ERRCODE = 'check_violation', CONSTRAINT = 'payments_within_dotation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER payments_within_dotation BEFORE INSERT OR UPDATE ON dotations_payment
    FOR EACH ROW EXECUTE FUNCTION dotations_payment_within_dotation();
    """,
    """
    CREATE OR REPLACE FUNCTION dotations_dotation_covers_payments() RETURNS trigger AS $$
    DECLARE
        live numeric;
    BEGIN
        SELECT COALESCE(SUM(amount), 0) INTO live FROM dotations_payment
            WHERE dotation_id = NEW.id AND status <> 'cancelled';
        IF live > NEW.total THEN
            RAISE EXCEPTION 'dotation % total % is below its payments %', NEW.id, NEW.total, live
                USING ERRCODE = 'check_violation', CONSTRAINT = 'payments_within_dotation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER dotation_covers_payments BEFORE UPDATE OF total ON dotations_dotation
    FOR EACH ROW EXECUTE FUNCTION dotations_dotation_covers_payments();
    """,
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS dotation_covers_payments ON dotations_dotation",
    "DROP FUNCTION IF EXISTS dotations_dotation_covers_payments()",
    "DROP TRIGGER IF EXISTS payments_within_dotation ON dotations_payment",
    "DROP FUNCTION IF EXISTS dotations_payment_within_dotation()",
]

# SQLite stores decimals as floating point: compare rounded to the cent.
_SQLITE_PAYMENT_CHECK = """
    SELECT RAISE(ABORT, 'payments_within_dotation: payments would exceed the approved dotation')
    WHERE ROUND((SELECT COALESCE(SUM(amount), 0) FROM dotations_payment
                 WHERE dotation_id = NEW.dotation_id AND status <> 'cancelled' {exclude}) + NEW.amount, 2)
        > ROUND((SELECT total FROM dotations_dotation WHERE id = NEW.dotation_id), 2);
"""
SQLITE = [
    f"""
    CREATE TRIGGER payments_within_dotation_insert BEFORE INSERT ON dotations_payment
    WHEN NEW.status <> 'cancelled' AND NEW.amount IS NOT NULL
    BEGIN {_SQLITE_PAYMENT_CHECK.format(exclude="")} END;
    """,
    f"""
    CREATE TRIGGER payments_within_dotation_update BEFORE UPDATE ON dotations_payment
    WHEN NEW.status <> 'cancelled' AND NEW.amount IS NOT NULL
    BEGIN {_SQLITE_PAYMENT_CHECK.format(exclude="AND id <> NEW.id")} END;
    """,
    """
    CREATE TRIGGER dotation_covers_payments BEFORE UPDATE OF total ON dotations_dotation
    BEGIN
        SELECT RAISE(ABORT, 'payments_within_dotation: the dotation total would be below its payments')
        WHERE ROUND((SELECT COALESCE(SUM(amount), 0) FROM dotations_payment
                     WHERE dotation_id = NEW.id AND status <> 'cancelled'), 2) > ROUND(NEW.total, 2);
    END;
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS dotation_covers_payments",
    "DROP TRIGGER IF EXISTS payments_within_dotation_update",
    "DROP TRIGGER IF EXISTS payments_within_dotation_insert",
]


class Migration(migrations.Migration):
    dependencies = [("dotations", "0002_dotation_errors_and_unreduced_amounts")]

    operations = [
        migrations.RunPython(
            sql_for({"postgresql": POSTGRES, "sqlite": SQLITE}),
            sql_for({"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
