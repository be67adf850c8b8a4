"""E-mails of the dotation workflow, sent through django.tasks after the transaction commits."""

from django.tasks import task

from secpa_portal.core.mail import queue_notification, send_templated_mail

from .models import Dotation


def manager_emails(structure) -> list[str]:
    return list(structure.memberships.filter(user__is_active=True).values_list("user__email", flat=True))


@task
def send_dotation_approved(dotation_id: int) -> int:
    """To the structure's managers, once their dotation is approved."""
    dotation = Dotation.objects.select_related("campaign", "structure", "convention").get(pk=dotation_id)
    return send_templated_mail(
        template="dotation_approved", context={"dotation": dotation}, recipients=manager_emails(dotation.structure)
    )


def notify_dotation_approved(dotation):
    dotation_id = dotation.pk
    queue_notification(send_dotation_approved, dotation_id)
