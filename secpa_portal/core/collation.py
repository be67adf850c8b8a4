"""French alphabetical order in the database (issue 12 §7): « Île-de-France » among the I, « de Gaulle » beside
« Dupont », case and accents only breaking ties.

One collation name, ``secpa_fr``, on both databases:
- PostgreSQL: an ICU collation created by migration ``core.0003_french_collation``;
- SQLite: a Python collation registered on every new connection, comparing ``formats.sort_key``.

``french("structure__name")`` is the ordering expression; ``core.lists.Sort`` uses it for every field whose
name ends in ``name``. Python code sorting in memory uses ``formats.sort_key``.
"""

from django.db.backends.signals import connection_created
from django.db.models import F
from django.db.models.functions import Collate

from .formats import sort_key

FRENCH = "secpa_fr"


def french(field: str) -> Collate:
    return Collate(F(field), FRENCH)


def _compare(left: str, right: str) -> int:
    left_key, right_key = sort_key(left), sort_key(right)
    return (left_key > right_key) - (left_key < right_key)


def _register_on_sqlite(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_collation(FRENCH, _compare)


def install():
    connection_created.connect(_register_on_sqlite, dispatch_uid="secpa_french_collation")
