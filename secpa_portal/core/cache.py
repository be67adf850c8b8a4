"""The ``aggregates`` cache's backend: Django's database cache, whose ``set`` is one upsert.

Django's ``DatabaseCache.set`` counts the table, opens a savepoint, reads the key, then inserts or updates it (five
statements); every journaled write sets the aggregates' version (``core.aggregates``), so it pays for it. Here a set
is one ``INSERT … ON CONFLICT DO UPDATE`` (PostgreSQL, SQLite ≥ 3.24): a journaled write pays one statement. Instead
of the count-and-cull, a reader that stores an entry with a lifetime (a cache miss) also deletes the expired ones:
the table holds a few hundred entries a day (a name per scope and day).
"""

import base64
import pickle
from datetime import UTC, datetime

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router
from django.utils.timezone import now as tz_now


class AggregateCache(DatabaseCache):
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        connection = connections[router.db_for_write(self.cache_model_class)]
        table = connection.ops.quote_name(self._table)
        expires = datetime.max if timeout is None else datetime.fromtimestamp(timeout, tz=UTC)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (cache_key, value, expires) VALUES (%s, %s, %s) "
                "ON CONFLICT (cache_key) DO UPDATE SET value = excluded.value, expires = excluded.expires",
                [key, encoded, expires],
            )
        if timeout is not None:
            self.delete_expired()

    def delete_expired(self) -> None:
        connection = connections[router.db_for_write(self.cache_model_class)]
        now = connection.ops.adapt_datetimefield_value(tz_now().replace(microsecond=0))
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(self._table)} WHERE expires < %s", [now])
