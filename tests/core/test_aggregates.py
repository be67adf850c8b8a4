"""Dashboard aggregates cached per scope (core/aggregates.py, issue 14): served from the shared cache on the next
hit with fewer queries, refreshed by the next journaled write, kept apart per scope, and never older than their
lifetime for a write the journal does not see."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from secpa_portal.core import aggregates
from secpa_portal.core.models import AggregateCacheEntry
from structures import selectors, services
from structures.enums import StructureStatus as S
from structures.models import Structure
from tests.conftest import client_for, make_user
from tests.factories import CampaignFactory, StructureFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("dashboard")


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(DASHBOARD).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("who", ["cnam", "ars_idf"])
def test_the_second_hit_reads_the_aggregates_from_the_cache_with_fewer_queries(who, manager, ars_idf, request):
    for state in (S.SUBMITTED, S.IN_REVIEW, S.ELIGIBLE):
        StructureFactory(manager=manager, state=state, reviewer=ars_idf)
    client = client_for(request.getfixturevalue(who))
    first, second = _queries(client), _queries(client)
    assert second < first
    assert AggregateCacheEntry.objects.filter(cache_key__contains="structures.").exists()


def test_a_journaled_write_refreshes_the_cached_counts(manager, ars_idf):
    structure = StructureFactory(manager=manager, state=S.SUBMITTED)
    counts = selectors.dashboard_context(ars_idf)["counts"]
    assert (counts["to_take"], counts["in_review"], counts["mine"]) == (1, 0, 0)
    assert selectors.dashboard_context(ars_idf)["counts"]["to_take"] == 1  # from the cache

    services.structure_take(structure=structure, user=ars_idf)  # journaled: a new version

    counts = selectors.dashboard_context(ars_idf)["counts"]
    assert (counts["to_take"], counts["in_review"], counts["mine"]) == (0, 1, 1)
    html = client_for(ars_idf).get(DASHBOARD).content.decode()
    assert structure.name in html


def test_each_scope_has_its_own_entry(manager, ars_idf, ars_ara, cnam):
    StructureFactory(manager=manager, state=S.SUBMITTED)  # Seine-Saint-Denis: Île-de-France
    StructureFactory(
        manager=manager, state=S.SUBMITTED, commune_code="63113"
    )  # Clermont-Ferrand: Auvergne-Rhône-Alpes
    StructureFactory(manager=manager, state=S.SUBMITTED, commune_code="63113")
    assert selectors.dashboard_context(ars_idf)["counts"]["to_take"] == 1
    assert selectors.dashboard_context(ars_ara)["counts"]["to_take"] == 2
    assert selectors.dashboard_context(cnam)["total"] == 3
    assert aggregates.scope(ars_idf) == "region:11"
    assert aggregates.scope(cnam) == aggregates.NATIONAL
    assert aggregates.scope(manager) is None  # a manager's own few rows are not cached


def test_a_write_the_journal_does_not_see_shows_once_the_lifetime_is_over(manager, cnam, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    structure = StructureFactory(manager=manager, state=S.SUBMITTED)
    assert selectors.dashboard_context(cnam)["total"] == 1
    Structure.objects.filter(pk=structure.pk).update(submitted_at=None)  # not journaled (as an admin edit)
    assert selectors.dashboard_context(cnam)["total"] == 1
    time_machine.shift(datetime.timedelta(seconds=aggregates.LIFETIME + 1))
    assert selectors.dashboard_context(cnam)["total"] == 0


def test_the_dashboards_figures_match_the_uncached_ones_after_writes(manager, ars_idf, cnam):
    """The cached page shows what a fresh computation shows, after each journaled move."""
    structure = StructureFactory(manager=manager, state=S.SUBMITTED)
    other = make_user("autre@test.example")
    StructureFactory(manager=other, state=S.ELIGIBLE, reviewer=ars_idf)
    for step in (
        lambda: services.structure_take(structure=structure, user=ars_idf),
        lambda: services.structure_decide(
            structure=structure, user=ars_idf, decision="request_changes", reason="Pièce manquante."
        ),
    ):
        client_for(cnam).get(DASHBOARD)  # fills the cache
        step()
        cached = selectors.dashboard_context(cnam)
        AggregateCacheEntry.objects.all().delete()
        assert selectors.dashboard_context(cnam) == cached


def test_the_unfiltered_structure_list_counts_from_the_cache_and_a_submission_shows_at_once(manager, cnam):
    """The structure list's count, unfiltered, is the scope's (kept like the dashboards'); a structure submitted
    through its service (journaled) is counted on the next view; a filtered list counts its own rows."""
    from structures.services import structure_submit

    StructureFactory(manager=manager, state=S.SUBMITTED)
    draft = StructureFactory(manager=manager, complete=True)
    client = client_for(cnam)
    listing = reverse("structures:list")
    assert client.get(listing).context["page_obj"].paginator.count == 1
    assert AggregateCacheEntry.objects.filter(cache_key__contains="structures.visible:national").exists()
    assert client.get(listing).context["page_obj"].paginator.count == 1
    structure_submit(structure=draft, user=manager)
    page = client.get(listing)
    assert page.context["page_obj"].paginator.count == 2
    assert "2 structures" in page.content.decode()
    assert client.get(listing, {"status": "eligible"}).context["page_obj"].paginator.count == 0


def _cache_reads(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(DASHBOARD).status_code == 200
    return sum(1 for query in captured.captured_queries if "core_aggregate_cache" in query["sql"])


def _without_nonces(html: str) -> str:
    """The page without what changes at each response (script nonces, the CSRF token of the sign-out form)."""
    return re.sub(r'(nonce|value)="[^"]*"', "", html)


@pytest.mark.parametrize("who", ["cnam", "ars_idf"])
def test_a_dashboard_reads_every_cached_entry_in_one_query(who, manager, ars_idf, request):
    """The national dashboard read nine entries one by one; once its process has seen them, one query."""
    CampaignFactory()
    StructureFactory(manager=manager, state=S.SUBMITTED)
    client = client_for(request.getfixturevalue(who))
    first = _cache_reads(client)  # misses: each entry read, computed and stored
    assert _cache_reads(client) == 1
    assert _cache_reads(client) == 1
    assert first > 1


def test_the_national_fragments_are_the_page_as_rendered_and_follow_a_journaled_write(manager, cnam):
    """The tables per region and the campaign's gauge and chart are kept rendered per scope: the kept HTML is the
    freshly rendered one, and a structure submitted through its service (journaled) shows on the next view."""
    from structures.services import structure_submit

    CampaignFactory()
    StructureFactory(manager=manager, state=S.SUBMITTED)
    draft = StructureFactory(manager=manager, complete=True)
    client = client_for(cnam)
    fresh = _without_nonces(client.get(DASHBOARD).content.decode())
    kept = _without_nonces(client.get(DASHBOARD).content.decode())
    assert AggregateCacheEntry.objects.filter(cache_key__contains="html:structures.dashboard").exists()
    assert AggregateCacheEntry.objects.filter(cache_key__contains="html:dotations.dashboard").exists()
    assert kept == fresh
    assert "1 dossier déposé au niveau national" in kept

    structure_submit(structure=draft, user=manager)

    assert "2 dossiers déposés au niveau national" in client.get(DASHBOARD).content.decode()


def test_a_write_within_reading_together_is_seen_by_the_reads_after_it(cnam):
    computed = []

    def compute():
        computed.append(1)
        return len(computed)

    aggregates.cached("test.counter", aggregates.NATIONAL, compute)  # stored
    with aggregates.read_together("test", cnam):
        assert aggregates.cached("test.counter", aggregates.NATIONAL, compute) == 1  # kept
        aggregates.invalidate()  # as a journaled write does
        assert aggregates.cached("test.counter", aggregates.NATIONAL, compute) == 2  # recomputed
        assert aggregates.cached("test.counter", aggregates.NATIONAL, compute) == 2


def test_the_unfiltered_report_lists_rows_per_year_are_kept_and_an_opened_report_shows_at_once(
    manager, ars_idf, cnam, cnam2, time_machine
):
    """The report list sorts by year (``Sort.few_values``): unfiltered, its rows per year are the scope's, kept like
    the dashboards' aggregates (no count on the next view); a report opened through its service (journaled) is
    listed on the next view; a filtered list counts its own rows."""
    from conventions.services.reports import report_open
    from tests.factories import AFTER_2026, ConventionFactory, ReportFactory

    time_machine.move_to(AFTER_2026, tick=False)
    convention = ConventionFactory(manager=manager, ars=ars_idf, cnam=cnam, cnam2=cnam2, active=True)
    ReportFactory(convention=convention, year=convention.start_date.year)
    client = client_for(ars_idf)
    listing = reverse("conventions:report_list")
    assert client.get(listing).context["page_obj"].paginator.count == 1
    assert AggregateCacheEntry.objects.filter(cache_key__contains="reports.sizes:-annee:region:11").exists()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(listing).context["page_obj"].paginator.count == 1
    assert not [q for q in captured.captured_queries if "COUNT(" in q["sql"]]

    report_open(convention=convention, year=convention.start_date.year + 1, user=manager)

    assert client.get(listing).context["page_obj"].paginator.count == 2
    assert client.get(listing, {"statut": "submitted"}).context["page_obj"].paginator.count == 0
