"""The structure's name on each payment, the payment list's sort key within a due date (issue 14).

The list sorts by due date, then structure name in French order: reading a page joined payments, dotations and
structures and walked the structures' name index until it met fifty payments of that date (2 ms at 5,000
structures, the page's largest query). The name copied on the payment (kept by ``dotations.receivers`` when a
structure is renamed) and an index over ``(due_date, structure_name COLLATE secpa_fr, kind, id)`` read the page in
order. The index is PostgreSQL's only (SQLite has no ICU collation to index; see structures/0005).

SQLite adds a column by rebuilding the table, which its triggers naming the payment table (0009's ledger guards)
forbid: they are dropped around the rebuild and created again as 0009 wrote them.
"""

import importlib

from django.db import migrations, models

from secpa_portal.core.migration_sql import postgresql_only, sql_for

ledger = importlib.import_module("dotations.migrations.0009_recovery_orders")
SQLITE_TRIGGERS = [
    "payments_within_dotation_insert",
    "payments_within_dotation_update",
    "dotation_covers_payments",
    "recovery_keeps_ledger_insert",
    "recovery_keeps_ledger_update",
]
DROP_TRIGGERS = sql_for({"sqlite": [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]})
CREATE_TRIGGERS = sql_for({"sqlite": ledger.SQLITE})

COPY_NAMES = (
    "UPDATE dotations_payment SET structure_name = (SELECT s.name FROM dotations_dotation d "
    "JOIN structures_structure s ON s.id = d.structure_id WHERE d.id = dotations_payment.dotation_id)"
)
INDEX = "payment_due_structure_french"
CREATE_INDEX = (
    f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "dotations_payment" '
    '("due_date", ("structure_name" COLLATE "secpa_fr"), "kind", "id")'
)
DROP_INDEX = f'DROP INDEX IF EXISTS "{INDEX}"'


class Migration(migrations.Migration):
    dependencies = [
        ("dotations", "0010_consultation_on_the_bareme"),
        ("structures", "0006_submitted_name_index"),
    ]

    operations = [
        migrations.RunPython(DROP_TRIGGERS, CREATE_TRIGGERS, elidable=False),
        migrations.AddField(
            model_name="payment",
            name="structure_name",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.RunPython(CREATE_TRIGGERS, DROP_TRIGGERS, elidable=False),
        migrations.RunPython(
            sql_for({"postgresql": [COPY_NAMES], "sqlite": [COPY_NAMES]}), migrations.RunPython.noop, elidable=False
        ),
        postgresql_only(CREATE_INDEX, DROP_INDEX),
    ]
