"""Prorating by days in force (issue 9, deliverable 2): each dotation covers the days of its campaign year during
which its convention is in force; worked examples by hand to the cent.

The funded structure gets, for a whole year (FundedStructureFactory): coordination 60,000.00 + mediation
90,750.00 + psychology 52,000.00 + interpreting 13,500.00 + patientèle 11,550.00 = 227,800.00 €. Each line is
multiplied by the exact prorata, then rounded half-up to the cent once; the total is the sum of the lines.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from conventions.enums import ConventionStatus
from conventions.models import Convention
from dotations.enums import DotationStatus
from dotations.models import Dotation
from dotations.services import compute
from dotations.services.recompute import dotation_recompute
from secpa_portal.journal.models import Event
from tests.conftest import client_for
from tests.factories import EXPECTED_TOTAL, CampaignFactory, FundedConventionFactory

pytestmark = pytest.mark.django_db

D = Decimal


def _convention(start, end):
    convention = FundedConventionFactory()
    Convention.objects.filter(pk=convention.pk).update(start_date=start, end_date=end)
    return Convention.objects.get(pk=convention.pk)


def _amounts(dotation):
    return [line.amount for line in dotation.lines.order_by("order")]


def test_a_convention_starting_on_1_july_2026(cnam):
    # 1 July – 31 December 2026 = 31 + 31 + 30 + 31 + 30 + 31 = 184 days of 365.
    #   60,000 × 184 / 365 = 11,040,000 / 365 = 30,246.575… → 30,246.58
    #   90,750 × 184 / 365 = 16,698,000 / 365 = 45,747.945… → 45,747.95
    #   52,000 × 184 / 365 =  9,568,000 / 365 = 26,213.698… → 26,213.70
    #   13,500 × 184 / 365 =  2,484,000 / 365 =  6,805.479… →  6,805.48
    #   11,550 × 184 / 365 =  2,125,200 / 365 =  5,822.465… →  5,822.47
    #   total 114,836.18 €
    campaign = CampaignFactory()
    convention = _convention(datetime.date(2026, 7, 1), datetime.date(2031, 6, 30))
    compute.run_compute(campaign_id=campaign.pk, user_id=cnam.pk)
    dotation = Dotation.objects.get(convention=convention)
    assert (dotation.days_in_force, dotation.days_in_year) == (184, 365)
    assert _amounts(dotation) == [D("30246.58"), D("45747.95"), D("26213.70"), D("6805.48"), D("5822.47")]
    assert dotation.total == D("114836.18")


def test_a_convention_ending_on_30_june_2026(cnam):
    # 1 January – 30 June 2026 = 31 + 28 + 31 + 30 + 31 + 30 = 181 days of 365.
    #   60,000 × 181 / 365 = 29,753.424… → 29,753.42 ; 90,750 × 181 / 365 = 45,002.054… → 45,002.05
    #   52,000 × 181 / 365 = 25,786.301… → 25,786.30 ; 13,500 × 181 / 365 =  6,694.520… →  6,694.52
    #   11,550 × 181 / 365 =  5,727.534… →  5,727.53 ; total 112,963.82 €
    campaign = CampaignFactory()
    convention = _convention(datetime.date(2023, 7, 1), datetime.date(2026, 6, 30))
    compute.run_compute(campaign_id=campaign.pk, user_id=cnam.pk)
    dotation = Dotation.objects.get(convention=convention)
    assert (dotation.days_in_force, dotation.days_in_year) == (181, 365)
    assert _amounts(dotation) == [D("29753.42"), D("45002.05"), D("25786.30"), D("6694.52"), D("5727.53")]
    assert dotation.total == D("112963.82")


def test_a_leap_year(cnam):
    # 2028 has 366 days; 1 January – 30 June 2028 = 31 + 29 + 31 + 30 + 31 + 30 = 182 days.
    #   60,000 × 182 / 366 = 29,836.065… → 29,836.07 ; 90,750 × 182 / 366 = 45,127.049… → 45,127.05
    #   52,000 × 182 / 366 = 25,857.923… → 25,857.92 ; 13,500 × 182 / 366 =  6,713.114… →  6,713.11
    #   11,550 × 182 / 366 =  5,743.442… →  5,743.44 ; total 113,277.59 €
    campaign = CampaignFactory(year=2028)
    convention = _convention(datetime.date(2025, 7, 1), datetime.date(2028, 6, 30))
    compute.run_compute(campaign_id=campaign.pk, user_id=cnam.pk)
    dotation = Dotation.objects.get(convention=convention)
    assert (dotation.days_in_force, dotation.days_in_year) == (182, 366)
    assert _amounts(dotation) == [D("29836.07"), D("45127.05"), D("25857.92"), D("6713.11"), D("5743.44")]
    assert dotation.total == D("113277.59")


def test_a_whole_year_is_not_prorated(cnam):
    campaign = CampaignFactory()
    convention = FundedConventionFactory()
    compute.run_compute(campaign_id=campaign.pk, user_id=cnam.pk)
    dotation = Dotation.objects.get(convention=convention)
    assert (dotation.days_in_force, dotation.days_in_year, dotation.total) == (365, 365, EXPECTED_TOTAL)
    assert not dotation.is_prorated


def test_the_dotation_page_shows_the_prorata_beside_the_other_coefficients(cnam):
    campaign = CampaignFactory()
    convention = _convention(datetime.date(2026, 7, 1), datetime.date(2031, 6, 30))
    compute.run_compute(campaign_id=campaign.pk, user_id=cnam.pk)
    dotation = Dotation.objects.get(convention=convention)
    content = client_for(cnam).get(reverse("dotations:dotation_detail", args=[dotation.pk])).content.decode()
    assert '<th scope="col" class="secpa-amount">Prorata</th>' in content
    assert "× 184/365" in content and "× 1,1" in content and "× 1</td>" in content and "× 1,000000" not in content
    assert "en vigueur 184 jours sur les 365 de l'année 2026 (50,41\u00a0%)" in content


def test_recompute_now_for_a_closure_on_30_june(cnam, cnam2):
    """The function the closure work calls: the approved dotation of a whole year, recomputed for the days up to
    a closure on 30 June 2026 (181 days: 112,963.82 € as above), journaled, its status kept."""
    campaign = CampaignFactory()
    convention = FundedConventionFactory()
    compute.run_compute(campaign_id=campaign.pk, user_id=cnam.pk)
    dotation = Dotation.objects.get(convention=convention)
    Dotation.objects.filter(pk=dotation.pk).update(status=DotationStatus.APPROVED, prepared_by=cnam, approved_by=cnam2)
    recomputed = dotation_recompute(
        dotation=dotation, user=cnam, last_day=datetime.date(2026, 6, 30), reason="Fermeture de la structure."
    )
    assert recomputed.previous_total == EXPECTED_TOTAL
    dotation.refresh_from_db()
    assert (dotation.status, dotation.total, dotation.days_in_force) == (DotationStatus.APPROVED, D("112963.82"), 181)
    assert _amounts(dotation) == [D("29753.42"), D("45002.05"), D("25786.30"), D("6694.52"), D("5727.53")]
    event = Event.objects.get(verb="dotation_recomputed")
    assert event.reason == "Fermeture de la structure." and event.payload["previous_total"] == "227800.00"


def test_recompute_reads_a_termination(cnam):
    campaign = CampaignFactory()
    convention = FundedConventionFactory()
    compute.run_compute(campaign_id=campaign.pk, user_id=cnam.pk)
    Convention.objects.filter(pk=convention.pk).update(
        status=ConventionStatus.TERMINATED, terminated_at=datetime.datetime(2026, 6, 30, 10, tzinfo=datetime.UTC)
    )
    dotation = dotation_recompute(dotation=Dotation.objects.get(convention=convention), user=cnam)
    assert (dotation.days_in_force, dotation.total) == (181, D("112963.82"))


@pytest.mark.parametrize("n", [2, 30])
def test_dotation_page_query_count_with_prorated_dotations(cnam, n, django_assert_max_num_queries):
    campaign = CampaignFactory()
    for index in range(n):
        _convention(datetime.date(2026, 7, 1) if index % 2 else datetime.date(2025, 1, 1), datetime.date(2029, 6, 30))
    compute.run_compute(campaign_id=campaign.pk, user_id=cnam.pk)
    client = client_for(cnam)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("dotations:dotation_detail", args=[Dotation.objects.last().pk])).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("dotations:dotation_list")).status_code == 200
