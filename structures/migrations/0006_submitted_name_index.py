"""The national structure list's order over submitted structures, served index-only (issue 14).

The CNAM agent sees every submitted structure (``submitted_at IS NOT NULL``), in French name order. The index of
migration 0005 serves its first page, but a deep page (page 100 at 5,000 structures) made PostgreSQL prefer
sorting every row (6 ms): reading 2,500 index entries and checking each row's ``submitted_at`` costs more. A
partial index over the same expression, for submitted structures only, answers the page by an index-only scan
(0.3 ms). PostgreSQL only, for the reason given in 0005.
"""

from django.db import migrations

from secpa_portal.core.migration_sql import postgresql_only

INDEX = "structure_name_french_submitted"
CREATE = (
    f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "structures_structure" (("name" COLLATE "secpa_fr"), "id") '
    'WHERE "submitted_at" IS NOT NULL'
)
DROP = f'DROP INDEX IF EXISTS "{INDEX}"'


class Migration(migrations.Migration):
    dependencies = [("structures", "0005_french_name_index")]

    operations = [postgresql_only(CREATE, DROP)]
