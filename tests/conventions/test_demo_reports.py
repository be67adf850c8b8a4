"""conventions.demo_reports: two years of reports in every state for the demo conventions, idempotent."""

import pytest

from conventions import demo as conventions_demo
from conventions import demo_reports
from conventions.enums import ReportStatus
from conventions.models import AnnualReport, ReportValue
from secpa_portal.accounts.demo import seed_accounts
from structures import demo as structures_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def users():
    users = seed_accounts()
    structures_demo.seed(users)
    conventions_demo.seed(users)
    return users


def test_two_years_in_every_state_and_idempotent(users):
    demo_reports.seed(users)
    counts = {status: AnnualReport.objects.filter(status=status).count() for status in ReportStatus.values}
    assert all(counts.values()), counts
    assert set(AnnualReport.objects.values_list("year", flat=True)) == {2025, 2026}
    before = (AnnualReport.objects.count(), ReportValue.objects.count())
    demo_reports.seed(users)
    assert (AnnualReport.objects.count(), ReportValue.objects.count()) == before


def test_validated_reports_have_a_varied_attainment_and_every_value(users):
    demo_reports.seed(users)
    validated = AnnualReport.objects.validated()
    attainments = set(validated.values_list("weighted_attainment", flat=True))
    assert len(attainments) > 2 and None not in attainments
    assert not ReportValue.objects.filter(report__in=validated, value__isnull=True).exists()
    second_year = AnnualReport.objects.filter(year=2026).first()
    assert second_year.fte_lines.exists()
