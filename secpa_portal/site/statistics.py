"""Public statistics and open data (issue 13 §2): aggregates only, never a person, and no figure below the
national level that rests on fewer than ``SMALL_COUNT`` structures (statistical secrecy).

Every table is computed in one aggregate query; the public page and the CSV files read the same functions.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from conventions.enums import ConventionStatus, ReportStatus
from conventions.models import Convention, ReportValue
from dotations.enums import DotationStatus, PaymentStatus
from dotations.models import Dotation, Payment
from secpa_portal.reference.models import Region
from structures.enums import ActivityFigure, ProfessionalCategory, StructureStatus
from structures.models import Structure, TeamLine

SMALL_COUNT = 3
CENT = Decimal("0.01")
PUBLIC_STATUSES = [s for s in StructureStatus.values if s != StructureStatus.DRAFT]


@dataclass
class Cell:
    """A published figure and how many structures it rests on; ``hidden`` when it must not be published."""

    value: object
    structures: int
    hidden: bool = False

    @property
    def shown(self):
        return None if self.hidden else self.value


def suppress(cells: list[Cell]) -> list[Cell]:
    """Hide the cells resting on 1 or 2 structures; if only one is hidden, hide the next smallest too, so that
    the national total minus the published cells never gives it away."""
    for cell in cells:
        cell.hidden = 0 < cell.structures < SMALL_COUNT
    hidden = [c for c in cells if c.hidden]
    if len(hidden) == 1:
        shown = [c for c in cells if not c.hidden and c.structures]
        visible = sorted(shown, key=lambda c: (c.structures, str(c.value)))
        if visible:
            visible[0].hidden = True
    return cells


@dataclass
class RegionRow:
    code: str
    name: str
    structures: Cell
    under_convention: Cell


def structures_by_region() -> list[RegionRow]:
    """Per region: structures whose file was deposited, and those with a convention in force."""
    counts = (
        Structure.objects.filter(status__in=PUBLIC_STATUSES, region__isnull=False)
        .values("region")
        .annotate(
            n=Count("pk", distinct=True),
            active=Count("pk", distinct=True, filter=Q(conventions__status=ConventionStatus.ACTIVE)),
        )
        .order_by()
    )
    by_region = {row["region"]: row for row in counts}
    rows = [
        RegionRow(
            region.code,
            region.name,
            Cell(by_region.get(region.code, {}).get("n", 0), by_region.get(region.code, {}).get("n", 0)),
            Cell(by_region.get(region.code, {}).get("active", 0), by_region.get(region.code, {}).get("active", 0)),
        )
        for region in Region.objects.order_by("code")
    ]
    suppress([r.structures for r in rows])
    suppress([r.under_convention for r in rows])
    return rows


def structures_by_status() -> list[tuple[str, int]]:
    """National counts per status (drafts are not published)."""
    counts = dict(
        Structure.objects.filter(status__in=PUBLIC_STATUSES).values_list("status").annotate(n=Count("pk")).order_by()
    )
    return [(str(StructureStatus(s).label), counts.get(s, 0)) for s in PUBLIC_STATUSES]


def staff_by_category() -> list[tuple[str, Decimal, int]]:
    """National FTE per professional category in the teams of eligible structures: (label, FTE, structures)."""
    rows = (
        TeamLine.objects.filter(structure__status=StructureStatus.ELIGIBLE, fte__gt=0)
        .values("category")
        .annotate(fte=Sum("fte"), structures=Count("structure", distinct=True))
        .order_by()
    )
    found = {row["category"]: row for row in rows}
    return [
        (str(label), Decimal(found[code]["fte"]).quantize(Decimal("0.01")), found[code]["structures"])
        for code, label in ProfessionalCategory.choices
        if code in found
    ]


@dataclass
class FundingYear:
    year: int
    approved: Decimal = CENT * 0
    paid: Decimal = CENT * 0
    structures: int = 0
    regions: list = field(default_factory=list)  # (code, name, Cell approved, Cell paid)


def funding_by_year_and_region() -> list[FundingYear]:
    """Approved dotations and paid amounts per campaign year, nationally and per region (secrecy applied)."""
    approved = (
        Dotation.objects.filter(status=DotationStatus.APPROVED)
        .values("campaign__year", "region_id", "region__name")
        .annotate(total=Sum("total"), structures=Count("structure", distinct=True))
        .order_by()
    )
    paid = dict(
        ((row["dotation__campaign__year"], row["dotation__region_id"]), row["total"])
        for row in Payment.objects.filter(status=PaymentStatus.PAID)
        .values("dotation__campaign__year", "dotation__region_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    years: dict[int, FundingYear] = {}
    for row in approved:
        year = years.setdefault(row["campaign__year"], FundingYear(row["campaign__year"]))
        total = Decimal(row["total"] or 0).quantize(CENT)
        paid_here = Decimal(paid.get((year.year, row["region_id"])) or 0).quantize(CENT)
        year.approved += total
        year.paid += paid_here
        year.structures += row["structures"]
        year.regions.append(
            (row["region_id"], row["region__name"], Cell(total, row["structures"]), Cell(paid_here, row["structures"]))
        )
    for year in years.values():
        year.regions.sort(key=lambda r: r[0])
        suppress([r[2] for r in year.regions])
        suppress([r[3] for r in year.regions])
        for _code, _name, approved_cell, paid_cell in year.regions:
            paid_cell.hidden = paid_cell.hidden or approved_cell.hidden
    return [years[y] for y in sorted(years)]


ACTIVITY = {
    ActivityFigure.FILE_ACTIVE: "file_active",
    ActivityFigure.PRECARITY_SHARE: "precarity_share",
    ActivityFigure.PARTICIPATORY_ACTIONS: "participatory_actions",
    ActivityFigure.PARTICIPANTS: "participants",
    ActivityFigure.INTERPRETING_HOURS: "interpreting_hours",
    ActivityFigure.MEDIATION_ACTS: "mediation_acts",
}


@dataclass
class ActivityYear:
    year: int
    reports: int = 0
    file_active: Decimal = CENT * 0
    precarity_weighted: Decimal = Decimal("0")
    precarity_base: Decimal = Decimal("0")
    participatory_actions: Decimal = CENT * 0
    participants: Decimal = CENT * 0
    interpreting_hours: Decimal = CENT * 0
    mediation_acts: Decimal = CENT * 0

    @property
    def precarity_share(self):
        """The share of C2S + AME patients over all validated reports, weighted by each structure's file active."""
        if not self.precarity_base:
            return None
        return (self.precarity_weighted / self.precarity_base).quantize(Decimal("0.1"))


def activity_by_year() -> list[ActivityYear]:
    """National activity declared in validated annual reports, per year (one query)."""
    rows = (
        ReportValue.objects.filter(
            report__status=ReportStatus.VALIDATED,
            indicator__activity_figure__in=list(ACTIVITY),
            value__isnull=False,
        )
        .values_list("report_id", "report__year", "indicator__activity_figure", "value")
        .order_by()
    )
    per_report: dict[int, dict] = defaultdict(dict)
    years_of: dict[int, int] = {}
    for report_id, year, figure, value in rows:
        per_report[report_id][figure] = Decimal(value).quantize(CENT)
        years_of[report_id] = year
    years: dict[int, ActivityYear] = {}
    for report_id, figures in per_report.items():
        year = years.setdefault(years_of[report_id], ActivityYear(years_of[report_id]))
        year.reports += 1
        file_active = figures.get(ActivityFigure.FILE_ACTIVE, Decimal("0"))
        year.file_active += file_active
        if ActivityFigure.PRECARITY_SHARE in figures and file_active:
            year.precarity_weighted += figures[ActivityFigure.PRECARITY_SHARE] * file_active
            year.precarity_base += file_active
        for figure, attribute in ACTIVITY.items():
            if figure not in (ActivityFigure.FILE_ACTIVE, ActivityFigure.PRECARITY_SHARE):
                setattr(year, attribute, getattr(year, attribute) + figures.get(figure, Decimal("0")))
    return [years[y] for y in sorted(years) if years[y].reports >= SMALL_COUNT]


def national_totals() -> dict:
    return {
        "structures": Structure.objects.filter(status__in=PUBLIC_STATUSES).count(),
        "eligible": Structure.objects.filter(status=StructureStatus.ELIGIBLE).count(),
        "under_convention": Convention.objects.filter(status=ConventionStatus.ACTIVE).count(),
    }


SECRET = _("secret statistique")
