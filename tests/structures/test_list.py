"""The structure list: scoped rows and counts, filters, sortable columns, pagination, bounded queries."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertInHTML

from secpa_portal.core.formats import sort_key
from structures.models import Structure
from tests.conftest import client_for, make_user
from tests.factories import StructureFactory
from tests.html import elements

LIST = reverse("structures:list")


def _get(user, **params):
    response = client_for(user).get(LIST, params)
    assert response.status_code == 200
    return response.content.decode()


def _count(html) -> int:
    match = re.search(r'id="result-count" role="status">([\d\u202f ]+) structure', html)
    return int(re.sub(r"\D", "", match.group(1)))


def _rows(html) -> list[str]:
    """Structure names in the order of the table's rows."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return re.findall(r'<th scope="row">\s*(?:<a [^>]*>)?([^<]+?)(?:</a>)?\s*(?:<br>|</th>)', body)


@pytest.fixture
def world(manager, ars_idf, ars_ara, cnam):
    other_manager = make_user("autre.gestion@test.example")
    files = {
        "idf_draft": StructureFactory(manager=manager, name="Brouillon de Saint-Denis", complete=True),
        "idf_submitted": StructureFactory(manager=manager, submitted=True, name="Centre de santé Pleyel"),
        "idf_review": StructureFactory(
            manager=manager, in_review=True, reviewer=ars_idf, name="Maison de santé du 19e", commune_code="75119"
        ),
        "idf_withdrawn": StructureFactory(manager=other_manager, withdrawn=True, name="Centre retiré de Bobigny"),
        "ara_submitted": StructureFactory(
            manager=other_manager, submitted=True, name="Centre de santé de Clermont", commune_code="63113"
        ),
        "ara_eligible": StructureFactory(
            manager=other_manager,
            eligible=True,
            reviewer=ars_ara,
            name="Maison de santé de Lyon",
            commune_code="69123",
        ),
    }
    Structure.objects.filter(pk=files["idf_review"].pk).update(kind="msp")
    return files


def _names(world, *keys):
    return {world[key].name for key in keys}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("manager", ["idf_draft", "idf_submitted", "idf_review"]),
        ("ars_idf", ["idf_submitted", "idf_review", "idf_withdrawn"]),
        ("ars_ara", ["ara_submitted", "ara_eligible"]),
        ("cnam", ["idf_submitted", "idf_review", "idf_withdrawn", "ara_submitted", "ara_eligible"]),
    ],
)
def test_each_role_sees_its_scope_and_counts_only_that(who, visible, world, request):
    html = _get(request.getfixturevalue(who))
    assert set(_rows(html)) == _names(world, *visible)
    assert _count(html) == len(visible)
    hidden = set(world) - set(visible)
    for key in hidden:
        assert world[key].name not in html


@pytest.mark.django_db
def test_only_the_cnam_filters_by_region(world, cnam, ars_idf):
    html = _get(cnam, region="84")
    assert set(_rows(html)) == _names(world, "ara_submitted", "ara_eligible")
    assert elements(html, "select", name="region")
    html = _get(ars_idf, region="84")
    assert not elements(html, name="region")
    assert set(_rows(html)) == _names(world, "idf_submitted", "idf_review", "idf_withdrawn")


@pytest.mark.django_db
def test_departement_choices_stay_in_the_agents_region(world, ars_idf):
    html = _get(ars_idf)
    assertInHTML('<option value="93">93 – Seine-Saint-Denis</option>', html)
    assert not elements(html, "option", value="63")
    assert set(_rows(_get(ars_idf, departement="75"))) == _names(world, "idf_review")
    # Another region's département is not a choice: the filter is ignored and nothing leaks.
    html = _get(ars_idf, departement="63")
    assert "Clermont" not in html
    assert _count(html) == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "in_review"}, ["idf_review"]),
        ({"status": "eligible"}, ["ara_eligible"]),
        ({"kind": "msp"}, ["idf_review"]),
        ({"kind": "cds"}, ["idf_submitted", "idf_withdrawn", "ara_submitted", "ara_eligible"]),
        ({"q": "pleyel"}, ["idf_submitted"]),
        ({"q": "clermont-ferrand"}, ["ara_submitted"]),
        ({"q": "75119"}, ["idf_review"]),
        ({"q": "630"}, ["ara_submitted"]),
        ({"status": "submitted", "region": "11"}, ["idf_submitted"]),
    ],
)
def test_filters(params, expected, world, cnam):
    assert set(_rows(_get(cnam, **params))) == _names(world, *expected)


@pytest.mark.django_db
def test_text_filter_finds_a_finess_typed_with_spaces(world, cnam):
    finess = world["ara_eligible"].finess_et
    spaced = f"{finess[:2]} {finess[2:5]} {finess[5:]}"
    assert _rows(_get(cnam, q=spaced)) == [world["ara_eligible"].name]
    assert f"FINESS {finess}" in _get(cnam, q=spaced)


@pytest.mark.django_db
def test_mine_and_late_filters_for_the_ars(world, ars_idf):
    assert _rows(_get(ars_idf, mine="on")) == [world["idf_review"].name]
    Structure.objects.filter(pk=world["idf_submitted"].pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=45)
    )
    assert _rows(_get(ars_idf, late="on")) == [world["idf_submitted"].name]


@pytest.mark.django_db
def test_sorting_by_each_column_both_ways(world, cnam):
    # French alphabetical order (secpa_portal/core/collation.py), as Python's formats.sort_key gives it.
    names = sorted(
        _names(world, "idf_submitted", "idf_review", "idf_withdrawn", "ara_submitted", "ara_eligible"), key=sort_key
    )
    assert _rows(_get(cnam)) == names
    assert _rows(_get(cnam, o="-name")) == names[::-1]
    # Status sorts in workflow order: déposé, en instruction, …, éligible, …, retiré.
    by_status = _rows(_get(cnam, o="status"))
    assert by_status[-1] == world["idf_withdrawn"].name
    assert by_status.index(world["idf_review"].name) < by_status.index(world["ara_eligible"].name)
    assert _rows(_get(cnam, o="-status"))[0] == world["idf_withdrawn"].name
    by_commune = _rows(_get(cnam, o="commune"))
    assert by_commune.index(world["ara_submitted"].name) < by_commune.index(world["ara_eligible"].name)
    html = _get(cnam, o="-submitted", status="submitted")
    assert elements(html, "th", aria_sort="descending")
    assert elements(html, "a", href="?o=submitted&status=submitted")


@pytest.mark.django_db
def test_sort_links_keep_the_filters_and_drop_the_page(world, cnam):
    html = _get(cnam, q="centre", page="1")
    assert elements(html, "a", href="?q=centre&o=-name")
    assert elements(html, "th", aria_sort="ascending")


@pytest.mark.django_db
def test_empty_states(manager, ars_idf, cnam):
    assert "Aucune structure encore." in _get(manager)
    assert "Aucun dossier n'a encore été déposé dans votre région." in _get(ars_idf)
    html = _get(cnam, q="introuvable")
    assert "Aucune structure ne correspond à ces critères." in html
    assert html.count("Réinitialiser les filtres") == 2  # the form's button and the empty state's


def _many(manager, n):
    for i in range(n):
        StructureFactory(manager=manager, submitted=True, name=f"Centre de santé n° {i:02d}")


@pytest.mark.django_db
def test_pagination(manager, cnam):
    _many(manager, 30)
    first = _get(cnam)
    assert _count(first) == 30
    assert len(_rows(first)) == 25
    assert elements(first, "nav", role="navigation", class_="fr-pagination")
    assert elements(first, aria_current="page", title="Page 1")
    assert elements(first, "a", href="?page=2")
    second = _get(cnam, page="2")
    assert _rows(second) == [f"Centre de santé n° {i:02d}" for i in range(25, 30)]
    assert "Liste des structures, page 2 sur 2" in second
    # Out-of-range or odd page numbers never give an error page.
    assert _rows(_get(cnam, page="999")) == _rows(second)
    assert len(_rows(_get(cnam, page="abc"))) == 25


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["manager", "ars_idf", "cnam"])
@pytest.mark.parametrize("n", [2, 30])
def test_query_count_does_not_grow_with_rows(who, n, manager, ars_idf, request, django_assert_max_num_queries):
    for i in range(n):
        StructureFactory(manager=manager, in_review=True, reviewer=ars_idf, name=f"Centre n° {i:02d}")
    client = client_for(request.getfixturevalue(who))
    # Session, user, count, the page's ids in order then its rows (core.lists.NarrowRows), the user's other
    # reads (memberships, unread messages…): a constant.
    with django_assert_max_num_queries(8):
        response = client.get(LIST, {"status": "in_review", "o": "-status"})
    assert len(_rows(response.content.decode())) == min(n, 25)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"status": "n'importe"},
        {"region": "999"},
        {"region": "abc"},
        {"departement": "<b>"},
        {"kind": "hôpital"},
        {"o": "password"},
        {"o": "--name"},
        {"q": "\x00"},
        {"q": "%_%"},
        {"q": "2A"},
        {"page": "-1"},
        {"mine": "maybe", "late": "1"},
    ],
)
def test_odd_input_never_gives_a_500(params, world, cnam, ars_idf, manager):
    for user in (cnam, ars_idf, manager):
        client_for(user).get(LIST, params)  # a 500 would raise in the test client


@pytest.mark.django_db
def test_rows_link_to_the_structure_page_and_staff_rows_to_the_review(world, ars_idf, manager):
    structure = world["idf_review"]
    html = _get(ars_idf)
    assertInHTML(f'<a href="{reverse("structures:detail", args=[structure.pk])}">{structure.name}</a>', html)
    assert elements(html, "a", href=reverse("structures:review", args=[structure.pk]))
    html = _get(manager)
    assertInHTML(f'<a href="{reverse("structures:detail", args=[structure.pk])}">{structure.name}</a>', html)
    assert "/instruction/" not in html
