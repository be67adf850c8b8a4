"""Writing many rows at once.

``bulk_set`` updates: on PostgreSQL one ``UPDATE … FROM (VALUES …)`` per batch, whose cost is linear in rows.
Django's ``bulk_update`` builds one ``CASE`` expression per field with a branch per row: for a campaign of
thousands of dotations, building and running those took most of the computation time.

``bulk_insert`` inserts rows whose ids nobody reads back (a campaign's 20,000 to 90,000 dotation lines): on
PostgreSQL one ``COPY … FROM STDIN`` streamed row by row. ``bulk_create`` built and sent one statement of
2,000 rows × 12 parameters per batch: half of a campaign's computation (issue 14).

Elsewhere (SQLite in development and tests) Django's ``bulk_update`` and ``bulk_create`` are fast enough.
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


def bulk_insert(model, objects, *, batch_size=BATCH) -> None:
    """Insert ``objects`` (unsaved instances; their ``pk`` stays None) with the values Django would save."""
    objects = list(objects)
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=batch_size)
        return
    quote = connection.ops.quote_name
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row([field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields])
