"""The list filters' région and département choices come from a per-process cache (issue 14)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from secpa_portal.reference import choices
from secpa_portal.reference.models import Departement, Region
from structures.enums import StructureStatus as S
from structures.models import Structure
from tests.conftest import client_for
from tests.factories import StructureFactory
from tests.structures.test_list import _rows

LIST = reverse("structures:list")


@pytest.mark.django_db
def test_filters_keep_their_selection_and_filter_without_reading_the_reference_tables(manager, ars_idf, cnam):
    structure = StructureFactory(manager=manager, state=S.IN_REVIEW, reviewer=ars_idf, name="Centre francilien")
    idf = Region.objects.get(code="11")
    paris = Departement.objects.get(code="75")
    Structure.objects.filter(pk=structure.pk).update(region=idf, departement=paris)
    client = client_for(cnam)
    client.get(LIST)  # warms the cache
    params = {"region": idf.pk, "departement": paris.pk, "status": "in_review"}
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, params)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{idf.pk}" selected>Île-de-France</option>' in html
    assert f'<option value="{paris.pk}" selected>75 – Paris</option>' in html
    assert html.count("<option") >= 18 + 101
    assert _rows(html) == ["Centre francilien"]
    tables = [q["sql"].split(" FROM ", 1)[-1].split()[0] for q in queries.captured_queries]
    assert '"reference_region"' not in tables and '"reference_departement"' not in tables
    assert len(queries) <= 5  # two fewer than before: the regions and départements are no longer read
    other = Region.objects.exclude(pk=idf.pk).first()
    assert _rows(client.get(LIST, {"region": other.pk}).content.decode()) == []


@pytest.mark.django_db
def test_ars_agent_gets_the_departements_of_their_region_only(ars_idf):
    html = client_for(ars_idf).get(LIST).content.decode()
    assert "75 – Paris" in html and "13 – Bouches-du-Rhône" not in html
    assert 'name="region"' not in html


@pytest.mark.django_db
def test_a_renamed_region_is_seen_at_once(cnam):
    choices.region_choices()
    region = Region.objects.get(code="11")
    region.name = "Île-de-France (renommée)"
    region.save()
    assert (region.pk, "Île-de-France (renommée)") in choices.region_choices()
