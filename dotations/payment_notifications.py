"""E-mails about payments to the structure's managers, sent through django.tasks after the commit."""

from django.tasks import task

from secpa_portal.core.mail import queue_notification, send_templated_mail

from .models import Payment


@task
def send_payment_notice(payment_id: int, template: str) -> int:
    """Render ``emails/<template>.txt`` (subject on its first line) for the active managers of the structure."""
    payment = Payment.objects.select_related("dotation__structure", "dotation__campaign").get(pk=payment_id)
    structure = payment.dotation.structure
    recipients = list(structure.memberships.filter(user__is_active=True).values_list("user__email", flat=True))
    return send_templated_mail(
        template=template, context={"payment": payment, "structure": structure}, recipients=recipients
    )


def _send(payment, template: str):
    queue_notification(send_payment_notice, payment.pk, template)


# One function per e-mail: who receives it, and its template (subject and body) in templates/emails/.


def payment_recorded(payment):
    """To the structure's active managers: emails/payment_recorded.txt."""
    _send(payment, "payment_recorded")


def payment_cancelled(payment):
    """To the structure's active managers, with the reason: emails/payment_cancelled.txt."""
    _send(payment, "payment_cancelled")
