"""E-mails about payments to the structure's managers, sent through django.tasks after the commit."""

from django.tasks import task

from secpa_portal.core.mail import queue_notification, send_templated_mail

from .models import Payment


@task
def send_payment_notice(payment_id: int, template: str) -> int:
    """``template`` is payment_recorded or payment_cancelled; to the active managers of the structure."""
    payment = Payment.objects.select_related("dotation__structure", "dotation__campaign").get(pk=payment_id)
    structure = payment.dotation.structure
    recipients = list(structure.memberships.filter(user__is_active=True).values_list("user__email", flat=True))
    return send_templated_mail(
        template=template, context={"payment": payment, "structure": structure}, recipients=recipients
    )


def notify_payment(payment, template: str):
    queue_notification(send_payment_notice, payment.pk, template)
