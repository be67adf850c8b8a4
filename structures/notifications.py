"""E-mails of the eligibility workflow, sent through django.tasks after the transaction commits."""

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.tasks import task
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from secpa_portal.accounts.enums import Role
from secpa_portal.core.mail import queue_notification, send_templated_mail

from .models import Structure


def _manager_emails(structure):
    return list(structure.memberships.filter(user__is_active=True).values_list("user__email", flat=True))


def _region_agent_emails(structure):
    users = get_user_model().objects.filter(role=Role.ARS_AGENT, region_id=structure.region_id, is_active=True)
    return list(users.values_list("email", flat=True))


@task
def send_structure_submitted(structure_id: int) -> int:
    """To the ARS agents of the structure's region."""
    structure = Structure.objects.select_related("region").get(pk=structure_id)
    return send_templated_mail(
        template="structure_submitted", context={"structure": structure}, recipients=_region_agent_emails(structure)
    )


@task
def send_structure_decision(structure_id: int, verb: str, reason: str = "") -> int:
    """To the structure's managers, on each ARS decision."""
    structure = Structure.objects.select_related("region").get(pk=structure_id)
    return send_templated_mail(
        template=f"structure_{verb}",
        context={"structure": structure, "reason": reason},
        recipients=_manager_emails(structure),
    )


@task
def send_structure_resubmitted(structure_id: int) -> int:
    """To the agent who sent the file back, to whom it returns."""
    structure = Structure.objects.select_related("region", "reviewer").get(pk=structure_id)
    recipients = [structure.reviewer.email] if structure.reviewer and structure.reviewer.is_active else []
    return send_templated_mail(
        template="structure_resubmitted", context={"structure": structure}, recipients=recipients
    )


def notify_resubmitted(structure):
    queue_notification(send_structure_resubmitted, structure.pk)


def notify_submitted(structure):
    queue_notification(send_structure_submitted, structure.pk)


def notify_decision(structure, verb, reason=""):
    queue_notification(send_structure_decision, structure.pk, verb, reason)


@task
def send_member_added(structure_id: int, user_id: int, invited_by: str, new_account: bool) -> int:
    """To the person given access: a link to choose their password when the account is new."""
    structure = Structure.objects.get(pk=structure_id)
    member = get_user_model().objects.get(pk=user_id)
    context = {"structure": structure, "member": member, "invited_by": invited_by, "new_account": new_account}
    if new_account:
        context["set_password_path"] = reverse(
            "accounts:password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(member.pk)),
                "token": default_token_generator.make_token(member),
            },
        )
    return send_templated_mail(template="structure_manager_added", context=context, recipients=[member.email])


@task
def send_member_removed(structure_id: int, user_id: int) -> int:
    """To the person whose access was removed."""
    structure = Structure.objects.get(pk=structure_id)
    member = get_user_model().objects.get(pk=user_id)
    return send_templated_mail(
        template="structure_manager_removed", context={"structure": structure}, recipients=[member.email]
    )


def notify_member_added(structure, member, *, invited_by, new_account):
    label = str(invited_by)
    queue_notification(send_member_added, structure.pk, member.pk, label, new_account)


def notify_member_removed(structure, member):
    queue_notification(send_member_removed, structure.pk, member.pk)
