"""E-mails of the convention workflow, sent through django.tasks after the transaction commits."""

from django.contrib.auth import get_user_model
from django.tasks import task

from secpa_portal.accounts.enums import Role
from secpa_portal.core.mail import queue_notification, send_templated_mail

from .models import Amendment, Convention


def manager_emails(structure) -> list[str]:
    return list(structure.memberships.filter(user__is_active=True).values_list("user__email", flat=True))


def cnam_emails() -> list[str]:
    users = get_user_model().objects.filter(role=Role.CNAM_AGENT, is_active=True)
    return list(users.values_list("email", flat=True))


# Convention events and who hears of them.
TO_MANAGERS = {
    "convention_sent",
    "convention_recalled",
    "convention_active",
    "convention_terminated",
    "convention_ended",
}
TO_CNAM = {"convention_signed_by_structure"}
AMENDMENT_TO_MANAGERS = {"amendment_sent", "amendment_active"}
AMENDMENT_TO_CNAM = {"amendment_signed_by_structure"}


@task
def send_convention_mail(convention_id: int, template: str, reason: str = "") -> int:
    convention = Convention.objects.select_related("structure", "structure__region").get(pk=convention_id)
    recipients = manager_emails(convention.structure) if template in TO_MANAGERS else cnam_emails()
    return send_templated_mail(
        template=template, context={"convention": convention, "reason": reason}, recipients=recipients
    )


@task
def send_amendment_mail(amendment_id: int, template: str) -> int:
    amendment = Amendment.objects.select_related("convention", "convention__structure").get(pk=amendment_id)
    structure = amendment.convention.structure
    recipients = manager_emails(structure) if template in AMENDMENT_TO_MANAGERS else cnam_emails()
    return send_templated_mail(
        template=template,
        context={"amendment": amendment, "convention": amendment.convention},
        recipients=recipients,
    )


def notify_convention(convention, template: str, reason: str = ""):
    assert template in TO_MANAGERS | TO_CNAM, template
    queue_notification(send_convention_mail, convention.pk, template, reason)


def notify_amendment(amendment, template: str):
    assert template in AMENDMENT_TO_MANAGERS | AMENDMENT_TO_CNAM, template
    queue_notification(send_amendment_mail, amendment.pk, template)


@task
def send_structure_not_eligible(convention_id: int, verb: str, reason: str = "") -> int:
    """To the CNAM agents: the structure of a convention in force is declared non éligible (``verb`` « ineligible »)
    or put back in review (« reopened »); they terminate the convention or keep it deliberately."""
    convention = Convention.objects.select_related("structure", "structure__region").get(pk=convention_id)
    return send_templated_mail(
        template="convention_structure_not_eligible",
        context={"convention": convention, "verb": verb, "reason": reason},
        recipients=cnam_emails(),
    )


def notify_structure_not_eligible(convention, verb: str, reason: str = ""):
    assert verb in ("ineligible", "reopened"), verb
    convention_id = convention.pk
    queue_notification(send_structure_not_eligible, convention_id, verb, reason)
