from decimal import Decimal

import pytest

from dotations import demo_payments
from dotations.enums import PaymentStatus
from dotations.models import Dotation, Payment
from secpa_portal.accounts.demo import seed_accounts
from tests.factories import CampaignFactory, DotationFactory, FundedConventionFactory, FundedStructureFactory

pytestmark = pytest.mark.django_db


def test_nothing_approved_is_fine():
    users = seed_accounts()
    structure = FundedStructureFactory(manager=users["gestion.idf@secpa.example"])
    DotationFactory(
        convention=FundedConventionFactory(
            structure=structure, prepared_by=users["cnam@secpa.example"], start_year=2026
        ),
        campaign=CampaignFactory(bareme=False),
    )
    demo_payments.seed(users)
    assert not Payment.objects.exists()


def test_demo_payments_are_paid_cancelled_and_idempotent():
    users = seed_accounts()
    manager, cnam, cnam2 = (
        users[e] for e in ("gestion.idf@secpa.example", "cnam@secpa.example", "cnam.validation@secpa.example")
    )
    for _ in range(4):
        DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True, total=Decimal("450000.00"))
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
