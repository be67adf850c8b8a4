"""Updating many rows at once.

On PostgreSQL: one ``UPDATE … FROM (VALUES …)`` per batch, whose cost is linear in rows. Django's
``bulk_update`` builds one ``CASE`` expression per field with a branch per row: for a campaign of thousands of
dotations, building and running those took most of the computation time. Elsewhere (SQLite in development
and tests) ``bulk_update`` with small batches is fast enough.
"""

from django.db import connection

BATCH = 1000


def bulk_set(model, objects, fields, *, batch_size=BATCH) -> None:
    objects = list(objects)
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objects, fields, batch_size=100)
        return
    quote = connection.ops.quote_name
    meta = model._meta
    pk = meta.pk
    columns = [meta.get_field(name) for name in fields]
    placeholder = "(" + ", ".join(f"%s::{field.db_type(connection)}" for field in [pk, *columns]) + ")"
    names = ", ".join(quote(field.column) for field in [pk, *columns])
    assignments = ", ".join(f"{quote(field.column)} = v.{quote(field.column)}" for field in columns)
    with connection.cursor() as cursor:
        for start in range(0, len(objects), batch_size):
            batch = objects[start : start + batch_size]
            params = []
            for obj in batch:
                params.append(pk.get_db_prep_value(obj.pk, connection))
                params.extend(field.get_db_prep_save(getattr(obj, field.attname), connection) for field in columns)
            cursor.execute(
                f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "
                f"FROM (VALUES {', '.join([placeholder] * len(batch))}) AS v({names}) "
                f"WHERE t.{quote(pk.column)} = v.{quote(pk.column)}",
                params,
            )
