"""Demo: the 2025 campaign, settled (called by ``manage.py seed_demo`` after dotations.demo_payments), so that the
public statistics show 2025 beside 2026 (issue 13 §4).

The demo conventions start on 1 January 2025 (one on 1 July 2026): the 2025 campaign computes them from their
registration figures (no annual report before 2025), with the 2026 illustrative barème, the FISS paying the whole
year (the experiment's fund). Every dotation is proposed, approved by a second agent, its advance paid on its due
date and its balance paid on 30 April 2026 when its 2025 report is validated; then the campaign is closed.
Idempotent: an existing 2025 campaign is left as it is.
"""

import datetime

from .demo import APPROVER, PREPARER, open_demo_campaign
from .enums import DotationStatus, PaymentKind, PaymentStatus
from .models import Campaign, Dotation, Payment
from .selectors import campaign_gauge
from .services import campaigns as campaign_services
from .services import compute
from .services import dotations as dotation_services
from .services.payments import payment_record, schedule_payments

YEAR = 2025


def seed(users: dict) -> None:
    if Campaign.objects.filter(year=YEAR).exists():
        return
    cnam, cnam2 = users[PREPARER], users[APPROVER]
    campaign = open_demo_campaign(cnam, YEAR, fiss_end_date=datetime.date(YEAR, 12, 31))
    counts = compute.run_compute(campaign_id=campaign.pk, user_id=cnam.pk)
    campaign.refresh_from_db()
    if counts["computed"] and campaign_gauge(campaign).total > campaign.envelope:
        compute.campaign_fit(campaign=campaign, user=cnam)
    dotations = list(Dotation.objects.filter(campaign=campaign, errors=[]).order_by("structure__name", "pk"))
    for index, dotation in enumerate(dotations, start=1):
        dotation_services.dotation_propose(dotation=dotation, user=cnam)
        dotation_services.dotation_approve(dotation=dotation, user=cnam2)
        schedule_payments(dotation=dotation, user=cnam2)
        payments = Payment.objects.filter(dotation=dotation, status=PaymentStatus.SCHEDULED, amount__isnull=False)
        for payment in payments.order_by("kind"):
            prefix = "AV" if payment.kind == PaymentKind.ADVANCE else "SO"
            payment_record(
                payment=payment,
                user=cnam,
                paid_on=payment.due_date,
                reference=f"VIR-{YEAR}-{prefix}-{index:05d}",
                fund=payment.fund,
            )
    campaign.refresh_from_db()
    if not Dotation.objects.filter(campaign=campaign).exclude(status=DotationStatus.APPROVED).exists():
        campaign_services.campaign_close(campaign=campaign, user=cnam)
