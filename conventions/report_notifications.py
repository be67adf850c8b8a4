"""E-mails of the annual report workflow and its reminders, sent through django.tasks after the commit."""

from django.contrib.auth import get_user_model
from django.tasks import task

from secpa_portal.accounts.enums import Role
from secpa_portal.core.mail import queue_notification, send_templated_mail

from .models import AnnualReport
from .notifications import manager_emails

TO_REGION_AGENTS = {"report_submitted"}
TO_MANAGERS = {"report_validated", "report_returned", "report_due_soon", "report_overdue"}


def region_agent_emails(structure) -> list[str]:
    users = get_user_model().objects.filter(role=Role.ARS_AGENT, region_id=structure.region_id, is_active=True)
    return list(users.values_list("email", flat=True))


@task
def send_report_mail(report_id: int, template: str, reason: str = "") -> int:
    report = AnnualReport.objects.select_related("convention", "convention__structure").get(pk=report_id)
    structure = report.convention.structure
    recipients = region_agent_emails(structure) if template in TO_REGION_AGENTS else manager_emails(structure)
    return send_templated_mail(
        template=template,
        context={"report": report, "convention": report.convention, "structure": structure, "reason": reason},
        recipients=recipients,
    )


def notify_report(report, template: str, reason: str = ""):
    assert template in TO_REGION_AGENTS | TO_MANAGERS, template
    queue_notification(send_report_mail, report.pk, template, reason)
