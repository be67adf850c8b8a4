"""The demo campaign: 14 M€, a labelled illustrative barème, 0.3 – 0.7 M€ per structure, every state, idempotent."""

from decimal import Decimal

import pytest

from dotations import demo
from dotations.enums import DotationStatus
from dotations.models import Campaign, Dotation
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
    assert all(Decimal("300000") <= d.computed_total <= Decimal("700000") for d in dotations), [
        d.computed_total for d in dotations
    ]
    approved = sum(d.total for d in dotations if d.status == DotationStatus.APPROVED)
    assert approved <= Decimal("14000000")
    before = [(d.pk, d.status, d.total, d.version) for d in Dotation.objects.order_by("pk")]
    demo.seed(users)
    assert [(d.pk, d.status, d.total, d.version) for d in Dotation.objects.order_by("pk")] == before
