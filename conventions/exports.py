"""Indicator values and attainment across structures: the rows of the national view and of its exports.

Scoped to the user (AnnualReport.objects.visible_to) and streamed: CSV for French spreadsheets (``;``, UTF-8
BOM, decimal comma) or XLSX (openpyxl write-only, spooled to a temporary file). Attainment is computed by
conventions.attainment, row by row, as on the report page.
"""

import csv
import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from django.db.models import OuterRef, Subquery
from django.http import StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from secpa_portal.core.exports import BOM, Echo, finish_sheet, neutralise, prepare_sheet, workbook_response, xlsx_cell

from .attainment import attainment
from .charts import display
from .enums import IndicatorUnit, ReportStatus
from .models import AnnualReport, ConventionIndicator, Indicator, ReportValue, Target

CENT = Decimal("0.01")
CHUNK = 2000


@dataclass
class ValueRow:
    region: str
    structure: str
    finess: str
    reference: str
    year: int
    status: str
    code: str
    label: str
    unit: str
    direction: str
    is_activity: bool
    value: Decimal | None
    baseline: Decimal | None
    target: Decimal | None
    points: Decimal | None
    comment: str

    def __post_init__(self):
        # Subquery results may come back unquantised (SQLite): every figure has two decimals, as stored.
        for name in ("value", "baseline", "target", "points"):
            figure = getattr(self, name)
            if figure is not None:
                setattr(self, name, Decimal(figure).quantize(CENT))

    @property
    def attainment(self) -> Decimal | None:
        return _attainment(self.direction, self.value, self.target, self.baseline)


def _values(user, year, statuses):
    """The scoped report values of a year, with the baseline, points and target their convention set."""
    reports = AnnualReport.objects.visible_to(user).filter(year=year, status__in=statuses)
    line = ConventionIndicator.objects.filter(
        convention_id=OuterRef("report__convention_id"), indicator_id=OuterRef("indicator_id")
    )
    target = Target.objects.filter(
        convention_indicator__convention_id=OuterRef("report__convention_id"),
        convention_indicator__indicator_id=OuterRef("indicator_id"),
        year=OuterRef("report__year"),
    )
    return ReportValue.objects.filter(report__in=reports.values("pk")).annotate(
        baseline=Subquery(line.values("baseline")[:1]),
        points=Subquery(line.values("points")[:1]),
        target=Subquery(target.values("value")[:1]),
    )


@lru_cache(maxsize=50_000)
def _attainment(direction, value, target, baseline):
    """conventions.attainment, or None when it cannot be measured (no target, target on the wrong side)."""
    if value is None or (target is None and direction != "yes_no"):
        return None
    try:
        return attainment(direction, value, target, baseline)
    except ValueError:
        return None


def value_rows(user, *, year: int, statuses):
    """Every indicator value of the reports of ``year`` in ``statuses`` the user may see, in one query."""
    queryset = (
        _values(user, year, statuses)
        .order_by(
            "report__convention__structure__region__name",
            "report__convention__structure__name",
            "report_id",
            "indicator__order",
            "indicator__code",
        )
        .values_list(
            "report__convention__structure__region__name",
            "report__convention__structure__name",
            "report__convention__structure__finess_et",
            "report__convention__reference",
            "report__year",
            "report__status",
            "indicator__code",
            "indicator__label",
            "indicator__unit",
            "indicator__direction",
            "indicator__is_activity",
            "value",
            "baseline",
            "target",
            "points",
            "comment",
        )
    )
    for values in queryset.iterator(chunk_size=CHUNK):
        yield ValueRow(*values[:2], values[2] or "", *values[3:])


HEADERS = [
    _("Région"),
    _("Structure"),
    _("FINESS"),
    _("Convention"),
    _("Année"),
    _("Statut du rapport"),
    _("Code indicateur"),
    _("Indicateur"),
    _("Unité"),
    _("Valeur déclarée"),
    _("Valeur de référence"),
    _("Cible"),
    _("Points"),
    _("Atteinte (%)"),
    _("Commentaire"),
]


WIDTHS = [18, 40, 12, 20, 8, 16, 24, 50, 12, 14, 14, 10, 8, 12, 40]


def _percent(value):
    return None if value is None else (value * 100).quantize(Decimal("0.1"))


def row_values():
    """A function giving a row's cells; labels are translated once per export, not once per row."""
    statuses = {key: str(label) for key, label in ReportStatus.choices}
    units = {key: str(label) for key, label in IndicatorUnit.choices}

    def values(r: ValueRow) -> list:
        return [
            r.region or "",
            r.structure,
            r.finess,
            r.reference,
            r.year,
            statuses.get(r.status, r.status),
            r.code,
            r.label,
            units.get(r.unit, r.unit),
            r.value,
            r.baseline,
            r.target,
            None if r.is_activity else r.points,
            _percent(r.attainment),
            r.comment,
        ]

    return values


def csv_value(value) -> str:
    kind = type(value)
    if kind is str:
        return neutralise(value)
    if value is None:
        return ""
    if kind is Decimal:
        return format(value, "f").replace(".", ",")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if kind is int:
        return str(value)
    return neutralise(str(value))


def stream_csv(rows):
    writer = csv.writer(Echo(), delimiter=";", lineterminator="\r\n")
    values = row_values()
    yield BOM + writer.writerow([str(header) for header in HEADERS])
    for row in rows:
        yield writer.writerow([csv_value(cell) for cell in values(row)])


def csv_response(rows, filename):
    response = StreamingHttpResponse(stream_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(rows, filename, title):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(title)[:31])
    values = row_values()
    prepare_sheet(sheet, HEADERS, WIDTHS)
    count = 0
    for row in rows:
        sheet.append([xlsx_cell(sheet, cell) for cell in values(row)])
        count += 1
    finish_sheet(sheet, len(HEADERS), count)
    return workbook_response(workbook, filename)


@dataclass
class IndicatorSummary:
    code: str
    label: str
    unit: str
    reports: int = 0
    total: Decimal = Decimal("0")
    measured: int = 0
    attainment_total: Decimal = Decimal("0")
    met: int = 0

    @property
    def mean_value(self):
        return (self.total / self.reports).quantize(Decimal("0.01")) if self.reports else None

    @property
    def display_mean(self) -> str:
        return display(self.mean_value, self.unit)

    @property
    def mean_attainment(self):
        return (self.attainment_total / self.measured).quantize(Decimal("0.0001")) if self.measured else None

    @property
    def met_share(self):
        return (Decimal(self.met) / self.measured).quantize(Decimal("0.0001")) if self.measured else None


def indicator_summaries(user, *, year: int, statuses) -> list[IndicatorSummary]:
    """Per indicator: reports with a value, mean value, mean attainment and how many met their target.

    Two queries (the catalogue, then only the figures); attainment is asked of conventions.attainment.
    """
    catalogue = {indicator.pk: indicator for indicator in Indicator.objects.all()}
    rows = (
        _values(user, year, statuses)
        .filter(value__isnull=False)
        .order_by()
        .values_list("indicator_id", "value", "target", "baseline")
    )
    summaries = {}
    for indicator_id, value, target, baseline in rows.iterator(chunk_size=CHUNK):
        indicator = catalogue[indicator_id]
        summary = summaries.get(indicator_id)
        if summary is None:
            summary = IndicatorSummary(code=indicator.code, label=indicator.label, unit=indicator.unit)
            summaries[indicator_id] = summary
        summary.reports += 1
        summary.total += value
        achieved = _attainment(indicator.direction, value, _cent(target), _cent(baseline))
        if achieved is not None:
            summary.measured += 1
            summary.attainment_total += achieved
            summary.met += achieved == 1
    return sorted(summaries.values(), key=lambda s: (s.mean_attainment is None, s.label))


def _cent(figure):
    return None if figure is None else Decimal(figure).quantize(CENT)
