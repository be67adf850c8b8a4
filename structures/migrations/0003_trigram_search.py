"""Trigram GIN indexes for the lists' text search (issue 14), on PostgreSQL only.

``icontains`` is ``UPPER(column::text) LIKE UPPER('%…%')`` on PostgreSQL: a B-tree cannot serve it, so every
search read the whole table. A GIN index over ``UPPER(column::text) gin_trgm_ops`` (the expression the lookup
compares) serves it. Structure names also serve the dotation and payment lists' structure search (a join) and
the convention search; convention references serve the convention search.

On SQLite (development, tests) the operations do nothing. The indexes are not in the models' state (Django's
``GinIndex`` over an expression would be created on SQLite too): they are the database's business only.
"""

from django.db import migrations

INDEXES = [
    ("structures_structure", "name", "structure_name_trgm"),
    ("structures_structure", "commune_name", "structure_commune_trgm"),
    ("conventions_convention", "reference", "convention_reference_trgm"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, column, name in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, _column, name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("structures", "0002_list_order_indexes"),
        ("conventions", "0005_amendment_cnam_signatory"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
