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
def send_structure_mail(structure_id: int, template: str, to: str, reason: str = "") -> int:
    """Render ``emails/<template>.txt`` (subject on its first line) for the recipients ``to`` names."""
    structure = Structure.objects.select_related("region").get(pk=structure_id)
    return send_templated_mail(
        template=template, context={"structure": structure, "reason": reason}, recipients=RECIPIENTS[to](structure)
    )


MANAGERS = "managers"
REGION_AGENTS = "region_agents"
RECIPIENTS = {MANAGERS: _manager_emails, REGION_AGENTS: _region_agent_emails}


@task
def send_structure_resubmitted(structure_id: int) -> int:
    """To the agent who sent the file back, to whom it returns."""
    structure = Structure.objects.select_related("region", "reviewer").get(pk=structure_id)
    recipients = [structure.reviewer.email] if structure.reviewer and structure.reviewer.is_active else []
    return send_templated_mail(
        template="structure_resubmitted", context={"structure": structure}, recipients=recipients
    )


def _send(structure, template: str, to: str, reason: str = ""):
    queue_notification(send_structure_mail, structure.pk, template, to, reason)


# One function per e-mail: who receives it, and its template (subject and body) in templates/emails/.


def structure_submitted(structure):
    """To the ARS agents of the structure's region: emails/structure_submitted.txt."""
    _send(structure, "structure_submitted", REGION_AGENTS)


def structure_resubmitted(structure):
    """To the agent who sent the file back, to whom it returns: emails/structure_resubmitted.txt."""
    queue_notification(send_structure_resubmitted, structure.pk)


def structure_taken(structure):
    """To the structure's managers, when an ARS agent takes the file: emails/structure_taken.txt."""
    _send(structure, "structure_taken", MANAGERS)


def structure_eligible(structure, reason: str = ""):
    """To the structure's managers: emails/structure_eligible.txt."""
    _send(structure, "structure_eligible", MANAGERS, reason)


def structure_ineligible(structure, reason: str):
    """To the structure's managers, with the reason: emails/structure_ineligible.txt."""
    _send(structure, "structure_ineligible", MANAGERS, reason)


def structure_changes_requested(structure, reason: str):
    """To the structure's managers, with what to complete: emails/structure_changes_requested.txt."""
    _send(structure, "structure_changes_requested", MANAGERS, reason)


def structure_reopened(structure, reason: str):
    """To the structure's managers, with the reason: emails/structure_reopened.txt."""
    _send(structure, "structure_reopened", MANAGERS, reason)


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
