"""The demo campaign: 14 M€, a labelled illustrative barème, 0.3 – 0.7 M€ per structure, every state, idempotent."""

import datetime
from decimal import Decimal

import pytest

from dotations import demo, demo_closure, demo_payments
from dotations.enums import DotationStatus, PaymentKind, PaymentStatus, RecoveryStatus
from dotations.models import Campaign, Dotation, Payment, RecoveryOrder
from secpa_portal.accounts.demo import seed_accounts

pytestmark = pytest.mark.django_db


def test_without_conventions_the_campaign_is_set_up_and_nothing_computed():
    users = seed_accounts()
    demo.seed(users)
    demo.seed(users)
    campaign = Campaign.objects.get()
    assert (campaign.year, campaign.envelope, campaign.is_demonstration) == (2026, Decimal("14000000.00"), True)
    assert campaign.components.count() == len(demo.COMPONENTS)
    assert not Dotation.objects.exists()


def test_the_full_demo_chain(django_capture_on_commit_callbacks):
    from conventions import demo as conventions_demo
    from structures import demo as structures_demo

    users = seed_accounts()
    with django_capture_on_commit_callbacks(execute=True):
        structures_demo.seed(users)
        conventions_demo.seed(users)
        demo.seed(users)
    dotations = list(Dotation.objects.all())
    assert dotations
    statuses = {d.status for d in dotations}
    assert statuses == {DotationStatus.COMPUTED, DotationStatus.PROPOSED, DotationStatus.APPROVED}
    assert any(d.return_reason for d in dotations if d.status == DotationStatus.COMPUTED)
    # 0.3 – 0.7 M€ a year per structure: a dotation prorated for part of the year is compared for a whole one.
    assert all(Decimal("300000") <= d.computed_total / d.prorata <= Decimal("700000") for d in dotations), [
        (d.computed_total, d.prorata) for d in dotations
    ]
    # Issue 9's cases: a convention paid a 50 % advance on 31 January, one starting on 1 July 2026 (184/365), both
    # approved, every payment split between the FISS (to 31 October) and the FIR.
    half = next(d for d in dotations if d.convention.advance_share == Decimal("0.50"))
    july = next(d for d in dotations if d.convention.start_date == datetime.date(2026, 7, 1))
    assert half.status == july.status == DotationStatus.APPROVED
    assert (july.days_in_force, july.days_in_year) == (184, 365)
    demo_payments.seed(users)
    advance = half.payments.get(kind=PaymentKind.ADVANCE, status__in=["scheduled", "paid"])
    assert (advance.amount, advance.due_date) == (
        (half.total * Decimal("0.50")).quantize(Decimal("0.01")),
        datetime.date(2026, 1, 31),
    )
    for payment in Payment.objects.exclude(amount=None):
        assert payment.fiss_amount + payment.fir_amount == payment.amount
        assert payment.fiss_amount > 0 and payment.fir_amount > 0
    approved = sum(d.total for d in dotations if d.status == DotationStatus.APPROVED)
    assert approved <= Decimal("14000000")
    before = [(d.pk, d.status, d.total, d.version) for d in Dotation.objects.order_by("pk")]
    demo.seed(users)  # idempotent
    assert [(d.pk, d.status, d.total, d.version) for d in Dotation.objects.order_by("pk")] == before

    # A structure closes on 30 June 2026: its convention is terminated, its dotation recomputed for 181 days, its
    # balance cancelled, and the advance paid beyond it claimed by a notified recovery order.
    demo_closure.seed(users)
    closed = Dotation.objects.select_related("convention").get(convention__status="terminated")
    assert closed.convention.terminated_on == datetime.date(2026, 6, 30)
    assert (closed.days_in_force, closed.status) == (181, DotationStatus.APPROVED)
    order = RecoveryOrder.objects.get(dotation=closed)
    paid = sum(p.amount for p in closed.payments.filter(status=PaymentStatus.PAID))
    assert order.status == RecoveryStatus.NOTIFIED and order.amount == paid - closed.total > 0
    assert not closed.payments.filter(kind=PaymentKind.BALANCE, status=PaymentStatus.SCHEDULED).exists()
    demo_closure.seed(users)  # idempotent
    assert RecoveryOrder.objects.count() == 1
