"""Bulk approval on PostgreSQL, with real threads and connections (issue 12 §11): concurrent batches never
exceed the envelope, and the preparer's batch approves nothing."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from dotations import bulk_actions
from dotations.enums import DotationStatus
from dotations.models import Dotation
from tests.dotations.reference_data import reference_regions  # noqa: F401  (autouse: regions after a flush)
from tests.dotations.test_bulk import _campaign
from tests.factories import EXPECTED_TOTAL

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _race(calls):
    barrier = threading.Barrier(len(calls))
    results = []

    def run(call):
        try:
            barrier.wait()
            results.append(call())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_bulk_approvals_never_exceed_the_envelope_nor_let_the_preparer_approve(
    cnam, cnam2, django_user_model
):
    third = django_user_model.objects.create_user(email="cnam3@test.example", role="cnam_agent")
    envelope = 3 * EXPECTED_TOTAL + Decimal("100")  # room for 3 of the 8 dotations
    campaign = _campaign(8, cnam, envelope)
    dotations = list(Dotation.objects.filter(campaign=campaign).order_by("pk"))
    bulk_actions.bulk_propose(dotations=dotations, user=cnam)

    def batch(user, reverse_order=False):
        rows = list(Dotation.objects.filter(campaign=campaign).select_related("structure", "campaign").order_by("pk"))
        return user, bulk_actions.bulk_approve(dotations=rows[::-1] if reverse_order else rows, user=user)

    results = dict(_race([lambda: batch(cnam), lambda: batch(cnam2), lambda: batch(third, reverse_order=True)]))
    approved = Dotation.objects.filter(campaign=campaign, status=DotationStatus.APPROVED)
    assert approved.count() == 3
    assert sum(d.total for d in approved) <= envelope
    assert not approved.filter(approved_by=cnam).exists()
    assert not any(outcome.done for outcome in results[cnam])
    done = [o for user in (cnam2, third) for o in results[user] if o.done]
    assert len(done) == 3
    refused = [o for user in (cnam2, third) for o in results[user] if not o.done]
    assert refused and all(o.reason for o in refused)
    assert any("enveloppe" in o.reason for o in refused)
