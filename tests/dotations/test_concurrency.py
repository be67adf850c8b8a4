"""Concurrent approvals on PostgreSQL, with real threads and connections: the envelope is never exceeded,
a dotation is approved exactly once, and its preparer can never approve it."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from dotations.enums import DotationStatus
from dotations.models import Dotation
from dotations.services import compute, dotations
from secpa_portal.core.errors import DomainError
from tests.dotations.reference_data import reference_regions  # noqa: F401  (autouse: regions after a flush)
from tests.factories import EXPECTED_TOTAL, CampaignFactory, FundedConventionFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _race(calls):
    """Run each call in its own thread and connection, released together; returns (results, errors)."""
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(call):
        try:
            barrier.wait()
            results.append(call())
        except DomainError as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def _proposed(n, cnam, envelope):
    campaign = CampaignFactory(envelope=envelope)
    for index in range(n):
        FundedConventionFactory(region="11" if index % 2 else "84")
    compute.run_compute(campaign_id=campaign.pk, user_id=cnam.pk)
    for dotation in Dotation.objects.all():
        dotations.dotation_propose(dotation=dotation, user=cnam)
    return campaign


def test_concurrent_approvals_never_exceed_the_envelope(cnam, cnam2):
    # Room for 3 of the 8 dotations.
    envelope = 3 * EXPECTED_TOTAL + Decimal("100")
    campaign = _proposed(8, cnam, envelope)
    calls = [
        (lambda d=d: dotations.dotation_approve(dotation=d, user=cnam2))
        for d in Dotation.objects.filter(campaign=campaign)
    ]
    results, errors = _race(calls)
    assert len(results) == 3
    assert len(errors) == 5 and all("enveloppe nationale" in e.message for e in errors)
    approved = Dotation.objects.filter(campaign=campaign, status=DotationStatus.APPROVED)
    assert sum(d.total for d in approved) <= envelope


def test_two_approvals_of_the_same_dotation_give_exactly_one(cnam, cnam2, django_user_model):
    third = django_user_model.objects.create_user(email="cnam3@test.example", role="cnam_agent")
    _proposed(1, cnam, Decimal("14000000"))
    dotation = Dotation.objects.get()
    results, errors = _race(
        [
            lambda: dotations.dotation_approve(dotation=Dotation.objects.get(pk=dotation.pk), user=cnam2),
            lambda: dotations.dotation_approve(dotation=Dotation.objects.get(pk=dotation.pk), user=third),
        ]
    )
    assert len(results) == 1 and len(errors) == 1
    dotation.refresh_from_db()
    assert dotation.status == DotationStatus.APPROVED
    assert dotation.approved_by in (cnam2, third)
    from secpa_portal.journal.models import Event

    assert Event.objects.filter(verb="dotation_approved", object_id=str(dotation.pk)).count() == 1


def test_the_preparer_cannot_approve_even_racing_another_agent(cnam, cnam2):
    _proposed(1, cnam, Decimal("14000000"))
    dotation = Dotation.objects.get()
    results, errors = _race(
        [
            lambda: dotations.dotation_approve(dotation=Dotation.objects.get(pk=dotation.pk), user=cnam),
            lambda: dotations.dotation_approve(dotation=Dotation.objects.get(pk=dotation.pk), user=cnam2),
        ]
    )
    dotation.refresh_from_db()
    assert dotation.approved_by == cnam2
    assert len(results) == 1 and len(errors) == 1
