"""Harden the journal: refuse TRUNCATE, make checkpoints append-only, re-key existing rows with the HMAC.

Existing rows carried unkeyed SHA-256 hashes. The migration first verifies that old chain whole (and stops if
it is broken: an administrator must look before anything is rewritten), then recomputes every row's hash
with ``JOURNAL_HMAC_KEY`` in the same transaction, the append-only trigger disabled only for that update.
The migration must therefore run with the production ``JOURNAL_HMAC_KEY`` set, as the table's owner.
"""

from django.db import migrations

from secpa_portal.journal.chain import keyed_hash, legacy_hash

GENESIS_HASH = "0" * 64

CREATE = """
CREATE TRIGGER journal_event_no_truncate
    BEFORE TRUNCATE ON journal_event
    FOR EACH STATEMENT EXECUTE FUNCTION journal_event_refuse_change();
CREATE TRIGGER journal_checkpoint_append_only
    BEFORE UPDATE OR DELETE ON journal_checkpoint
    FOR EACH ROW EXECUTE FUNCTION journal_event_refuse_change();
CREATE TRIGGER journal_checkpoint_no_truncate
    BEFORE TRUNCATE ON journal_checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION journal_event_refuse_change();
"""
DROP = """
DROP TRIGGER IF EXISTS journal_event_no_truncate ON journal_event;
DROP TRIGGER IF EXISTS journal_checkpoint_append_only ON journal_checkpoint;
DROP TRIGGER IF EXISTS journal_checkpoint_no_truncate ON journal_checkpoint;
"""


def triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


def rekey(apps, schema_editor):
    Event = apps.get_model("journal", "Event")
    postgres = schema_editor.connection.vendor == "postgresql"
    old_previous = GENESIS_HASH
    new_previous = GENESIS_HASH
    updates = []
    for event in Event.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != old_previous or legacy_hash(event) != event.hash:
            raise RuntimeError(
                f"Journal déjà rompu à l'événement n° {event.pk} : il n'est pas re-signé. Examinez-le "
                "(manage.py verify_journal avec la version précédente) avant de reprendre la migration."
            )
        old_previous = event.hash
        event.prev_hash = new_previous
        event.hash = keyed_hash(event)
        new_previous = event.hash
        updates.append(event)
    if not updates:
        return
    if postgres:
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE", params=None)
        schema_editor.execute("ALTER TABLE journal_event DISABLE TRIGGER journal_event_append_only", params=None)
    Event.objects.bulk_update(updates, ["prev_hash", "hash"], batch_size=1000)
    if postgres:
        schema_editor.execute("ALTER TABLE journal_event ENABLE TRIGGER journal_event_append_only", params=None)


class Migration(migrations.Migration):
    dependencies = [("journal", "0003_checkpoint")]

    operations = [
        migrations.RunPython(triggers, drop_triggers),
        migrations.RunPython(rekey, migrations.RunPython.noop),
    ]
