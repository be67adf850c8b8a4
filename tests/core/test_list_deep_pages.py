"""Search, sorting, filter combinations and deep pages of a list give the right rows, on SQLite and on
PostgreSQL (run with ``DATABASE_URL``): deep pages are read narrowly (ids first), shallow ones in one query."""

import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from structures.enums import StructureStatus as S
from structures.filters import LISTING
from structures.models import Structure
from tests.conftest import client_for
from tests.factories import StructureFactory

LIST = reverse("structures:list")
COUNT = 140


def _rows(html) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return re.findall(r'<th scope="row">\s*(?:<a [^>]*>)?([^<]+?)(?:</a>)?\s*(?:<br>|</th>)', body)


@pytest.fixture
def many(manager):
    model = StructureFactory(manager=manager, submitted=True, name="Modèle")
    clones = []
    for i in range(COUNT):
        clone = Structure.objects.get(pk=model.pk)
        clone.pk = clone.id = None
        clone.finess_et = ""
        clone.name = f"Centre n° {(i * 37) % COUNT:03d}"
        clone.commune_name = "Lyon" if i % 3 == 0 else "Paris"
        clones.append(clone)
    Structure.objects.bulk_create(clones)
    Structure.objects.filter(pk=model.pk).delete()
    return Structure.objects.all()


def _expected(params: dict, start: int, stop: int) -> list[str]:
    query = QueryDict(mutable=True)
    query.update(params)
    ordered = LISTING.order(Structure.objects.exclude(status=S.DRAFT), query)
    if "q" in params:
        ordered = ordered.filter(commune_name__icontains=params["q"])
    return [structure.name for structure in ordered][start:stop]


@pytest.mark.django_db
@pytest.mark.parametrize("order", ["name", "-name", "commune", "-commune", "-status", "submitted"])
def test_a_deep_page_has_the_rows_of_the_whole_sort(order, many, cnam):
    client = client_for(cnam)
    last = client.get(LIST, {"o": order, "page": "6"}).content.decode()  # rows 126 to 140
    assert _rows(last) == _expected({"o": order}, 125, 140)
    first = client.get(LIST, {"o": order}).content.decode()
    assert _rows(first) == _expected({"o": order}, 0, 25)


@pytest.mark.django_db
def test_search_with_filters_sort_and_pages(many, cnam):
    client = client_for(cnam)
    lyon = [name for name in _expected({"o": "-name", "q": "lyon"}, 0, COUNT)]
    assert len(lyon) == 47
    pages = [_rows(client.get(LIST, {"q": "LYON", "o": "-name", "page": str(n)}).content.decode()) for n in (1, 2)]
    assert pages[0] + pages[1] == lyon
    # The search combines with the other filters: status and région.
    assert _rows(client.get(LIST, {"q": "lyon", "status": "in_review"}).content.decode()) == []
    combined = client.get(LIST, {"q": "ntre n° 13", "status": "submitted", "region": "11", "o": "name"})
    assert _rows(combined.content.decode()) == [f"Centre n° {i}" for i in range(130, 140)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm indexes exist on PostgreSQL only")
def test_text_search_has_trigram_indexes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE '%%_trgm'")
        indexes = dict(cursor.fetchall())
    assert set(indexes) == {"structure_name_trgm", "structure_commune_trgm", "convention_reference_trgm"}
    assert all("gin_trgm_ops" in definition and "upper" in definition for definition in indexes.values())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the French name index exists on PostgreSQL only")
def test_the_french_name_order_has_its_index():
    """The list sorts names as ``name COLLATE secpa_fr``: the indexes must use the same collation to serve it, and
    the national list (submitted structures only) has its own partial index for deep pages."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'structure_name_french%%' ORDER BY 1"
        )
        (name, definition), (submitted, partial) = cursor.fetchall()
    assert name == "structure_name_french"
    assert "(name COLLATE secpa_fr, id)" in definition and "WHERE" not in definition
    assert submitted == "structure_name_french_submitted"
    assert "(name COLLATE secpa_fr, id)" in partial and "WHERE (submitted_at IS NOT NULL)" in partial


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the covering index exists on PostgreSQL only")
def test_a_search_on_a_common_word_is_counted_from_a_narrow_index(many, cnam):
    """« Centre » matches most names, so the trigram indexes cannot narrow it: the count reads the submitted
    structures' status, name and commune from their covering index, not the wide rows; the page is the same."""
    Structure.objects.update(submitted_at=timezone.now(), status=S.ELIGIBLE)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE structures_structure")  # the visibility map an index-only scan needs
        sql, params = (
            Structure.objects.filter(submitted_at__isnull=False, status=S.ELIGIBLE, name__icontains="Centre")
            .values("pk")
            .query.sql_with_params()
        )
        cursor.execute("SET enable_seqscan = off")  # at 140 rows a scan of the table costs the same
        try:
            cursor.execute(f"EXPLAIN SELECT COUNT(*) FROM ({sql}) counted", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")
    assert "Index Only Scan using structure_search_submitted" in plan, plan
    page = client_for(cnam).get(LIST, {"q": "Centre", "status": "eligible"})
    assert page.context["page_obj"].paginator.count == COUNT


@pytest.mark.django_db
@pytest.mark.parametrize("descending", [False, True])
def test_a_sort_on_a_field_of_few_values_reads_each_page_within_its_values(descending, many):
    """``Sort.few_values`` (the reports' year, the payments' due date): the rows are counted per value and each
    page's ids are read within the values it spans. Every page, including those across two values, and the count
    are those of the plain sort; a filter applies to the counts too."""
    from secpa_portal.core.lists import Listing, NarrowRows, Sort

    statuses = [S.SUBMITTED] * 61 + [S.IN_REVIEW] * 9 + [S.ELIGIBLE] * 47 + [S.INELIGIBLE] * 23
    for status, pk in zip(statuses, many.order_by("pk").values_list("pk", flat=True), strict=True):
        Structure.objects.filter(pk=pk).update(status=status)
    listing = Listing(sorts={"status": Sort("Statut", ("status",), then=("name",), few_values=True)}, default="status")
    params = QueryDict("o=-status" if descending else "o=status")
    for queryset in (Structure.objects.all(), Structure.objects.filter(commune_name="Lyon")):
        ordered = listing.order(queryset, params)
        expected = list(ordered.values_list("pk", flat=True))
        rows = NarrowRows(ordered, groups=("status", descending))
        assert rows.count() == len(expected)
        read = [row.pk for start in range(0, len(expected) + 7, 7) for row in rows[start : start + 7]]
        assert read == expected
        assert [row.pk for row in rows[55:130]] == expected[55:130]  # across three values: one query
        page = listing.paginate(ordered, params)  # the listing reads its sort's groups itself
        assert [row.pk for row in page.object_list] == expected[:25] and page.paginator.count == len(expected)
