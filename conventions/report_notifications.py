"""E-mails of the annual report workflow and its reminders, sent through django.tasks after the commit."""

from django.contrib.auth import get_user_model
from django.tasks import task

from secpa_portal.accounts.enums import Role
from secpa_portal.core.mail import queue_notification, send_templated_mail

from .models import AnnualReport
from .notifications import manager_emails

MANAGERS = "managers"
REGION_AGENTS = "region_agents"


def region_agent_emails(structure) -> list[str]:
    users = get_user_model().objects.filter(role=Role.ARS_AGENT, region_id=structure.region_id, is_active=True)
    return list(users.values_list("email", flat=True))


@task
def send_report_mail(report_id: int, template: str, to: str, reason: str = "") -> int:
    """Render ``emails/<template>.txt`` (subject on its first line) for the recipients ``to`` names."""
    report = AnnualReport.objects.select_related("convention", "convention__structure").get(pk=report_id)
    structure = report.convention.structure
    recipients = region_agent_emails(structure) if to == REGION_AGENTS else manager_emails(structure)
    return send_templated_mail(
        template=template,
        context={"report": report, "convention": report.convention, "structure": structure, "reason": reason},
        recipients=recipients,
    )


def _send(report, template: str, to: str, reason: str = ""):
    queue_notification(send_report_mail, report.pk, template, to, reason)


# One function per e-mail: who receives it, and its template (subject and body) in templates/emails/.


def report_submitted(report):
    """To the ARS agents of the structure's region: emails/report_submitted.txt."""
    _send(report, "report_submitted", REGION_AGENTS)


def report_validated(report):
    """To the structure's managers: emails/report_validated.txt."""
    _send(report, "report_validated", MANAGERS)


def report_returned(report, reason: str):
    """To the structure's managers, with what to correct: emails/report_returned.txt."""
    _send(report, "report_returned", MANAGERS, reason)


def report_due_soon(report):
    """Reminder to the structure's managers 30 days before the due date: emails/report_due_soon.txt."""
    _send(report, "report_due_soon", MANAGERS)


def report_overdue(report):
    """Reminder to the structure's managers once the due date passed: emails/report_overdue.txt."""
    _send(report, "report_overdue", MANAGERS)
