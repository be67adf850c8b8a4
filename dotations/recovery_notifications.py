"""E-mails about recovery orders to the structure's managers, queued with the change (durable outbox).

Named notifications: recovery_notified (the order reaches the structure), recovery_recovered, recovery_cancelled
(only for an order the structure had been notified of). An issued order is internal until a second agent
notifies it.
"""

from django.tasks import task

from secpa_portal.core.mail import queue_notification, send_templated_mail

from .models import RecoveryOrder


@task
def send_recovery_notice(order_id: int, template: str) -> int:
    order = RecoveryOrder.objects.select_related("dotation__structure", "dotation__campaign").get(pk=order_id)
    structure = order.dotation.structure
    recipients = list(structure.memberships.filter(user__is_active=True).values_list("user__email", flat=True))
    return send_templated_mail(
        template=template, context={"order": order, "structure": structure}, recipients=recipients
    )


def _send(order, template: str):
    queue_notification(send_recovery_notice, order.pk, template)


# One function per e-mail: who receives it, and its template (subject and body) in templates/emails/.


def recovery_notified(order):
    """To the structure's active managers, once a second agent notifies the order: emails/recovery_notified.txt."""
    _send(order, "recovery_notified")


def recovery_recovered(order):
    """To the structure's active managers, once the amount is recovered: emails/recovery_recovered.txt."""
    _send(order, "recovery_recovered")


def recovery_cancelled(order):
    """To the structure's active managers, for an order they had been notified of: emails/recovery_cancelled.txt."""
    _send(order, "recovery_cancelled")
