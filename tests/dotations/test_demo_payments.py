from decimal import Decimal

import pytest

from dotations import demo_payments
from dotations.enums import PaymentStatus
from dotations.models import Dotation, Payment
from secpa_portal.accounts.demo import seed_accounts

from .payment_builders import approved_dotation, make_campaign, make_convention, make_dotation, make_funded_structure

pytestmark = pytest.mark.django_db


def test_nothing_approved_is_fine():
    users = seed_accounts()
    structure = make_funded_structure(users["gestion.idf@secpa.example"])
    make_dotation(make_convention(structure, users["cnam@secpa.example"]), make_campaign())
    demo_payments.seed(users)
    assert not Payment.objects.exists()


def test_demo_payments_are_paid_cancelled_and_idempotent():
    users = seed_accounts()
    manager, cnam, cnam2 = (
        users[e] for e in ("gestion.idf@secpa.example", "cnam@secpa.example", "cnam.validation@secpa.example")
    )
    for _ in range(4):
        approved_dotation(manager, cnam, cnam2, total=Decimal("450000.00"))
    # a dotation approved without its schedule (as a demo loader might leave it) gets one
    Payment.objects.filter(dotation=Dotation.objects.last()).delete()
    demo_payments.seed(users)
    counts = {s: Payment.objects.filter(status=s).count() for s in PaymentStatus.values}
    # 4 balances, 2 advances not yet paid, the replacement of the cancelled one
    assert counts == {"paid": 1, "cancelled": 1, "scheduled": 4 + 2 + 1}
    demo_payments.seed(users)
    assert {s: Payment.objects.filter(status=s).count() for s in PaymentStatus.values} == counts
    for dotation in Dotation.objects.all():
        paid = sum(p.amount for p in dotation.payments.filter(status=PaymentStatus.PAID))
        assert paid <= dotation.total
