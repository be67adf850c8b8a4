"""The structures section of each role's dashboard, and the navigation entry (ux.md, design.md §7)."""

import datetime
import re
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertInHTML

from structures.enums import StructureStatus as S
from structures.models import Structure
from tests.conftest import client_for, make_user
from tests.factories import StructureFactory
from tests.html import elements

DASHBOARD = reverse("dashboard")


def _html(user):
    response = client_for(user).get(DASHBOARD)
    assert response.status_code == 200
    return response.content.decode()


def _tile(html, label) -> int:
    match = re.search(re.escape(label) + r'</a></h3>\s*<p class="fr-tile__detail[^"]*">([\d\u202f ]+)</p>', html)
    assert match, f"no tile « {label} »"
    return int(re.sub(r"\D", "", match.group(1)))


def _region_row(html, region_name) -> list[int]:
    row = re.search(re.escape(region_name) + r"</a></th>(.*?)</tr>", html, re.S).group(1)
    return [int(value) for value in re.findall(r'<td class="secpa-amount">(\d+)</td>', row)]


@pytest.fixture
def world(manager, ars_idf, ars_ara):
    other_manager = make_user("autre.gestion@test.example")
    return {
        "draft": StructureFactory(manager=manager, name="Projet de centre à Aubervilliers"),
        "changes": StructureFactory(manager=manager, changes_requested=True, reviewer=ars_idf, name="Centre Pleyel"),
        "eligible": StructureFactory(manager=manager, eligible=True, reviewer=ars_idf, name="Maison de santé du 19e"),
        "submitted": StructureFactory(manager=other_manager, submitted=True, name="Centre de Bobigny"),
        "old_submitted": StructureFactory(manager=other_manager, submitted=True, name="Centre de Montreuil"),
        "review_by_colleague": StructureFactory(
            manager=other_manager, in_review=True, reviewer=make_user("ars.idf2@test.example", "ars_agent", "11")
        ),
        "review_by_me": StructureFactory(
            manager=other_manager, in_review=True, reviewer=ars_idf, name="Centre de Pantin"
        ),
        "ara": StructureFactory(
            manager=other_manager, ineligible=True, reviewer=ars_ara, name="Centre de Clermont", commune_code="63113"
        ),
        "other_draft": StructureFactory(manager=other_manager, name="Brouillon jamais déposé"),
    }


def _age(structure, days):
    Structure.objects.filter(pk=structure.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=days))


@pytest.mark.django_db
def test_manager_sees_each_of_their_structures_with_its_next_step(world, manager):
    html = _html(manager)
    assertInHTML('<h2 id="structures-dashboard-title">Mes structures</h2>', html)
    for key in ("draft", "changes", "eligible"):
        detail = reverse("structures:detail", args=[world[key].pk])
        assertInHTML(f'<a href="{detail}">{world[key].name}</a>', html)
    for key in ("submitted", "ara", "other_draft"):
        assert world[key].name not in html
    assert "2 actions vous attendent" in html
    assert "L&#x27;ARS demande des compléments : modifiez le dossier puis déposez-le à nouveau." in html
    assert "Structure éligible : l&#x27;assurance maladie vous proposera une convention à signer." in html
    assertInHTML('<p class="fr-badge fr-badge--sm fr-badge--warning">À compléter</p>', html)
    # The last decisions, with their reasons, never the private notes.
    assert "Dernières décisions de l'ARS" in html
    assert "Merci de joindre les statuts signés." in html


@pytest.mark.django_db
def test_manager_without_structure_is_invited_to_register(db):
    html = _html(make_user("nouveau@test.example"))
    assert "Aucune structure encore." in html
    assert elements(html, "a", href=reverse("structures:create"), text="Enregistrer une structure")


@pytest.mark.django_db
def test_ars_agent_sees_what_to_take_what_they_review_and_the_oldest_files(world, ars_idf, time_machine):
    # Pinned at noon in Paris: 45 × 24 h back crosses the end of summer time, which near midnight lands on
    # the day after (44 days).
    time_machine.move_to(datetime.datetime(2026, 12, 4, 12, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Paris")))
    _age(world["old_submitted"], 45)
    html = _html(ars_idf)
    assert _tile(html, "À prendre en charge") == 2
    assert _tile(html, "En instruction par moi") == 1
    assert _tile(html, "En instruction dans la région") == 2
    assert _tile(html, "En retard") == 1
    # Oldest first, with the days waited; late files flagged.
    table = html.split("Dossiers déposés sans décision", 1)[1].split("</table>", 1)[0]
    assert table.index("Centre de Montreuil") < table.index("Centre de Bobigny")
    assert "45 jours" in table
    assert "En retard</p>" in table
    assert elements(table, "a", href=reverse("structures:review", args=[world["old_submitted"].pk]))
    for key in ("ara", "draft", "other_draft"):
        assert world[key].name not in html


@pytest.mark.django_db
def test_ars_tiles_link_to_the_filtered_list(world, ars_idf):
    html = _html(ars_idf)
    assert elements(html, "a", href="/structures/?status=submitted")
    assert elements(html, "a", href="/structures/?mine=on")
    assert elements(html, "a", href="/structures/?late=on")


@pytest.mark.django_db
def test_cnam_sees_counts_by_status_and_by_region_without_drafts(world, cnam):
    html = _html(cnam)
    assert "7 dossiers déposés au niveau national" in html
    assert _tile(html, "Déposé") == 2
    assert _tile(html, "En instruction") == 2
    assert _tile(html, "Éligible") == 1
    assert _tile(html, "Non éligible") == 1
    assert _tile(html, "À compléter") == 1
    assert "Brouillon" not in html.split('id="structures-dashboard-title"', 1)[1].split("</section>", 1)[0]
    # Région: dossiers, en cours, éligibles, non éligibles.
    assert _region_row(html, "Île-de-France") == [6, 5, 1, 0]
    assert _region_row(html, "Auvergne-Rhône-Alpes") == [1, 0, 0, 1]
    assert _region_row(html, "Bretagne") == [0, 0, 0, 0]
    regions = re.findall(r'<th scope="row"><a href="/structures/\?region=\w+">([^<]+)</a>', html)
    # The official order (INSEE codes): the overseas regions, then Île-de-France, …, Corse — never IdF last.
    assert regions.index("La Réunion") < regions.index("Île-de-France") < regions.index("Grand Est")
    assert regions.index("Provence-Alpes-Côte d&#x27;Azur") < regions.index("Corse")
    totals = re.search(r"<th scope=\"row\">Total</th>(.*?)</tr>", html, re.S).group(1)
    assert re.findall(r">(\d+)<", totals) == ["7", "5", "1", "1"]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["manager", "ars_idf", "cnam"])
@pytest.mark.parametrize("n", [2, 30])
def test_dashboard_query_count_does_not_grow(who, n, manager, ars_idf, cnam, request, django_assert_max_num_queries):
    states = [S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED, S.ELIGIBLE]
    for i in range(n):
        StructureFactory(manager=manager, state=states[i % len(states)], reviewer=ars_idf, name=f"Centre n° {i:02d}")
    client = client_for(request.getfixturevalue(who))
    # The first hit computes the aggregates and keeps them (core/aggregates.py); the next reads them.
    with django_assert_max_num_queries(30):
        response = client.get(DASHBOARD)
    assert response.status_code == 200
    # 17: a manager's next steps read their conventions, reports and payments (secpa_portal/site/next_steps.py).
    with django_assert_max_num_queries(17):
        assert client.get(DASHBOARD).status_code == 200


@pytest.mark.django_db
def test_navigation_entry_per_role(manager, ars_idf):
    html = client_for(manager).get(reverse("structures:list")).content.decode()
    assertInHTML('<a class="fr-nav__link" href="/structures/" aria-current="page">Mes structures</a>', html)
    html = client_for(ars_idf).get(DASHBOARD).content.decode()
    assertInHTML('<a class="fr-nav__link" href="/structures/">Structures</a>', html)
