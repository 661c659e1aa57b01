"""Ledger entries and signed heads are append-only on SQLite too, and TRUNCATE is refused.

* SQLite (the embedded default): BEFORE UPDATE and BEFORE DELETE triggers abort the statement
  with the same message as PostgreSQL's trigger (0002), so a hasty manual fix or an
  application bug is refused there too instead of being caught only by ``parvis verify``.
  Django rebuilds a SQLite table for many schema changes and the rebuild drops its triggers:
  a later migration that alters these tables must create the triggers again (the tests check
  that they refuse).
* PostgreSQL: row triggers do not fire on TRUNCATE, which emptied the ledger as the
  application role. A BEFORE TRUNCATE statement trigger refuses it when the table holds rows;
  emptying an empty table (as ``flush`` does on a database without ledger rows) changes nothing
  and is let through.
"""

from django.db import migrations

TABLES = ("participation_ledgerentry", "participation_signedhead")
EVENTS = ("UPDATE", "DELETE")

TRUNCATE_FUNCTION = """
CREATE OR REPLACE FUNCTION participation_ledger_no_truncate() RETURNS trigger AS $$
DECLARE
    has_rows boolean;
BEGIN
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.%I)', TG_TABLE_SCHEMA, TG_TABLE_NAME)
        INTO STRICT has_rows;
    IF has_rows THEN
        RAISE EXCEPTION 'the ledger is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for table in TABLES:
            for event in EVENTS:
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_append_only_{event.lower()} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: {event} on {table} "
                    f"is refused'); END"
                )
    elif vendor == "postgresql":
        schema_editor.execute(TRUNCATE_FUNCTION, params=None)  # "%" is PL/pgSQL here
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION participation_ledger_no_truncate()"
            )


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for table in TABLES:
            for event in EVENTS:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_{event.lower()}")
    elif vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        schema_editor.execute("DROP FUNCTION IF EXISTS participation_ledger_no_truncate()")


class Migration(migrations.Migration):
    dependencies = [("participation", "0002_ledger_append_only")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
