"""The structure list's order, names in French (``core.collation``), served by an index on PostgreSQL (issue 14).

Names sort as ``name COLLATE secpa_fr`` since issue 12, so the ``(name, id)`` index of migration 0002 served no
query any more: the list's first page sorted all 5,000 structures (11.7 ms), and the dotation list, sorted by
structure name, too. An index over the same expression serves both (0.3 ms). PostgreSQL only, like the trigram
indexes: on SQLite the collation is a Python function registered per connection, and an index using it would
make the file unreadable to any other client.
"""

from django.db import migrations

from secpa_portal.core.migration_sql import postgresql_only

INDEX = "structure_name_french"
CREATE = (
    f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "structures_structure" (("name" COLLATE "secpa_fr"), "id")'
)
DROP = f'DROP INDEX IF EXISTS "{INDEX}"'


class Migration(migrations.Migration):
    dependencies = [
        ("structures", "0004_pharmacist_category"),
        ("core", "0003_french_collation"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="structure", name="structure_name_order"),
        postgresql_only(CREATE, DROP),
    ]
