"""The list mechanism shared by every list page: whitelisted sorts with a primary-key tiebreak, one filter
layout with active-filter tags, and the list's querystring carried back by the breadcrumbs."""

import json
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.http import QueryDict
from django.urls import reverse
from pytest_django.asserts import assertInHTML

from secpa_portal.core import formats, lists
from secpa_portal.core.lists import Listing, Sort
from structures.models import Structure
from tests.conftest import client_for
from tests.factories import StructureFactory
from tests.html import elements

LIST = reverse("structures:list")


class Links(HTMLParser):
    """Every ``<a>``: its attributes and text."""

    def __init__(self):
        super().__init__()
        self.links, self._open = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._open = {**dict(attrs), "text": ""}
            self.links.append(self._open)

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data

    def handle_endtag(self, tag):
        if tag == "a":
            self._open = None


def links(html):
    parser = Links()
    parser.feed(html)
    return parser.links


def test_only_whitelisted_sort_values_are_read():
    listing = Listing(sorts={"name": Sort("Nom", ("name",))}, default="name")
    for value, expected in [("name", "name"), ("-name", "-name"), ("--name", ""), ("password", ""), ("", "")]:
        assert listing.sort_value(QueryDict(f"o={value}")) == expected
    assert listing.current_sort(QueryDict("o=x")) == "name"


@pytest.mark.django_db
def test_equal_sort_keys_are_ordered_by_primary_key(manager):
    for _ in range(3):
        StructureFactory(manager=manager, submitted=True, name="Même nom")
    listing = Listing(sorts={"name": Sort("Nom", ("name",))}, default="name")
    for value in ("name", "-name"):
        ordered = listing.order(Structure.objects.all(), QueryDict(f"o={value}"))
        assert list(ordered.values_list("pk", flat=True)) == sorted(Structure.objects.values_list("pk", flat=True))


@pytest.mark.django_db
def test_active_filters_are_tags_each_removing_its_own_filter(manager, cnam):
    StructureFactory(manager=manager, submitted=True, name="Centre Pleyel")
    html = client_for(cnam).get(LIST, {"status": "submitted", "q": "pleyel", "o": "-name", "page": "1"}).content
    tags = [link for link in links(html.decode()) if "fr-tag" in link.get("class", "")]
    assert [(tag["text"], tag["href"]) for tag in tags] == [
        ("Rechercher : « pleyel »", "?status=submitted&o=-name"),
        ("Statut : Déposé", "?q=pleyel&o=-name"),
    ]
    assert tags[0]["aria-label"] == "Retirer le filtre « Rechercher : « pleyel » »"
    reset = [link for link in links(html.decode()) if link["text"] == "Réinitialiser les filtres"]
    assert [link["href"] for link in reset] == [LIST]
    # No filter, no tag and no reset link; an invalid value is ignored, so it gets no tag either.
    html = client_for(cnam).get(LIST, {"status": "n'importe"}).content.decode()
    assert "fr-tag" not in html
    assert "Réinitialiser les filtres" not in html


@pytest.mark.django_db
def test_every_list_uses_the_same_filter_layout(manager, cnam):
    pages = [
        (reverse("structures:list"), {"q": "x"}),
        (reverse("conventions:list"), {"q": "x"}),
        (reverse("conventions:report_list"), {"statut": "draft"}),
        (reverse("dotations:dotation_list"), {"campaign": ""}),
        (reverse("dotations:payments"), {"q": "x"}),
    ]
    client = client_for(cnam)
    for url, params in pages:
        html = client.get(url, params).content.decode()
        assert elements(html, class_="fr-mb-3w secpa-list-filters"), url
        assertInHTML('<h2 class="fr-h6" id="filters-title">Filtrer</h2>', html)
        if url != reverse("dotations:dotation_list"):
            assert "Réinitialiser les filtres" in html, url
        assert "Effacer les filtres" not in html


@pytest.mark.django_db
def test_the_breadcrumb_returns_to_the_filtered_list(manager, ars_idf):
    structure = StructureFactory(manager=manager, in_review=True, reviewer=ars_idf, name="Centre du 19e")
    client = client_for(ars_idf)
    client.get(LIST, {"status": "in_review", "o": "-name", "page": "1"})
    detail = client.get(reverse("structures:detail", args=[structure.pk])).content.decode()
    crumbs = [link for link in links(detail) if "fr-breadcrumb__link" in link.get("class", "")]
    assert [link.get("href") for link in crumbs][:2] == [
        reverse("core:home"),
        f"{LIST}?status=in_review&o=-name&page=1",
    ]
    # Back on the plain list, the breadcrumb forgets the filters.
    client.get(LIST)
    detail = client.get(reverse("structures:detail", args=[structure.pk])).content.decode()
    crumbs = [link for link in links(detail) if "fr-breadcrumb__link" in link.get("class", "")]
    assert crumbs[1]["href"] == LIST


@pytest.mark.django_db
def test_a_forged_cookie_only_gives_parameters(manager, ars_idf):
    structure = StructureFactory(manager=manager, in_review=True, reviewer=ars_idf)
    client = client_for(ars_idf)
    client.cookies["secpa_lists"] = json.dumps({LIST: 'a="><script>x</script>'})
    detail = client.get(reverse("structures:detail", args=[structure.pk])).content.decode()
    assert "<script>x" not in detail
    client.cookies["secpa_lists"] = "not json"
    assert client.get(reverse("structures:detail", args=[structure.pk])).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["manager", "ars_idf", "cnam"])
def test_filter_selects_render_without_a_template_per_option(who, manager, request):
    """The structure list's filter form (101 départements, 18 régions, statuses, kinds for the CNAM) renders its
    selects without the template engine (``core.form_renderer``): no template per option, none per select (issue 14),
    the same markup as Django's."""
    StructureFactory(manager=manager, submitted=True)
    response = client_for(request.getfixturevalue(who)).get(LIST)
    html = response.content.decode()
    names = [template.name for template in response.templates]
    options = html.count("<option ")
    assert options >= (100 if who == "cnam" else 5)
    assert html.count("<select ") >= (4 if who == "cnam" else 1)
    assert not [name for name in names if name.startswith("django/forms/widgets/select")]
    # Every template of the page, whatever the number of options: the layout, the form's fields, the includes.
    assert len(names) < 60, sorted(names)
    assertInHTML('<option value="93">93 – Seine-Saint-Denis</option>', html)


def _filter_form_html(html: str) -> str:
    start = html.index('<form method="get"')
    return html[start : html.index("</form>", start)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [{}, {"status": "submitted", "region": "11"}, {"region": "999", "q": "<b>Lyon</b>"}, {"departement": "abc"}],
)
def test_a_filter_form_from_the_cache_is_the_form_rendered_afresh(params, manager, cnam, ars_idf):
    """The filter fields are rendered once per state and process (issue 14): a second request with the same state
    shows exactly what a fresh rendering shows — values typed, errors, choices — and another user's form (an ARS
    agent has no région filter and only the départements of their région) is never served from a CNAM entry."""
    StructureFactory(manager=manager, submitted=True)
    lists.forget_filter_fields()
    cnam_client, ars_client = client_for(cnam), client_for(ars_idf)
    fresh = _filter_form_html(cnam_client.get(LIST, params).content.decode())
    assert lists._FILTER_FIELDS
    cached = _filter_form_html(cnam_client.get(LIST, params).content.decode())
    assert cached == fresh
    assert fresh.count('<option value=""') == fresh.count("<select ")  # one « Tous / Toutes » per select
    ars = _filter_form_html(ars_client.get(LIST, params).content.decode())
    assert 'name="region"' in fresh and 'name="region"' not in ars
    assert "13 – Bouches-du-Rhône" in fresh and "13 – Bouches-du-Rhône" not in ars
    lists.forget_filter_fields()
    assert _filter_form_html(ars_client.get(LIST, params).content.decode()) == ars
    if "q" in params:
        assert 'value="&lt;b&gt;Lyon&lt;/b&gt;"' in cached


@pytest.mark.django_db
def test_a_new_choice_shows_in_a_cached_filter_form(cnam):
    """Choices are part of the cache's key: the payments' campaign filter offers a campaign created after the form
    was first rendered."""
    from tests.factories import CampaignFactory

    client = client_for(cnam)
    payments = reverse("dotations:payments")
    CampaignFactory(year=2025, bareme=False)
    assert ">2026<" not in _filter_form_html(client.get(payments).content.decode())
    CampaignFactory(year=2026, bareme=False)
    form = _filter_form_html(client.get(payments).content.decode())
    assert ">2026<" in form and form.count("Toutes les campagnes") == 1
    dotations = _filter_form_html(client.get(reverse("dotations:dotation_list")).content.decode())
    assert ">2026<" in dotations and ">2025<" in dotations and dotations.count("Toutes les campagnes") == 1


@pytest.mark.django_db
def test_long_lists_write_their_rows_in_jinja2_escaped_as_django_escapes(cnam):
    """The structure, convention, report, dotation and payment lists write their rows with Jinja2 (``core/jinja.py``,
    issue 14): a name reads exactly as the Django engine escapes it, and the page renders the same Django templates
    whatever the number of rows (none per row)."""
    from django.utils.html import escape

    from tests.factories import DotationFactory

    name = "L'Escale <b>Nord</b> & fils"
    first = DotationFactory(approved=True, total=Decimal("1234.50"))
    structure = Structure.objects.get(pk=first.structure_id)
    structure.name = name
    structure.save()  # as the registration form saves it: the payments copy the new name (their sort key)
    client = client_for(cnam)
    pages = [
        reverse(name)
        for name in ("structures:list", "conventions:list", "dotations:dotation_list", "dotations:payments")
    ]
    templates = {}
    for url in pages:
        lists.forget_filter_fields()  # each request renders its filter form afresh: the same templates each time
        response = client.get(url)
        html = response.content.decode()
        assert escape(name) in html and "<b>Nord" not in html, url
        templates[url] = sorted(template.name for template in response.templates)
    dotations = client.get(reverse("dotations:dotation_list")).content.decode()
    assert f'value="{first.pk}"' in dotations and formats.euros(Decimal("1234.50")) in dotations
    for _ in range(3):
        DotationFactory(approved=True, campaign=first.campaign)
    for url in pages:
        lists.forget_filter_fields()
        response = client.get(url)
        assert response.content.decode().count("<tr>") > 4
        assert sorted(template.name for template in response.templates) == templates[url], url


def test_a_misspelt_name_in_a_jinja2_row_fails_instead_of_a_blank_cell():
    from django.template import engines
    from jinja2 import UndefinedError

    with pytest.raises(UndefinedError):
        engines["rows"].from_string("{{ strucure.name }}").render({})
