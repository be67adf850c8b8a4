"""Per-structure indicator chart: each indicator's declared values against its targets over the years."""

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from structures.models import Structure

from ..charts import Point, display, indicator_chart
from ..enums import ReportStatus
from ..models import AnnualReport, Convention, ConventionIndicator, ReportValue, Target

DECLARED = (ReportStatus.SUBMITTED, ReportStatus.VALIDATED)


def _series(structure, user):
    conventions = list(
        Convention.objects.visible_to(user)
        .filter(structure=structure)
        .distinct()
        .order_by("start_date")
        .prefetch_related(
            Prefetch(
                "indicators",
                # Every indicator of the objectives, activity ones included when an objective gave them targets.
                queryset=ConventionIndicator.objects.filter(
                    Q(indicator__is_activity=False)
                    | Exists(Target.objects.filter(convention_indicator=OuterRef("pk")))
                )
                .select_related("indicator")
                .prefetch_related(Prefetch("targets", queryset=Target.objects.order_by("year"))),
            )
        )
    )
    reports = (
        AnnualReport.objects.visible_to(user)
        .filter(convention__structure=structure, status__in=DECLARED)
        .distinct()
        .prefetch_related(Prefetch("values", queryset=ReportValue.objects.filter(value__isnull=False)))
    )
    values = {}  # (indicator pk, year) -> (value, report status)
    for report in reports:
        for value in report.values.all():
            values[(value.indicator_id, report.year)] = (value.value, report.get_status_display())
    series = {}  # indicator pk -> (indicator, {year: Point})
    for convention in conventions:
        for line in convention.indicators.all():
            indicator, points = series.setdefault(line.indicator_id, (line.indicator, {}))
            targets = {target.year: target.value for target in line.targets.all()}
            for year in convention.years:
                value, status = values.get((line.indicator_id, year), (None, ""))
                points[year] = Point(year=year, value=value, target=targets.get(year), status=status)
    charts = []
    for indicator, points in sorted(series.values(), key=lambda item: (item[0].order, item[0].code)):
        ordered = [points[year] for year in sorted(points)]
        rows = [
            {
                "year": p.year,
                "value": display(p.value, indicator.unit),
                "target": display(p.target, indicator.unit),
                "status": p.status,
            }
            for p in ordered
        ]
        charts.append({"indicator": indicator, "chart": indicator_chart(ordered, indicator.unit), "rows": rows})
    return charts


def structure_indicators(request, structure_pk):
    structure = get_object_or_404(Structure.objects.visible_to(request.user).distinct(), pk=structure_pk)
    return render(
        request,
        "conventions/reports/structure_indicators.html",
        {
            "structure": structure,
            "charts": _series(structure, request.user),
            "crumbs": [(_("Rapports annuels"), reverse("conventions:report_list")), (structure.name, None)],
        },
    )
