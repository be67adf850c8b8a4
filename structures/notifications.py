"""E-mails of the eligibility workflow, sent through django.tasks after the transaction commits."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.tasks import task

from secpa_portal.accounts.enums import Role
from secpa_portal.core.mail import send_templated_mail

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


def notify_submitted(structure):
    transaction.on_commit(lambda: send_structure_submitted.enqueue(structure.pk))


def notify_decision(structure, verb, reason=""):
    transaction.on_commit(lambda: send_structure_decision.enqueue(structure.pk, verb, reason))
