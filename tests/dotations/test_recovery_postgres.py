"""On PostgreSQL: the ledger trigger and concurrent recovery decisions (issue 9 §3)."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from dotations.enums import PaymentKind, RecoveryStatus
from dotations.models import Dotation, RecoveryOrder
from dotations.services.payments import payment_record
from dotations.services.recoveries import issue_recovery, recovery_notify
from secpa_portal.core.errors import DomainError
from secpa_portal.journal.models import Event
from tests.factories import DotationFactory

from .test_payment_concurrency import _race

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and triggers are tested on PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _paid(manager, cnam, cnam2):
    dotation = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True, total=Decimal("400000.00"))
    advance = dotation.payments.get(kind=PaymentKind.ADVANCE)
    payment_record(payment=advance, user=cnam, paid_on=datetime.date(2026, 3, 31), reference="VIR-1")
    dotation.refresh_from_db()
    return dotation


def _set_total(dotation, total):
    Dotation.objects.filter(pk=dotation.pk).update(total=total, adjustment=total - dotation.computed_total)


def test_the_ledger_trigger_refuses_paid_less_recovered_above_approved(manager, cnam, cnam2):
    dotation = _paid(manager, cnam, cnam2)
    order = issue_recovery(dotation=dotation, amount=Decimal("40000.00"), reason="Trop-perçu", user=cnam)
    _set_total(dotation, Decimal("200000.00"))  # 240 000 paid − 40 000 claimed: exactly approved
    with pytest.raises(IntegrityError, match="below its payments"), transaction.atomic():
        _set_total(dotation, Decimal("199999.99"))
    with pytest.raises(IntegrityError), transaction.atomic():
        RecoveryOrder.objects.filter(pk=order.pk).update(status=RecoveryStatus.CANCELLED)
    with pytest.raises(IntegrityError), transaction.atomic():
        RecoveryOrder.objects.filter(pk=order.pk).update(amount=Decimal("39999.99"))
    dotation.refresh_from_db()
    assert dotation.total == Decimal("200000.00")
    assert RecoveryOrder.objects.get().status == RecoveryStatus.ISSUED


def test_two_notifications_of_the_same_order_at_once_give_one(manager, cnam, cnam2):
    from secpa_portal.accounts.enums import Role
    from tests.conftest import make_user

    cnam3 = make_user("cnam3@secpa.test", role=Role.CNAM_AGENT)
    dotation = _paid(manager, cnam, cnam2)
    order = issue_recovery(dotation=dotation, amount=Decimal("1000.00"), reason="Trop-perçu", user=cnam)

    outcomes = _race(
        [lambda: recovery_notify(order=order, user=cnam2), lambda: recovery_notify(order=order, user=cnam3)]
    )
    assert sum(isinstance(o, RecoveryOrder) for o in outcomes) == 1
    assert sum(isinstance(o, DomainError) for o in outcomes) == 1
    assert RecoveryOrder.objects.get().status == RecoveryStatus.NOTIFIED
    assert Event.objects.filter(verb="recovery_notified").count() == 1
