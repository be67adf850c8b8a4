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


MANAGERS = "managers"
CNAM = "cnam"


def _convention_recipients(convention, to: str) -> list[str]:
    return manager_emails(convention.structure) if to == MANAGERS else cnam_emails()


@task
def send_convention_mail(convention_id: int, template: str, to: str, reason: str = "") -> int:
    """Render ``emails/<template>.txt`` (subject on its first line) for the recipients ``to`` names."""
    convention = Convention.objects.select_related("structure", "structure__region").get(pk=convention_id)
    return send_templated_mail(
        template=template,
        context={"convention": convention, "reason": reason},
        recipients=_convention_recipients(convention, to),
    )


@task
def send_amendment_mail(amendment_id: int, template: str, to: str) -> int:
    amendment = Amendment.objects.select_related("convention", "convention__structure").get(pk=amendment_id)
    return send_templated_mail(
        template=template,
        context={"amendment": amendment, "convention": amendment.convention},
        recipients=_convention_recipients(amendment.convention, to),
    )


def _convention(convention, template: str, to: str, reason: str = ""):
    queue_notification(send_convention_mail, convention.pk, template, to, reason)


def _amendment(amendment, template: str, to: str):
    queue_notification(send_amendment_mail, amendment.pk, template, to)


# One function per e-mail: who receives it, and its template (subject and body) in templates/emails/.


def convention_sent(convention):
    """To the structure's managers, to sign it: emails/convention_sent.txt."""
    _convention(convention, "convention_sent", MANAGERS)


def convention_recalled(convention, reason: str):
    """To the structure's managers, with the reason: emails/convention_recalled.txt."""
    _convention(convention, "convention_recalled", MANAGERS, reason)


def convention_signed_by_structure(convention):
    """To the CNAM agents, for the second signature: emails/convention_signed_by_structure.txt."""
    _convention(convention, "convention_signed_by_structure", CNAM)


def convention_active(convention):
    """To the structure's managers: emails/convention_active.txt."""
    _convention(convention, "convention_active", MANAGERS)


def convention_terminated(convention, reason: str):
    """To the structure's managers, with the reason: emails/convention_terminated.txt."""
    _convention(convention, "convention_terminated", MANAGERS, reason)


def convention_ended(convention):
    """To the structure's managers, once its end date passed: emails/convention_ended.txt."""
    _convention(convention, "convention_ended", MANAGERS)


def amendment_sent(amendment):
    """To the structure's managers, to sign it: emails/amendment_sent.txt."""
    _amendment(amendment, "amendment_sent", MANAGERS)


def amendment_signed_by_structure(amendment):
    """To the CNAM agents, for the second signature: emails/amendment_signed_by_structure.txt."""
    _amendment(amendment, "amendment_signed_by_structure", CNAM)


def amendment_active(amendment):
    """To the structure's managers: emails/amendment_active.txt."""
    _amendment(amendment, "amendment_active", MANAGERS)


def amendment_abandoned(amendment):
    """To the structure's managers, with the reason (``amendment.abandon_reason``): emails/amendment_abandoned.txt."""
    _amendment(amendment, "amendment_abandoned", MANAGERS)


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
