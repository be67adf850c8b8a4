"""Attainment per indicator across structures (CNAM: national; ARS: their region), with CSV and XLSX export."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import exports
from ..charts import attainment_bars
from ..enums import ReportStatus
from ..models import AnnualReport
from ..perms import reports as perms

SCOPES = {
    "valides": (ReportStatus.VALIDATED,),
    "deposes": (ReportStatus.SUBMITTED, ReportStatus.VALIDATED),
}


def _filters(request):
    """(year, scope key, statuses, years offered) from the query string; anything unknown falls back."""
    if not perms.can_view_national(request.user):
        raise Http404
    years = sorted(
        set(AnnualReport.objects.visible_to(request.user).values_list("year", flat=True).distinct()), reverse=True
    )
    default = years[0] if years else timezone.localdate().year - 1
    raw = request.GET.get("annee", "")
    year = int(raw) if raw.isdigit() and int(raw) in years else default
    scope = request.GET.get("rapports", "valides")
    if scope not in SCOPES:
        scope = "valides"
    return year, scope, SCOPES[scope], years


def national_attainment(request):
    year, scope, statuses, years = _filters(request)
    summaries = exports.indicator_summaries(request.user, year=year, statuses=statuses)
    measured = [s for s in summaries if s.mean_attainment is not None]
    title = _("Atteinte des indicateurs") if request.user.sees_national else _("Atteinte des indicateurs de la région")
    return render(
        request,
        "conventions/reports/national.html",
        {
            "title": title,
            "year": year,
            "years": years,
            "scope": scope,
            "summaries": summaries,
            "chart": attainment_bars(measured),
            "crumbs": [(_("Rapports annuels"), reverse("conventions:report_list")), (title, None)],
        },
    )


def national_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    year, scope, statuses, _years = _filters(request)
    rows = exports.value_rows(request.user, year=year, statuses=statuses)
    filename = f"indicateurs-{year}"
    if fmt == "xlsx":
        return exports.xlsx_response(rows, filename, _("Indicateurs %(year)s") % {"year": year})
    return exports.csv_response(rows, filename)
