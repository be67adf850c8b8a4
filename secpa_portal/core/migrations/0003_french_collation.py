"""The ``secpa_fr`` collation (secpa_portal/core/collation.py): ICU's French order on PostgreSQL. SQLite gets a
Python collation of the same name on each connection instead, so this migration does nothing there."""

from django.db import migrations

CREATE = "CREATE COLLATION IF NOT EXISTS secpa_fr (provider = icu, locale = 'fr-FR')"
DROP = "DROP COLLATION IF EXISTS secpa_fr"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_worker_heartbeat")]

    operations = [migrations.RunPython(create, drop)]
