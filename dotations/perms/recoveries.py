"""Who may do what on a recovery order (ordre de reversement). Templates and services ask the same predicates."""

from django.utils.translation import gettext as _

from ..enums import DotationStatus, RecoveryStatus
from ..recovery_workflow import RECOVERY_WORKFLOW
from .four_eyes import four_eyes_refusal


def _cnam(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_cnam_agent


def issue_refusal(user, dotation) -> str:
    if not _cnam(user):
        return _("Seul un agent de la CNAM peut émettre un ordre de reversement.")
    if dotation.status != DotationStatus.APPROVED:
        return _("Un ordre de reversement ne porte que sur une dotation approuvée.")
    return ""


def notify_refusal(user, order) -> str:
    """Four-eyes like the approval of a dotation: the agent who issued the order never notifies it."""
    if not _cnam(user):
        return _("Seul un agent de la CNAM peut notifier un ordre de reversement.")
    return RECOVERY_WORKFLOW.refusal("notify", order.status) or four_eyes_refusal(
        user, order.issued_by_id, what=_("cet ordre de reversement")
    )


def recover_refusal(user, order) -> str:
    if not _cnam(user):
        return _("Seul un agent de la CNAM peut constater un recouvrement.")
    return RECOVERY_WORKFLOW.refusal("recover", order.status)


def cancel_refusal(user, order) -> str:
    if not _cnam(user):
        return _("Seul un agent de la CNAM peut annuler un ordre de reversement.")
    return RECOVERY_WORKFLOW.refusal("cancel", order.status, reason="-")


def can_notify(user, order) -> bool:
    return not notify_refusal(user, order)


def can_recover(user, order) -> bool:
    return not recover_refusal(user, order)


def can_cancel(user, order) -> bool:
    return not cancel_refusal(user, order)


def is_open(order) -> bool:
    return order.status in (RecoveryStatus.ISSUED, RecoveryStatus.NOTIFIED)
