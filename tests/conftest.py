import importlib

import pytest
from django.test import Client

from secpa_portal.accounts.enums import Role
from secpa_portal.accounts.models import User


class InvalidVarException(str):
    """Fail a test as soon as a template uses a variable that does not exist."""

    def __mod__(self, other):
        raise AssertionError(f"Undefined template variable: {other}")

    def __bool__(self):
        return False


@pytest.fixture(autouse=True, scope="session")
def unordered_querysets_come_in_random_order():
    """A query without ORDER BY (no order_by(), no Meta.ordering, not DISTINCT) gets ``ORDER BY RANDOM()``.

    SQLite returns rows in insertion order and PostgreSQL mostly does on a small table, which hides a missing
    ``order_by``; here a page, an export or a test that relies on an order nobody asked for fails. The idea is
    les-emplois' (gip-inclusion), which patches the same compiler method. ``.order_by()`` with no field (an
    explicit "any order") is left alone, and so are the members of a UNION (SQLite refuses ORDER BY there).
    """
    from django.db.models.expressions import OrderBy
    from django.db.models.functions import Random
    from django.db.models.sql.compiler import SQLCompiler

    order_by_pairs = SQLCompiler._order_by_pairs
    combinator_sql = SQLCompiler.get_combinator_sql

    def unordered(query):
        return (
            query.default_ordering
            and not query.extra_order_by
            and not query.order_by
            and not query.distinct
            and not query.combinator
            and not getattr(query, "_in_compound", False)
            and not ((meta := query.get_meta()) and meta.ordering)
        )

    def _order_by_pairs(self):
        yield from order_by_pairs(self)
        if unordered(self.query):
            yield OrderBy(Random()), False

    def get_combinator_sql(self, combinator, all):
        for query in self.query.combined_queries:
            query._in_compound = True
        return combinator_sql(self, combinator, all)

    SQLCompiler._order_by_pairs = _order_by_pairs
    SQLCompiler.get_combinator_sql = get_combinator_sql
    yield
    SQLCompiler._order_by_pairs = order_by_pairs
    SQLCompiler.get_combinator_sql = combinator_sql


@pytest.fixture(autouse=True)
def strict_templates(settings):
    for template in settings.TEMPLATES:
        if template["BACKEND"].endswith("DjangoTemplates"):  # the Jinja2 rows are strict already (core/jinja.py)
            template["OPTIONS"]["string_if_invalid"] = InvalidVarException("%s")


@pytest.fixture(autouse=True)
def test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture(autouse=True)
def reference_choices_cache():
    """The région/département choices, the rendered filter forms and the keys each dashboard reads are kept per
    process; a flush or rollback does not send signals."""
    from secpa_portal.core import aggregates, lists
    from secpa_portal.reference import choices

    choices.clear()
    lists.forget_filter_fields()
    aggregates.forget_known()
    yield
    choices.clear()
    lists.forget_filter_fields()
    aggregates.forget_known()


@pytest.fixture(autouse=True)
def reference_data_after_flush(request):
    """Transactional tests (browser journeys, PostgreSQL races) start with the reference data migrations load.

    serialized_rollback should restore it after the previous transactional test's flush, but after some
    live-server tests it does not (SQLite in memory): reload it with the migrations' own loaders when missing.
    """
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    from conventions.catalogue import seed_catalogue
    from conventions.models import Indicator
    from secpa_portal.reference.models import Commune, Region

    if not Region.objects.exists():
        importlib.import_module("secpa_portal.reference.migrations.0002_load_regions_departements").load(apps, None)
    if not Commune.objects.exists():
        # Not serialized (settings.TEST_NON_SERIALIZED_APPS): about 0.4 s with the migration's loader.
        importlib.import_module("secpa_portal.reference.migrations.0004_load_communes").load(apps, None)
    if not Indicator.objects.exists():
        seed_catalogue(Indicator)


@pytest.fixture(autouse=True)
def journal_truncate_for_flush(request):
    """On PostgreSQL the journal refuses TRUNCATE; the flush after a transactional test needs it.

    The guard is on while the test runs and off only for the runner's flush (this fixture tears down first).
    """
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        yield
        return
    request.getfixturevalue("transactional_db")
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    toggle = "ALTER TABLE {table} {action} TRIGGER {table}_no_truncate"
    with connection.cursor() as cursor:
        for table in ("journal_event", "journal_checkpoint"):
            cursor.execute(toggle.format(table=table, action="ENABLE"))
    yield
    with connection.cursor() as cursor:
        for table in ("journal_event", "journal_checkpoint"):
            cursor.execute(toggle.format(table=table, action="DISABLE"))


def make_user(email, role=Role.MANAGER, region_code=None, **extra):
    return User.objects.create_user(email=email, password="secpa-test-2026", role=role, region_id=region_code, **extra)


@pytest.fixture
def manager(db):
    return make_user("gestion@test.example", first_name="Camille", last_name="Martin")


@pytest.fixture
def ars_idf(db):
    return make_user(
        "ars.idf@test.example", role=Role.ARS_AGENT, region_code="11", first_name="Inès", last_name="Bernard"
    )


@pytest.fixture
def ars_ara(db):
    return make_user(
        "ars.ara@test.example", role=Role.ARS_AGENT, region_code="84", first_name="Paul", last_name="Roux"
    )


@pytest.fixture
def cnam(db):
    return make_user("cnam@test.example", role=Role.CNAM_AGENT, first_name="Nadia", last_name="Petit")


@pytest.fixture
def cnam2(db):
    return make_user("cnam2@test.example", role=Role.CNAM_AGENT, first_name="Louis", last_name="Garnier")


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def ids_past_a_thousand(*tables, start=5000):
    """The next rows of ``tables`` get ids past 999, as a long-lived database has them: a localised id
    (« 1 234 ») would be no choice of a form, nor the anchor of a link."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, start])
            else:
                cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [start, table])
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) SELECT %s, %s WHERE changes() = 0", [table, start]
                )


def pytest_collection_modifyitems(config, items):
    """A transactional test flushes the database when it ends; without serialized_rollback the reference data
    loaded by migrations (regions, départements, indicator catalogue) would be gone for every later test."""
    offenders = []
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            offenders.append(item.nodeid)
    if offenders:
        raise pytest.UsageError(
            "Transactional tests must use serialized_rollback=True: " + ", ".join(sorted(offenders)[:5])
        )
