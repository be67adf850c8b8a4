"""Where a dotation's figures come from: the latest validated annual report, else the registration figures.

A snapshot is plain JSON (decimals as strings) stored on the dotation, so that a later report, a corrected
team or a new barème never changes what an approved dotation was computed from.

FTE: a category absent from a source that lists some FTE counts as 0 (the team or the report is the whole
staff); a source with no FTE at all is missing every category the barème needs. Activity figures left
empty are missing: the engine lists them, never a silent zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Prefetch, Subquery, prefetch_related_objects

from conventions.enums import ReportStatus
from conventions.models import AnnualReport, Convention, ReportValue
from secpa_portal.core.formats import date_fr, format_number
from structures.enums import ActivityFigure, ProfessionalCategory, StructureStatus

from .engine import Basis, Inputs

SOURCE_REPORT = "report"
SOURCE_REGISTRATION = "registration"


@dataclass(frozen=True)
class Snapshot:
    source: str
    label: str
    fte: dict[str, Decimal]
    activity: dict[str, Decimal]
    report_id: int | None = None

    def with_zero_fte(self, bareme) -> Snapshot:
        """Categories the barème needs and the source omits count as 0, when the source lists any FTE."""
        if not self.fte:
            return self
        fte = dict(self.fte)
        for component in bareme.components:
            if component.basis == Basis.PER_FTE:
                fte.setdefault(component.key, Decimal("0"))
        return Snapshot(self.source, self.label, fte, self.activity, self.report_id)

    def engine_inputs(self) -> Inputs:
        return Inputs(
            fte=self.fte,
            activity=self.activity,
            patientele_mt=self.activity.get(ActivityFigure.PATIENTELE_MT.value),
            precarity_share=self.activity.get(ActivityFigure.PRECARITY_SHARE.value),
        )

    def as_json(self) -> dict:
        return {
            "source": self.source,
            "label": self.label,
            "report_id": self.report_id,
            "fte": {key: str(value) for key, value in sorted(self.fte.items())},
            "activity": {key: str(value) for key, value in sorted(self.activity.items())},
        }


def snapshot_from_json(data: dict) -> Snapshot:
    """The snapshot stored on a dotation (``Snapshot.as_json``), back as a Snapshot."""
    return Snapshot(
        source=data.get("source", ""),
        label=data.get("label", ""),
        fte={key: Decimal(value) for key, value in (data.get("fte") or {}).items()},
        activity={key: Decimal(value) for key, value in (data.get("activity") or {}).items()},
        report_id=data.get("report_id"),
    )


def _decimals(mapping) -> dict[str, Decimal]:
    return {str(getattr(k, "value", k)): Decimal(str(v)) for k, v in mapping.items() if v is not None}


def _from_report(report: AnnualReport) -> Snapshot:
    fte, activity = report.activity_inputs()
    validated = date_fr(report.validated_at) if report.validated_at else "—"
    return Snapshot(
        SOURCE_REPORT,
        f"rapport annuel {report.year}, validé le {validated}",
        _decimals(fte),
        _decimals(activity),
        report.pk,
    )


def _from_registration(structure) -> Snapshot:
    fte: dict[str, Decimal] = {}
    for line in structure.team_lines.all():
        fte[line.category] = fte.get(line.category, Decimal("0")) + line.fte
    return Snapshot(
        SOURCE_REGISTRATION,
        "chiffres déclarés à l'enregistrement de la structure",
        fte,
        _decimals(structure.declared_figures()),
    )


def _in_force(year: int):
    return Convention.objects.active().filter(
        start_date__year__lte=year, end_date__year__gte=year, structure__region__isnull=False
    )


def ineligible_conventions_for_year(year: int):
    """Active conventions in force in ``year`` whose structure is no longer eligible (declared non éligible, or
    back in review): computing skips them, the campaign page lists them."""
    return (
        _in_force(year)
        .exclude(structure__status=StructureStatus.ELIGIBLE)
        .select_related("structure", "structure__region")
        .order_by("structure__name", "pk")
    )


def conventions_for_year(year: int):
    """Active conventions in force at some point of ``year`` whose structure is eligible, with their structure and
    latest validated report. Only eligible structures are funded (issue 9)."""
    latest = (
        AnnualReport.objects.filter(convention=OuterRef("pk"), status=ReportStatus.VALIDATED, year__lt=year)
        .order_by("-year")
        .values("pk")[:1]
    )
    return (
        _in_force(year)
        .filter(structure__status=StructureStatus.ELIGIBLE)
        .annotate(latest_report_id=Subquery(latest))
        .select_related("structure")
        .order_by("pk")
    )


def gather(conventions: list[Convention]) -> dict[int, Snapshot]:
    """Snapshots keyed by convention id, in a fixed number of queries for any number of conventions.

    ``conventions`` come from :func:`conventions_for_year` (annotated with ``latest_report_id``).
    """
    report_ids = [c.latest_report_id for c in conventions if c.latest_report_id]
    reports = {}
    if report_ids:
        values = Prefetch("values", queryset=ReportValue.objects.select_related("indicator"))
        for report in AnnualReport.objects.filter(pk__in=report_ids).prefetch_related("fte_lines", values):
            reports[report.pk] = report
    without_report = [c.structure for c in conventions if c.latest_report_id not in reports]
    if without_report:
        prefetch_related_objects(without_report, "team_lines")
    snapshots = {}
    for convention in conventions:
        report = reports.get(convention.latest_report_id)
        snapshots[convention.pk] = _from_report(report) if report else _from_registration(convention.structure)
    return snapshots


def _shown(value: str, places: int | None = None) -> str:
    number = Decimal(value)
    if places is None:
        places = 0 if number == number.to_integral_value() else 2
    return format_number(number, places)


def snapshot_rows(inputs: dict) -> list[tuple[str, str, str]]:
    """(group, label, value shown the French way) rows of a stored snapshot, for the dotation page."""
    rows = []
    categories = dict(ProfessionalCategory.choices)
    figures = dict(ActivityFigure.choices)
    for key, value in (inputs.get("fte") or {}).items():
        rows.append(("ETP", str(categories.get(key, key)), _shown(value, 2)))
    for key, value in (inputs.get("activity") or {}).items():
        shown = _shown(value) + (" %" if key == ActivityFigure.PRECARITY_SHARE else "")
        rows.append(("Activité", str(figures.get(key, key)), shown))
    return rows


def latest_validated_report(structure_ref="pk"):
    """Subquery: the pk of the structure's latest validated annual report (any of its conventions), for
    :func:`gather_structures`. Projections (issue 13) read structures, not conventions."""
    return Subquery(
        AnnualReport.objects.filter(convention__structure=OuterRef(structure_ref), status=ReportStatus.VALIDATED)
        .order_by("-year", "-pk")
        .values("pk")[:1]
    )


def gather_structures(structures) -> dict[int, Snapshot]:
    """Snapshots keyed by structure id (latest validated report, else the registration figures), like
    :func:`gather` for conventions and in the same fixed number of queries: ``structures`` carry
    ``latest_report_id`` (annotate with :func:`latest_validated_report`)."""
    report_ids = [s.latest_report_id for s in structures if s.latest_report_id]
    reports = {}
    if report_ids:
        values = Prefetch("values", queryset=ReportValue.objects.select_related("indicator"))
        for report in AnnualReport.objects.filter(pk__in=report_ids).prefetch_related("fte_lines", values):
            reports[report.pk] = report
    without_report = [s for s in structures if s.latest_report_id not in reports]
    if without_report:
        prefetch_related_objects(without_report, "team_lines")
    return {
        s.pk: _from_report(reports[s.latest_report_id]) if s.latest_report_id in reports else _from_registration(s)
        for s in structures
    }
