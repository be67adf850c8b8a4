"""The report timeline (issue 9, deliverable 9): a year-N report describes a finished year. It may be filed from
1 January N+1, or from the day after the convention's last day in force when that comes earlier; before that the
pages say from when, in French, and the service refuses."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from conventions.enums import ReportStatus
from conventions.models import AnnualReport, Convention
from conventions.report_rules import filing_opens_on, filing_too_early, last_day_in_force
from conventions.services import reports as services
from conventions.services.conventions import convention_terminate
from secpa_portal.core.errors import ActionRefused
from tests.conftest import client_for
from tests.factories import ConventionFactory, ReportFactory

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def at(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("year", "last_day", "opens"),
    [
        (2026, datetime.date(2028, 12, 31), datetime.date(2027, 1, 1)),  # in force all year: the year must be over
        (2026, datetime.date(2026, 12, 31), datetime.date(2027, 1, 1)),  # ends with the year
        (2026, datetime.date(2026, 6, 30), datetime.date(2026, 7, 1)),  # terminated on 30 June: from 1 July
        (2028, datetime.date(2028, 2, 29), datetime.date(2028, 3, 1)),  # leap day as last day
    ],
)
def test_filing_opens_on(year, last_day, opens):
    assert filing_opens_on(year, last_day) == opens


@pytest.fixture
def convention(manager, ars_idf, cnam, cnam2):
    return ConventionFactory(manager=manager, ars=ars_idf, cnam=cnam, cnam2=cnam2, active=True)


def test_a_2026_report_is_refused_on_31_december_and_filed_on_1_january(convention, manager, time_machine):
    time_machine.move_to(at(2026, 12, 31, 23), tick=False)
    report = ReportFactory(convention=convention, manager=manager)
    with pytest.raises(ActionRefused) as refused:
        services.report_submit(report=report, user=manager)
    assert refused.value.message == (
        "Le rapport annuel 2026 décrit une année terminée : il pourra être déposé à partir du 1er janvier 2027. "
        "Vous pouvez le compléter d'ici là et enregistrer le brouillon."
    )
    assert AnnualReport.objects.get(pk=report.pk).status == ReportStatus.DRAFT
    time_machine.move_to(at(2027, 1, 1, 0), tick=False)
    assert services.report_submit(report=report, user=manager).status == ReportStatus.SUBMITTED


def test_a_terminated_convention_files_its_last_report_from_the_day_after(convention, manager, cnam, time_machine):
    time_machine.move_to(at(2026, 6, 15), tick=False)
    convention_terminate(
        convention=convention, user=cnam, reason="Fermeture", terminated_on=datetime.date(2026, 6, 30)
    )
    convention = Convention.objects.get(pk=convention.pk)
    assert last_day_in_force(convention) == datetime.date(2026, 6, 30)
    report = ReportFactory(convention=convention, manager=manager)
    with pytest.raises(ActionRefused, match="à partir du 1er juillet 2026"):
        services.report_submit(report=report, user=manager)
    time_machine.move_to(at(2026, 7, 1), tick=False)
    assert filing_too_early(report, datetime.date(2026, 7, 1)) is None
    assert services.report_submit(report=report, user=manager).status == ReportStatus.SUBMITTED


def test_the_pages_say_from_when_and_offer_no_filing_before(convention, manager, time_machine):
    time_machine.move_to(at(2026, 12, 4), tick=False)
    report = ReportFactory(convention=convention, manager=manager)
    client = client_for(manager)
    notice = "il pourra être déposé à partir du 1er janvier 2027"
    detail = client.get(reverse("conventions:report_detail", args=[report.pk])).content.decode()
    assert notice in detail and "Compléter le rapport" in detail
    assert reverse("conventions:report_submit", args=[report.pk]) not in detail
    edit = client.get(reverse("conventions:report_edit", args=[report.pk])).content.decode()
    assert notice in edit and 'name="deposer"' not in edit
    submit_url = reverse("conventions:report_submit", args=[report.pk])
    page = client.get(submit_url).content.decode()
    assert notice in page and "Confirmer le dépôt" not in page
    response = client.post(submit_url, follow=True)
    assert notice in response.content.decode()
    assert AnnualReport.objects.get(pk=report.pk).status == ReportStatus.DRAFT
    time_machine.move_to(at(2027, 1, 4), tick=False)
    detail = client_for(manager).get(reverse("conventions:report_detail", args=[report.pk])).content.decode()
    assert notice not in detail and submit_url in detail
