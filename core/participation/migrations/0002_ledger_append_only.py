"""On PostgreSQL, ledger entries and signed heads cannot be UPDATEd or DELETEd.

A BEFORE UPDATE OR DELETE trigger raises an exception. It guards against application bugs and
hasty manual fixes; a database superuser can still disable it, which is why the signed heads
and the public export, checked by ``parvis verify``, remain the trust anchor. SQLite (the
embedded default) has no such trigger.
"""

from django.db import migrations

TABLES = ("participation_ledgerentry", "participation_signedhead")

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION participation_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION, params=None)  # "%" is PL/pgSQL here, not a placeholder
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION participation_ledger_append_only()"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS participation_ledger_append_only()")


class Migration(migrations.Migration):
    dependencies = [("participation", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
