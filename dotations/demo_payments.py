"""Demo payments (called by ``manage.py seed_demo`` after dotations.demo): the schedule of every approved
dotation (each payment on the fund its campaign gives its due date), most advances paid, one payment cancelled.
Idempotent; does nothing when nothing is approved."""

import datetime

from django.utils import timezone

from .enums import DotationStatus, PaymentKind, PaymentStatus
from .models import Dotation, Payment
from .services.payments import payment_cancel, payment_record, schedule_payments

CNAM = "cnam@secpa.example"
CNAM_VALIDATION = "cnam.validation@secpa.example"


def _paid_on(payment) -> datetime.date:
    return min(payment.due_date, timezone.localdate())


def seed(users):
    approved = list(
        Dotation.objects.filter(status=DotationStatus.APPROVED)
        .select_related("campaign", "approved_by")
        .order_by("campaign__year", "structure__name", "pk")
    )
    if not approved:
        return
    agent = users[CNAM]
    for dotation in approved:
        schedule_payments(dotation=dotation, user=dotation.approved_by or users[CNAM_VALIDATION])
    if Payment.objects.filter(dotation__in=approved).exclude(status=PaymentStatus.SCHEDULED).exists():
        return  # already seeded
    # Two thirds of the advances are paid; the last approved dotations still wait for theirs.
    to_pay = approved[: max(1, len(approved) * 2 // 3)]
    paid = []
    for index, dotation in enumerate(to_pay, start=1):
        advance = dotation.payments.get(kind=PaymentKind.ADVANCE, status=PaymentStatus.SCHEDULED)
        paid.append(
            payment_record(
                payment=advance,
                user=agent,
                paid_on=_paid_on(advance),
                reference=f"VIR-{dotation.campaign.year}-{index:05d}",
            )
        )
    # One transfer came back: cancelled with its reason, and scheduled again.
    payment_cancel(
        payment=paid[0],
        user=agent,
        reason="Virement rejeté par la banque : coordonnées bancaires de la structure à mettre à jour.",
        reschedule=True,
    )
