from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION journal_event_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'journal_event is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER journal_event_append_only
    BEFORE UPDATE OR DELETE ON journal_event
    FOR EACH ROW EXECUTE FUNCTION journal_event_refuse_change();
"""
DROP = """
DROP TRIGGER IF EXISTS journal_event_append_only ON journal_event;
DROP FUNCTION IF EXISTS journal_event_refuse_change();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("journal", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
