"""The e-mail « message_posted »: a notice to the other side, with a link and never the message's text."""

from django.contrib.auth import get_user_model
from django.tasks import task
from django.urls import reverse

from secpa_portal.core.mail import queue_notification, send_templated_mail

from .models import Message


@task
def send_message_posted(message_id: int, recipient_ids: list[int]) -> int:
    """To the other side's participants of the thread."""
    message = Message.objects.get(pk=message_id)
    recipients = get_user_model().objects.filter(pk__in=recipient_ids, is_active=True)
    return send_templated_mail(
        template="message_posted",
        context={
            "dossier_label": message.dossier_label,
            "side": message.get_side_display(),
            "thread_path": reverse("messaging:thread", args=[message.dossier_kind, message.object_id]),
        },
        recipients=list(recipients.values_list("email", flat=True)),
    )


def notify_message_posted(message, recipients) -> None:
    ids = [user.pk for user in recipients]
    if ids:
        queue_notification(send_message_posted, message.pk, ids)
