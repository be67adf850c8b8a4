"""On PostgreSQL: concurrent runs never send a reminder twice; two validations at once validate once."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection, connections

from conventions.enums import ReportStatus
from conventions.models import AnnualReport, ReportReminder
from conventions.services import reports as services
from conventions.signals import report_validated
from secpa_portal.core.errors import DomainError
from secpa_portal.journal.models import Event
from tests.conftest import make_user
from tests.factories import ConventionFactory, ReportFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks and unique races are tested on PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _race(workers):
    barrier = threading.Barrier(len(workers))
    outcomes = [None] * len(workers)

    def run(index, work):
        try:
            barrier.wait()
            outcomes[index] = work()
        except Exception as error:  # noqa: BLE001  (the outcome is the point)
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_concurrent_reminder_runs_send_each_reminder_once(manager, ars_idf, cnam, cnam2):
    ConventionFactory(
        manager=manager, ars=ars_idf, cnam=cnam, cnam2=cnam2, active=True
    )  # its 2026 report is opened by the run itself
    day = datetime.date(2027, 4, 2)
    mail.outbox.clear()
    outcomes = _race([lambda: services.send_reminders(today=day) for _ in range(4)])
    assert all(isinstance(o, dict) for o in outcomes), outcomes
    assert sum(o["overdue"] for o in outcomes) == 1
    assert sum(o["opened"] for o in outcomes) == 1
    assert AnnualReport.objects.count() == 1 and ReportReminder.objects.count() == 1
    assert [m.to for m in mail.outbox] == [[manager.email]]


def test_two_validations_at_once_validate_once(manager, ars_idf, cnam, cnam2):
    other_agent = make_user("ars.idf.2@test.example", role="ars_agent", region_code="11")
    report = ReportFactory(
        convention=ConventionFactory(manager=manager, ars=ars_idf, cnam=cnam, cnam2=cnam2, active=True),
        manager=manager,
        submitted=True,
    )
    received = []

    def listener(sender, report, **kwargs):
        received.append(report.pk)

    report_validated.connect(listener)
    try:
        outcomes = _race(
            [lambda user=user: services.report_validate(report=report, user=user) for user in (ars_idf, other_agent)]
        )
    finally:
        report_validated.disconnect(listener)
    assert sorted(type(o).__name__ for o in outcomes) == ["AnnualReport", "TransitionError"]
    assert isinstance(next(o for o in outcomes if not isinstance(o, AnnualReport)), DomainError)
    assert received == [report.pk]
    assert AnnualReport.objects.get(pk=report.pk).status == ReportStatus.VALIDATED
    assert Event.objects.filter(verb="report_validated").count() == 1
