"""Reads about annual reports: their lines with attainment, the reports a manager may open, national figures.

Attainment itself is computed by conventions.attainment (the one tested place); this module only gathers the
value, target, baseline and points of each indicator and asks it.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from secpa_portal.core import aggregates

from .attainment import attainment, weighted_attainment
from .charts import display
from .enums import ConventionStatus, ReportStatus
from .models import AnnualReport, Convention, ConventionIndicator, Indicator, ReportFte, ReportValue, Target
from .perms.reports import EDITABLE_STATUSES, REPORTABLE_CONVENTION_STATUSES

ZERO = Decimal("0")


@dataclass
class ReportLine:
    """One indicator of a report, as the report page and the validation page show it."""

    indicator: Indicator
    objective: str
    value: Decimal | None
    comment: str
    baseline: Decimal | None
    target: Decimal | None
    points: Decimal
    attainment: Decimal | None  # None: not measured (no points, or no target and value)
    problem: str = ""
    previous: Decimal | None = None  # the structure's value the year before, for comparison

    @property
    def weighted(self) -> bool:
        return self.points > 0

    @property
    def display_value(self) -> str:
        return display(self.value, self.indicator.unit)

    @property
    def display_baseline(self) -> str:
        return display(self.baseline, self.indicator.unit)

    @property
    def display_target(self) -> str:
        return display(self.target, self.indicator.unit)

    @property
    def display_previous(self) -> str:
        return display(self.previous, self.indicator.unit)


def report_for_page(queryset, pk):
    """The report with everything its pages read, in a bounded number of queries."""
    return queryset.select_related("convention", "convention__structure", "convention__structure__region").get(pk=pk)


def expected_indicators(convention) -> list:
    """The convention's indicators (with objective, baseline, points and targets), then any activity indicator
    of the catalogue the convention does not follow yet (the barème reads them from every report)."""
    lines = list(
        ConventionIndicator.objects.filter(convention=convention)
        .select_related("indicator", "objective")
        .prefetch_related(Prefetch("targets", queryset=Target.objects.order_by("year")))
        .order_by("-indicator__is_activity", "objective__order", "indicator__order", "pk")
    )
    followed = {line.indicator_id for line in lines}
    for indicator in Indicator.objects.active().activity().exclude(pk__in=followed):
        lines.append(ConventionIndicator(convention=convention, indicator=indicator, points=ZERO))
    return lines


def _target(line, year):
    if line.pk is None:
        return None
    return next((target.value for target in line.targets.all() if target.year == year), None)


def with_previous_year(report, lines: list[ReportLine]) -> list[ReportLine]:
    """Add the structure's value of the year before to each line (one query), for the pages that compare."""
    previous = dict(
        ReportValue.objects.filter(
            report__convention__structure_id=report.convention.structure_id, report__year=report.year - 1
        ).values_list("indicator_id", "value")
    )
    for line in lines:
        line.previous = previous.get(line.indicator.pk)
    return lines


def report_lines(report) -> list[ReportLine]:
    values = {value.indicator_id: value for value in report.values.all()}
    rows = []
    for line in expected_indicators(report.convention):
        stored = values.get(line.indicator_id)
        value = stored.value if stored else None
        target = _target(line, report.year)
        row = ReportLine(
            indicator=line.indicator,
            objective=line.objective.title if line.objective_id else "",
            value=value,
            comment=stored.comment if stored else "",
            baseline=line.baseline,
            target=target,
            points=line.points or ZERO,
            attainment=None,
        )
        if row.weighted or target is not None:
            try:
                row.attainment = attainment(line.indicator.direction, value, target, line.baseline)
            except ValueError as error:
                row.problem = str(error)
                row.attainment = ZERO if row.weighted else None
        rows.append(row)
    return rows


def report_weighted_attainment(lines: list[ReportLine]) -> Decimal:
    """Σ attainment × points / Σ points over the weighted indicators; a missing value or target counts as 0."""
    return weighted_attainment((line.attainment or ZERO, line.points) for line in lines if line.weighted)


def fte_by_category(report) -> dict:
    return {line.category: line.fte for line in ReportFte.objects.filter(report=report)}


def values_prefetch():
    return Prefetch("values", queryset=ReportValue.objects.select_related("indicator"))


def reports_to_open(user, today: datetime.date | None = None) -> list[tuple[Convention, int]]:
    """(convention, year) pairs a manager may open: years of their reportable conventions up to this year."""
    today = today or timezone.localdate()
    if not (user.is_authenticated and user.is_manager):
        return []
    conventions = (
        Convention.objects.visible_to(user)
        .filter(status__in=REPORTABLE_CONVENTION_STATUSES, start_date__year__lte=today.year)
        .select_related("structure")
        .prefetch_related(Prefetch("reports", queryset=AnnualReport.objects.only("pk", "year", "convention_id")))
        .distinct()
        .order_by("structure__name", "start_date")
    )
    pairs = []
    for convention in conventions:
        opened = {report.year for report in convention.reports.all()}
        for year in reportable_years(convention, today):
            if year not in opened:
                pairs.append((convention, year))
    return pairs


def reportable_years(convention, today: datetime.date) -> list[int]:
    last = today.year
    if convention.status == ConventionStatus.TERMINATED and convention.terminated_at:
        last = min(last, convention.terminated_at.year)
    return [year for year in convention.years if year <= last]


def dashboard_reports(user) -> dict:
    """The annual report part of the conventions dashboard: one aggregate and one short list, whatever the volume."""
    today = timezone.localdate()
    visible = AnnualReport.objects.visible_to(user)
    counts = aggregates.cached(
        "reports.counts",
        aggregates.scope(user),
        lambda: visible.aggregate(
            to_file=Count("pk", filter=Q(status__in=EDITABLE_STATUSES)),
            returned=Count("pk", filter=Q(status=ReportStatus.RETURNED)),
            to_validate=Count("pk", filter=Q(status=ReportStatus.SUBMITTED)),
            late=Count("pk", filter=Q(status__in=EDITABLE_STATUSES, due_date__lt=today)),
            validated=Count("pk", filter=Q(status=ReportStatus.VALIDATED)),
        ),
    )
    shown = visible.select_related("convention__structure").order_by("due_date", "pk")
    if user.is_manager:
        waiting = list(shown.filter(status__in=EDITABLE_STATUSES)[:10])
        return {"counts": counts, "waiting": waiting, "to_open": reports_to_open(user, today)}
    # Oldest first, read in that order by the index « report_to_validate_order »; only the fields the list shows.
    waiting = shown.filter(status=ReportStatus.SUBMITTED).order_by("submitted_at", "pk")
    waiting = list(waiting.only("year", "submitted_at", "convention__structure__name")[:10])
    return {"counts": counts, "waiting": waiting, "to_open": []}
