"""The ledger of a dotation (design.md §4): approved, paid, recovered and remaining, kept consistent.

claimed = the recovery orders not cancelled (issued, notified or recovered): they count from their issue.
The database refuses paid − claimed > approved (migration 0009_recovery_orders); remaining is what the
structure may still receive: approved − (paid − claimed), never negative.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from .enums import DotationStatus, PaymentStatus, RecoveryStatus

ZERO = Decimal("0")


@dataclass(frozen=True)
class Ledger:
    approved: Decimal
    paid: Decimal
    recovered: Decimal  # orders recovered: the money came back
    to_recover: Decimal  # orders issued or notified, not yet recovered

    @property
    def claimed(self) -> Decimal:
        return self.recovered + self.to_recover

    @property
    def net_paid(self) -> Decimal:
        return self.paid - self.recovered

    @property
    def remaining(self) -> Decimal:
        return self.approved - self.paid + self.claimed


def ledgers(dotations) -> dict[int, Ledger]:
    """The ledgers of ``dotations`` (objects with pk, status, total) in two queries, whatever their number."""
    from .models import Payment, RecoveryOrder

    ids = [d.pk for d in dotations]
    paid = dict(
        Payment.objects.filter(dotation_id__in=ids, status=PaymentStatus.PAID)
        .values("dotation_id")
        .annotate(s=Sum("amount"))
        .values_list("dotation_id", "s")
    )
    recovered, to_recover = {}, {}
    rows = (
        RecoveryOrder.objects.filter(dotation_id__in=ids)
        .exclude(status=RecoveryStatus.CANCELLED)
        .values("dotation_id", "status")
        .annotate(s=Sum("amount"))
    )
    for row in rows:
        target = recovered if row["status"] == RecoveryStatus.RECOVERED else to_recover
        target[row["dotation_id"]] = target.get(row["dotation_id"], ZERO) + row["s"]
    return {
        d.pk: Ledger(
            approved=d.total if d.status == DotationStatus.APPROVED else ZERO,
            paid=paid.get(d.pk) or ZERO,
            recovered=recovered.get(d.pk, ZERO),
            to_recover=to_recover.get(d.pk, ZERO),
        )
        for d in dotations
    }


def ledger_of(dotation) -> Ledger:
    return ledgers([dotation])[dotation.pk]
