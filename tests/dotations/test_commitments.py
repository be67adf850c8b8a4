"""Multi-year commitments (issue 9, deliverable 10): per convention and year, expected (the engine with the current
barème and the latest figures, prorated), approved, paid, recovered and remaining; summed per year for the CNAM.

The builders' structure gets 227 800,00 € for a whole year with the builders' barème (tests/factories/dotations.py).
"""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.urls import reverse

from conventions.enums import ConventionStatus
from conventions.models import Convention
from dotations import commitments
from dotations.enums import PaymentKind, PaymentStatus
from dotations.services.payments import payment_record
from tests.conftest import client_for
from tests.factories import (
    EXPECTED_TOTAL,
    CampaignFactory,
    DotationFactory,
    FundedConventionFactory,
    ValidatedReportFactory,
    approve_dotation,
)

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture(autouse=True)
def today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 4, 10, tzinfo=zoneinfo.ZoneInfo("Europe/Paris")), tick=False)


def _dated(convention, start, end):
    Convention.objects.filter(pk=convention.pk).update(start_date=start, end_date=end)
    return Convention.objects.get(pk=convention.pk)


def _world(manager, cnam, cnam2):
    """A convention 2025 – 2027 whose 2026 dotation (200 000,00 €) is approved and its 120 000,00 € advance paid;
    another starting 1 July 2026 for five years, in another region."""
    campaign = CampaignFactory()
    whole = FundedConventionFactory(manager=manager, prepared_by=cnam)
    july = _dated(
        FundedConventionFactory(prepared_by=cnam, region="84"), datetime.date(2026, 7, 1), datetime.date(2031, 6, 30)
    )
    dotation = approve_dotation(
        DotationFactory(convention=whole, campaign=campaign, total=D("200000.00"), cnam=cnam), cnam2
    )
    advance = dotation.payments.get(kind=PaymentKind.ADVANCE, status=PaymentStatus.SCHEDULED)
    payment_record(payment=advance, user=cnam, paid_on=datetime.date(2026, 3, 31), reference="VIR-1")
    return campaign, whole, july, dotation


def test_expected_approved_paid_and_remaining_per_convention_and_year(manager, cnam, cnam2):
    """Whole years: 227 800,00 € expected each. 1 July 2026 – 30 June 2031: 2026 covers 184 days of 365
    (114 836,18 €, tests/dotations/test_prorating.py), 2027 – 2030 are whole, 2031 covers 181 days (112 963,82 €).
    2026 of the first convention: approved 200 000,00, paid 120 000,00, remaining 80 000,00; the other years are
    not approved: their remaining is what is expected."""
    _, whole, july, dotation = _world(manager, cnam, cnam2)
    rows = commitments.commitments(commitments.signed_conventions(Convention.objects.all()))
    table = {(row.convention.pk, row.year): row for row in rows}
    assert [year for pk, year in table if pk == whole.pk] == [2025, 2026, 2027]
    assert [year for pk, year in table if pk == july.pk] == [2026, 2027, 2028, 2029, 2030, 2031]
    assert {table[whole.pk, year].expected for year in (2025, 2026, 2027)} == {EXPECTED_TOTAL}
    assert table[july.pk, 2026].expected == D("114836.18")
    assert (table[july.pk, 2026].days, table[july.pk, 2026].year_days) == (184, 365)
    assert table[july.pk, 2028].expected == EXPECTED_TOTAL  # a leap year, whole: no prorata
    assert table[july.pk, 2031].expected == D("112963.82")
    approved = table[whole.pk, 2026]
    assert approved.dotation == dotation
    assert (approved.approved, approved.paid, approved.recovered, approved.remaining) == (
        D("200000.00"),
        D("120000.00"),
        D("0"),
        D("80000.00"),
    )
    assert table[whole.pk, 2027].remaining == EXPECTED_TOTAL
    totals = {total.year: total for total in commitments.by_year(rows)}
    assert totals[2026].conventions == 2
    assert totals[2026].expected == EXPECTED_TOTAL + D("114836.18")
    assert totals[2026].remaining == D("80000.00") + D("114836.18")
    assert totals[2031].expected == D("112963.82")


def test_the_latest_validated_report_feeds_the_projection(manager, cnam, cnam2):
    """The 2025 report declares 2 psychologists (capped at 2: 130 000,00 € instead of 52 000,00 for 0.8 FTE) and no
    other FTE: mediation falls to 0. 60 000 + 0 + 130 000 + 13 500 + 11 550 = 215 050,00 €."""
    CampaignFactory()
    convention = FundedConventionFactory(manager=manager, prepared_by=cnam)
    ValidatedReportFactory(
        convention=convention,
        year=2025,
        fte={"psychologist": "2"},
        activity={"interpreting_hours": 300, "patientele_mt": 2100, "precarity_share": "42.5"},
    )
    rows = commitments.commitments(commitments.signed_conventions(Convention.objects.all()))
    assert {row.expected for row in rows} == {D("215050.00")}


def test_a_terminated_convention_commits_nothing_after_its_last_day(manager, cnam, cnam2):
    CampaignFactory()
    convention = FundedConventionFactory(manager=manager, prepared_by=cnam)
    Convention.objects.filter(pk=convention.pk).update(
        status=ConventionStatus.TERMINATED,
        terminated_on=datetime.date(2026, 6, 30),
        terminated_at=datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.UTC),
    )
    rows = commitments.commitments(commitments.signed_conventions(Convention.objects.all()))
    assert [(row.year, row.expected) for row in rows] == [
        (2025, EXPECTED_TOTAL),
        (2026, D("112963.82")),  # 181 days of 365
    ]


def test_missing_figures_give_no_projection_and_say_why(cnam):
    CampaignFactory()
    FundedConventionFactory(prepared_by=cnam, structure__declared_interpreting_hours=None)
    rows = commitments.commitments(commitments.signed_conventions(Convention.objects.all()))
    assert {row.expected for row in rows} == {None}
    assert "Interprétariat" in rows[0].problem or "interpreting_hours" in rows[0].problem
    assert commitments.by_year(rows)[0].without_projection == 1


def test_the_cnam_page_sums_per_year_and_the_ars_sees_its_region(manager, cnam, cnam2, ars_idf):
    _world(manager, cnam, cnam2)
    url = reverse("dotations:commitments")
    content = client_for(cnam).get(url).content.decode()
    assert 'id="commitments-by-year"' in content
    # 2026: 227 800,00 + 114 836,18 = 342 636,18 expected; remaining 80 000,00 + 114 836,18 = 194 836,18.
    assert "342\u202f636,18\u00a0€" in content and "194\u202f836,18\u00a0€" in content
    assert "2 conventions signées" in content
    regional = client_for(ars_idf).get(url).content.decode()
    assert "1 convention signée" in regional and "342\u202f636,18" not in regional
    assert client_for(manager).get(url).status_code == 404
    assert url in client_for(cnam).get(reverse("dotations:campaign_list")).content.decode()


def test_the_funding_page_shows_each_year_of_the_convention(manager, cnam, cnam2):
    _, whole, _, _ = _world(manager, cnam, cnam2)
    content = client_for(manager).get(reverse("dotations:funding", args=[whole.structure_id])).content.decode()
    assert 'id="funding-ledger"' in content
    assert content.count(whole.reference) >= 3  # one row per year 2025 – 2027
    assert "227\u202f800,00\u00a0€" in content and "80\u202f000,00\u00a0€" in content
    assert "non approuvé" in content


@pytest.mark.parametrize("count", [2, 30])
def test_commitment_pages_keep_a_bounded_query_count(count, manager, cnam, cnam2, django_assert_max_num_queries):
    campaign = CampaignFactory()
    conventions = [FundedConventionFactory(manager=manager, prepared_by=cnam) for _ in range(count)]
    for convention in conventions[: count // 2]:
        approve_dotation(
            DotationFactory(convention=convention, campaign=campaign, total=D("200000.00"), cnam=cnam), cnam2
        )
    structure = conventions[0].structure
    # The funding page of one structure with ``count`` signed conventions (one in force, the others ended).
    for convention in conventions[1:]:
        Convention.objects.filter(pk=convention.pk).update(structure=structure, status=ConventionStatus.ENDED)
    with django_assert_max_num_queries(30):
        content = client_for(cnam).get(reverse("dotations:commitments")).content.decode()
    assert f"{count} conventions signées" in content
    with django_assert_max_num_queries(40):
        assert client_for(manager).get(reverse("dotations:funding", args=[structure.pk])).status_code == 200


def test_the_dotation_page_says_which_year_of_figures_fed_it(manager, cnam):
    from dotations.models import Dotation
    from dotations.services import compute

    campaign = CampaignFactory()
    reported = FundedConventionFactory(manager=manager, prepared_by=cnam)
    ValidatedReportFactory(
        convention=reported,
        year=2025,
        fte={"psychologist": "2"},
        activity={"interpreting_hours": 300, "patientele_mt": 2100, "precarity_share": "42.5"},
    )
    registered = FundedConventionFactory(prepared_by=cnam)
    compute.run_compute(campaign_id=campaign.pk, user_id=cnam.pk)
    client = client_for(cnam)

    def page(convention):
        dotation = Dotation.objects.get(convention=convention)
        return client.get(reverse("dotations:dotation_detail", args=[dotation.pk])).content.decode()

    assert "Chiffres de l'année 2025</strong> : la dotation 2026 est calculée" in page(reported).replace("&#x27;", "'")
    assert "Aucun rapport annuel validé avant 2026</strong>" in page(registered)
