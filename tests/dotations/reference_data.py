"""Reference regions for transactional browser tests.

A transactional test flushes the database at teardown; ``serialized_rollback`` should bring the regions back,
but in some random orders (after the live-server journeys) they are missing, and creating an ARS agent fails
on its region. Reloading them with the data migration's own loader keeps these tests independent of order.
"""

import importlib

import pytest
from django.apps import apps


@pytest.fixture(autouse=True)
def reference_regions(transactional_db):
    from secpa_portal.reference.models import Region

    if not Region.objects.exists():
        migration = importlib.import_module("secpa_portal.reference.migrations.0002_load_regions_departements")
        migration.load(apps, None)
