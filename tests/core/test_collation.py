"""French alphabetical order on both databases (secpa_portal/core/collation.py): ICU's French collation on
PostgreSQL, ``formats.sort_key`` registered as a collation on SQLite; both give the order Python's key gives.
Regions come in their official order (INSEE codes), never with Île-de-France last."""

import pytest
from django.db import connection
from django.urls import reverse

from secpa_portal.core.collation import french
from secpa_portal.core.formats import sort_key
from secpa_portal.reference.models import Region
from structures.filters import LISTING
from structures.models import Structure
from tests.conftest import client_for
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db

NAMES = ["zola", "Île-de-Ré", "abbaye", "Émile Zola", "Eole", "eole", "Ozanam", "œuvre du Parc", "de Gaulle", "Dupont"]
EXPECTED = [
    "abbaye",
    "de Gaulle",
    "Dupont",
    "Émile Zola",
    "eole",
    "Eole",
    "Île-de-Ré",
    "œuvre du Parc",
    "Ozanam",
    "zola",
]


def test_python_s_key_sorts_as_a_french_reader_expects():
    assert sorted(NAMES, key=sort_key) == EXPECTED


def test_the_database_sorts_names_the_same_way(manager):
    for name in NAMES:
        StructureFactory(manager=manager, name=name)
    assert connection.vendor in ("sqlite", "postgresql")
    ordered = list(Structure.objects.order_by(french("name")).values_list("name", flat=True))
    assert ordered == EXPECTED
    listed = LISTING.order(Structure.objects.all(), {"o": "-name"}).values_list("name", flat=True)
    assert list(listed) == EXPECTED[::-1]


def test_the_structure_list_page_is_in_french_order(manager):
    for name in NAMES:
        StructureFactory(manager=manager, name=name)
    html = client_for(manager).get(reverse("structures:list")).content.decode()
    positions = [html.index(f">{name}<") for name in EXPECTED]
    assert positions == sorted(positions)


def test_regions_come_in_their_official_order():
    codes = list(Region.objects.values_list("code", flat=True))
    assert codes == sorted(codes)
    names = list(Region.objects.values_list("name", flat=True))
    assert names.index("Île-de-France") < names.index("Bretagne") < names.index("Auvergne-Rhône-Alpes")
