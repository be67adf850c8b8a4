"""Who may do what on payments. Templates and services ask the same predicates."""

from ..enums import DotationStatus
from ..payment_workflow import WORKFLOW


def can_manage_payments(user) -> bool:
    """CNAM agents schedule, record and cancel payments (design.md §3)."""
    return user.is_authenticated and user.is_cnam_agent


def can_record_payment(user, payment) -> bool:
    """A CNAM agent, on a scheduled payment of an approved dotation whose amount is fixed."""
    return (
        can_manage_payments(user)
        and WORKFLOW.allows("record", payment.status)
        and payment.amount is not None
        and payment.dotation.status == DotationStatus.APPROVED
    )


def can_cancel_payment(user, payment) -> bool:
    """A CNAM agent, on a scheduled or recorded payment (a reason is required)."""
    return can_manage_payments(user) and WORKFLOW.allows("cancel", payment.status)
