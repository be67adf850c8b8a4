"""On PostgreSQL, with threads: concurrent writers never pay twice nor beyond the approved dotation."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, connections, transaction

from dotations.enums import PaymentKind, PaymentStatus
from dotations.models import Payment
from dotations.services.payments import payment_record
from secpa_portal.core.errors import DomainError
from tests.factories import DotationFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and triggers are tested on PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PAID_ON = datetime.date(2026, 3, 30)


def _race(workers):
    """Run the callables at the same moment, each in its own thread and connection; return their outcomes."""
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


def test_two_agents_recording_the_same_payment_pay_it_once(manager, cnam, cnam2):
    advance = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True).payments.get(
        kind=PaymentKind.ADVANCE
    )

    def record(user, reference):
        return lambda: payment_record(payment=advance, user=user, paid_on=PAID_ON, reference=reference)

    outcomes = _race([record(cnam, "VIR-A"), record(cnam2, "VIR-B")])
    assert sum(isinstance(o, Payment) for o in outcomes) == 1
    assert sum(isinstance(o, DomainError) for o in outcomes) == 1
    assert Payment.objects.filter(status=PaymentStatus.PAID).count() == 1


def test_concurrent_inserts_never_exceed_the_dotation(manager, cnam, cnam2):
    dotation = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True, total=Decimal("1000.00"))
    Payment.objects.filter(dotation=dotation).delete()

    def insert():
        with transaction.atomic():
            return Payment.objects.create(
                dotation=dotation, kind=PaymentKind.ADVANCE, amount=Decimal("600.00"), due_date=PAID_ON
            )

    def insert_balance():
        with transaction.atomic():
            return Payment.objects.create(
                dotation=dotation, kind=PaymentKind.BALANCE, amount=Decimal("600.00"), due_date=PAID_ON
            )

    outcomes = _race([insert, insert_balance])
    assert sum(isinstance(o, Payment) for o in outcomes) == 1
    assert sum(isinstance(o, IntegrityError) for o in outcomes) == 1
    assert Payment.objects.filter(dotation=dotation).count() == 1
