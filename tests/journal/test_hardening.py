"""The journal's tamper evidence: truncation refused, tail deletion and unkeyed rewrites detected (issue 10)."""

import hashlib
import importlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from secpa_portal.journal.chain import content_of, keyed_hash, legacy_hash
from secpa_portal.journal.models import Checkpoint, Event
from secpa_portal.journal.services import record_event, verify_chain, write_checkpoint

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="triggers exist on PostgreSQL only")


class Editor:
    """What the migration's RunPython uses of a schema editor, inside the test's transaction."""

    connection = connection

    def execute(self, sql, params=None):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def record(actor, n):
    return [record_event(actor=actor, verb="test", summary=f"Événement {i}", obj=actor) for i in range(n)]


def as_owner(sql, params=None):
    """Run ``sql`` as the table owner would, with the journal's triggers disabled (PostgreSQL)."""
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE journal_event DISABLE TRIGGER USER")
            cursor.execute("ALTER TABLE journal_checkpoint DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if postgres:
            cursor.execute("ALTER TABLE journal_event ENABLE TRIGGER USER")
            cursor.execute("ALTER TABLE journal_checkpoint ENABLE TRIGGER USER")


@pytest.mark.django_db
def test_hashes_are_keyed_with_the_journal_key(manager, settings):
    [event] = record(manager, 1)
    assert event.hash != legacy_hash(event)
    assert event.hash == keyed_hash(event, settings.JOURNAL_HMAC_KEY.encode())
    settings.JOURNAL_HMAC_KEY = "another-key"
    assert not verify_chain()[0], "a chain verified with another key fails"


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_truncate_is_refused(manager):
    record(manager, 2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE journal_event")
    assert Event.objects.count() == 2
    write_checkpoint()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE journal_checkpoint")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM journal_checkpoint")


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_deleting_the_tail_is_detected_against_the_checkpoint(manager, capsys):
    events = record(manager, 5)
    call_command("verify_journal", "--checkpoint")
    assert f"Point de contrôle enregistré à l'événement n° {events[-1].pk}" in capsys.readouterr().out
    as_owner("DELETE FROM journal_event WHERE id >= %s", [events[3].pk])
    with pytest.raises(CommandError, match="Fin du journal supprimée"):
        call_command("verify_journal")


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_emptying_the_journal_is_detected_against_the_checkpoint(manager):
    record(manager, 3)
    write_checkpoint()
    as_owner("DELETE FROM journal_event")
    intact, count, message = verify_chain()
    assert (intact, count) == (False, 0)
    assert "Fin du journal supprimée" in message


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rows_rewritten_with_recomputed_unkeyed_hashes_are_detected(manager):
    """The attacker rewrites a reason and recomputes every hash from there, SHA-256 as before: no key, no match."""
    events = record(manager, 3)
    previous = events[0].prev_hash
    for event in Event.objects.order_by("id"):
        if event.pk == events[1].pk:
            event.reason = "falsifié"
        event.prev_hash = previous
        blob = previous + json.dumps(content_of(event), sort_keys=True, ensure_ascii=False, default=str)
        event.hash = hashlib.sha256(blob.encode()).hexdigest()
        as_owner(
            "UPDATE journal_event SET reason = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [event.reason, event.prev_hash, event.hash, event.pk],
        )
        previous = event.hash
    intact, _count, message = verify_chain()
    assert not intact
    assert "Contenu altéré" in message


@pytest.mark.django_db
def test_a_forged_checkpoint_is_detected(manager):
    record(manager, 2)
    checkpoint = write_checkpoint()
    Checkpoint.objects.create(
        created_at=checkpoint.created_at,
        last_id=checkpoint.last_id + 10,
        last_hash=checkpoint.last_hash,
        count=checkpoint.count,
        signature=checkpoint.signature,
    )
    intact, _count, message = verify_chain()
    assert not intact
    assert "falsifié" in message


@pytest.mark.django_db
def test_checkpoint_file_copy_detects_a_tail_deleted_with_its_checkpoints(manager, settings, tmp_path):
    settings.JOURNAL_CHECKPOINT_FILE = str(tmp_path / "checkpoints.jsonl")
    events = record(manager, 3)
    write_checkpoint()
    as_owner("DELETE FROM journal_checkpoint")
    as_owner("DELETE FROM journal_event WHERE id = %s", [events[-1].pk])
    assert not verify_chain()[0]


@pytest.mark.django_db
def test_checkpoint_refused_on_a_broken_journal(manager):
    events = record(manager, 2)
    as_owner("DELETE FROM journal_event WHERE id = %s", [events[0].pk])
    with pytest.raises(CommandError, match="Chaînage rompu"):
        call_command("verify_journal", "--checkpoint")
    assert not Checkpoint.objects.exists()


@pytest.mark.django_db
def test_the_migration_rekeys_a_legacy_chain_and_refuses_a_broken_one(manager):
    events = record(manager, 3)
    # Bring the rows back to the former unkeyed scheme, as they were before the migration.
    previous = "0" * 64
    for event in events:
        event.prev_hash = previous
        event.hash = legacy_hash(event)
        as_owner("DELETE FROM journal_event WHERE id = %s", [event.pk])
        Event.objects.bulk_create([event])
        previous = event.hash
    assert not verify_chain()[0]
    migration = importlib.import_module("secpa_portal.journal.migrations.0004_truncate_guard_and_keyed_hashes")
    state = MigrationExecutor(connection).loader.project_state(("journal", "0004_truncate_guard_and_keyed_hashes"))
    migration.rekey(state.apps, Editor())
    assert verify_chain() == (True, 3, "Journal intègre : 3 événements vérifiés.")

    as_owner("DELETE FROM journal_event WHERE id = %s", [events[1].pk])
    with pytest.raises(RuntimeError, match="déjà rompu"):
        migration.rekey(state.apps, Editor())
