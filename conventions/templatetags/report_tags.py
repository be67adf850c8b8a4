"""``{% convention_reports convention %}``: the annual reports of a convention, on the convention page."""

from django import template

from ..models import AnnualReport
from ..perms.reports import REPORTABLE_CONVENTION_STATUSES

register = template.Library()


@register.inclusion_tag("conventions/reports/_convention_reports.html", takes_context=True)
def convention_reports(context, convention):
    """One query; the convention was already found in the user's scope, so are its reports."""
    shown = convention.status in REPORTABLE_CONVENTION_STATUSES
    reports = list(AnnualReport.objects.filter(convention=convention).order_by("-year")) if shown else []
    return {"convention": convention, "reports": reports, "shown": shown, "user": context.get("user")}
