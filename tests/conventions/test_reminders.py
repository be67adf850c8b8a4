"""manage.py send_reminders: reports due within 30 days and overdue ones, to the managers, never twice."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from conventions.enums import ReminderKind
from conventions.models import AnnualReport, ReportReminder
from conventions.services.reports import send_reminders
from secpa_portal.journal.models import Event
from tests.conftest import make_user
from tests.factories import ConventionFactory, ReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def convention(manager, ars_idf, cnam, cnam2):
    return ConventionFactory(manager=manager, ars=ars_idf, cnam=cnam, cnam2=cnam2, active=True)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run(day):
        mail.outbox.clear()
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders", date=day.isoformat(), stdout=out)
        return out.getvalue()

    return run


def test_due_soon_then_overdue_each_sent_once(convention, manager, ars_idf, run):
    co_manager = make_user("co@test.example")
    convention.structure.memberships.create(user=co_manager)
    ReportFactory(convention=convention, manager=manager)  # due 31 March 2027

    assert "relances avant échéance : 0" in run(datetime.date(2027, 2, 28))
    assert mail.outbox == []

    output = run(datetime.date(2027, 3, 1))
    assert "relances avant échéance : 1" in output
    assert sorted(m.to[0] for m in mail.outbox) == [co_manager.email, manager.email]
    assert "à déposer avant le 31 mars 2027" in mail.outbox[0].subject

    run(datetime.date(2027, 3, 2))
    run(datetime.date(2027, 3, 31))
    assert mail.outbox == []

    output = run(datetime.date(2027, 4, 1))
    assert "relances de retard : 1" in output
    assert len(mail.outbox) == 2 and "en retard" in mail.outbox[0].subject
    run(datetime.date(2027, 4, 2))
    assert mail.outbox == []
    assert set(ReportReminder.objects.values_list("kind", flat=True)) == {ReminderKind.DUE_SOON, ReminderKind.OVERDUE}
    assert Event.objects.filter(verb__startswith="report_reminder_").count() == 2


def test_filed_reports_are_not_reminded(convention, manager, run):
    ReportFactory(convention=convention, manager=manager, submitted=True)
    run(datetime.date(2027, 4, 15))
    assert mail.outbox == []


def test_a_report_nobody_opened_is_opened_then_reminded(convention, manager, run):
    output = run(datetime.date(2027, 3, 10))
    report = AnnualReport.objects.get(convention=convention, year=2026)
    assert "Rapports ouverts : 1" in output
    assert [m.to for m in mail.outbox] == [[manager.email]]
    # A value per indicator: 8 activity figures, the 2 default indicators and the 3 the law requires.
    assert report.values.count() == 13
    assert Event.objects.get(verb="report_opened").actor_label == "Système"


def test_the_unique_constraint_refuses_a_second_reminder(convention, manager):
    report = ReportFactory(convention=convention, manager=manager)
    assert send_reminders(today=datetime.date(2027, 4, 5))["overdue"] == 1
    ReportReminder.objects.filter(report=report).update(sent_at=datetime.datetime(2027, 1, 1, tzinfo=datetime.UTC))
    assert send_reminders(today=datetime.date(2027, 4, 6))["overdue"] == 0
    assert ReportReminder.objects.filter(report=report).count() == 1


def test_bad_date_is_a_french_error():
    with pytest.raises(CommandError, match="Date invalide"):
        call_command("send_reminders", date="31/03/2027")
