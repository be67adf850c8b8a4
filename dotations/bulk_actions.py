"""Bulk actions of CNAM agents on a selection (issue 12 §11): propose, approve, record payments.

Each row goes through its existing service, in its own savepoint: a refused row (not the right state, the
agent prepared it, the envelope is full, …) is reported with its French reason and the others go on. Approval
locks the selection's campaign rows first and holds them for the whole batch, so the envelope is read once
under that lock and every approval of the batch counts the previous ones: concurrent batches or single
approvals wait, and the envelope is never exceeded. The four-eyes rule stays the service's, per dotation.

(``dotations/bulk.py`` is another matter: the computation's bulk ``UPDATE`` of many rows.)
"""

from dataclasses import dataclass

from django.db import transaction

from secpa_portal.core.errors import DomainError

from .models import Campaign
from .services import dotations as dotation_services
from .services import payments as payment_services


@dataclass
class Outcome:
    label: str
    done: bool
    reason: str = ""


def _each(items, label, perform) -> list[Outcome]:
    outcomes = []
    for item in items:
        try:
            with transaction.atomic():
                perform(item)
        except DomainError as error:
            outcomes.append(Outcome(label(item), False, error.message))
        else:
            outcomes.append(Outcome(label(item), True))
    return outcomes


def _dotation_label(dotation) -> str:
    return f"{dotation.structure.name} — {dotation.campaign.year}"


@transaction.atomic
def bulk_propose(*, dotations, user) -> list[Outcome]:
    """Propose each computed dotation as computed (no adjustment: an adjustment needs its own reason)."""
    return _each(
        dotations, _dotation_label, lambda dotation: dotation_services.dotation_propose(dotation=dotation, user=user)
    )


@transaction.atomic
def bulk_approve(*, dotations, user) -> list[Outcome]:
    """Approve each proposed dotation, under the campaigns' row locks held for the whole batch."""
    dotations = list(dotations)
    list(Campaign.objects.select_for_update().filter(pk__in={d.campaign_id for d in dotations}).order_by("pk"))
    return _each(
        dotations, _dotation_label, lambda dotation: dotation_services.dotation_approve(dotation=dotation, user=user)
    )


@transaction.atomic
def bulk_record(*, payments, user, paid_on, reference) -> list[Outcome]:
    """Record each scheduled payment as paid on ``paid_on`` with one transfer ``reference``; its fund is kept."""

    def label(payment):
        dotation = payment.dotation
        return f"{dotation.structure.name} — {payment.get_kind_display().lower()} {dotation.campaign.year}"

    return _each(
        payments,
        label,
        lambda payment: payment_services.payment_record(
            payment=payment, user=user, paid_on=paid_on, reference=reference
        ),
    )
