"""``{% convention_reports convention %}``: the annual reports of a convention, on the convention page."""

from django import template
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from ..models import AnnualReport
from ..perms.reports import REPORTABLE_CONVENTION_STATUSES

register = template.Library()


@register.inclusion_tag("conventions/reports/_convention_reports.html", takes_context=True)
def convention_reports(context, convention):
    """One query; the convention was already found in the user's scope, so are its reports."""
    shown = convention.status in REPORTABLE_CONVENTION_STATUSES
    reports = list(AnnualReport.objects.filter(convention=convention).order_by("-year")) if shown else []
    return {"convention": convention, "reports": reports, "shown": shown, "user": context.get("user")}


@register.filter
def filed_ago(submitted_at) -> str:
    """« déposé aujourd'hui », « déposé il y a 1 jour », « déposé il y a 12 jours » (calendar days, local time)."""
    if not submitted_at:
        return ""
    days = (timezone.localdate() - timezone.localdate(submitted_at)).days
    if days <= 0:
        return gettext("déposé aujourd'hui")
    return ngettext("déposé il y a %(days)d jour", "déposé il y a %(days)d jours", days) % {"days": days}
