"""scripts/backup.sh and scripts/restore.sh on a scratch PostgreSQL database: the journal survives intact."""

import os
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from secpa_portal.journal.models import Event
from tests.factories import StructureFactory

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump and pg_restore need PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _url(name):
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def _admin(sql):
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(sql)


@pytest.fixture
def scratch_database():
    name = f"{connection.settings_dict['NAME']}_restore"
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{name}"')
    yield name
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _script(name, *args, database):
    env = {**os.environ, "DATABASE_URL": _url(database), "DEBUG": "true", "TESTING": "false"}
    return subprocess.run(
        [str(ROOT / "scripts" / name), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_backup_then_restore_keeps_every_row_and_the_journal_verifies(manager, ars_idf, tmp_path, scratch_database):
    StructureFactory(manager=manager, submitted=True)
    events = Event.objects.count()
    assert events >= 2
    dump = tmp_path / "secpa.dump"

    backup = _script("backup.sh", str(dump), database=connection.settings_dict["NAME"])
    assert backup.returncode == 0, backup.stderr
    assert dump.stat().st_size > 0 and backup.stdout.strip() == str(dump)

    restore = _script("restore.sh", str(dump), database=scratch_database)
    assert restore.returncode == 0, restore.stdout + restore.stderr
    with psycopg.connect(_url(scratch_database)) as restored:
        assert restored.execute("select count(*) from journal_event").fetchone()[0] == events

    again = _script("restore.sh", str(dump), database=scratch_database)
    assert again.returncode == 1
    assert "not empty" in again.stderr


def test_a_restored_journal_with_a_tampered_row_fails_verification(manager, tmp_path, scratch_database):
    StructureFactory(manager=manager, submitted=True)
    dump = tmp_path / "secpa.dump"
    assert _script("backup.sh", str(dump), database=connection.settings_dict["NAME"]).returncode == 0
    restore = _script("restore.sh", str(dump), database=scratch_database)
    assert restore.returncode == 0, restore.stderr
    with psycopg.connect(_url(scratch_database), autocommit=True) as restored:
        restored.execute("alter table journal_event disable trigger user")
        restored.execute(
            "update journal_event set summary = summary || ' (modifié)' where id = (select min(id) from journal_event)"
        )
    env = {**os.environ, "DATABASE_URL": _url(scratch_database), "DEBUG": "true", "TESTING": "false"}
    verify = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "verify_journal"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert verify.returncode != 0
