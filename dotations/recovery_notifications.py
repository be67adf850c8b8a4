"""E-mails about recovery orders to the structure's managers, queued with the change (durable outbox).

Named notifications: recovery_notified (the order reaches the structure), recovery_recovered, recovery_cancelled
(only for an order the structure had been notified of). An issued order is internal until a second agent
notifies it.
"""

from django.tasks import task

from secpa_portal.core.mail import queue_notification, send_templated_mail

from .models import RecoveryOrder

TEMPLATES = ("recovery_notified", "recovery_recovered", "recovery_cancelled")


@task
def send_recovery_notice(order_id: int, template: str) -> int:
    order = RecoveryOrder.objects.select_related("dotation__structure", "dotation__campaign").get(pk=order_id)
    structure = order.dotation.structure
    recipients = list(structure.memberships.filter(user__is_active=True).values_list("user__email", flat=True))
    return send_templated_mail(
        template=template, context={"order": order, "structure": structure}, recipients=recipients
    )


def notify_recovery(order, template: str):
    assert template in TEMPLATES
    queue_notification(send_recovery_notice, order.pk, template)
