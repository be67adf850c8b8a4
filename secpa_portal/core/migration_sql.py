"""Hand-written SQL in migrations that one database engine runs and the other skips: the indexes over the French
collation or with ``INCLUDE`` (PostgreSQL only), triggers written once per engine."""

from django.db import migrations


def sql_for(statements: dict[str, list[str]]):
    """A ``RunPython`` function executing the statements of the connection's engine (``"postgresql"``,
    ``"sqlite"``), none for an engine not named."""

    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(sql, params=None)

    return run


def postgresql_only(create: str, drop: str) -> migrations.RunPython:
    """``create`` forwards and ``drop`` backwards, on PostgreSQL only."""
    return migrations.RunPython(sql_for({"postgresql": [create]}), sql_for({"postgresql": [drop]}), elidable=False)
