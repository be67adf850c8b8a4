"""Where a dotation's figures come from: the latest validated annual report, else the registration figures.

A snapshot is plain JSON (decimals as strings) stored on the dotation, so that a later report, a corrected
team or a new barème never changes what an approved dotation was computed from.

FTE: a category absent from a source that lists some FTE counts as 0 (the team or the report is the whole
staff); a source with no FTE at all is missing every category the barème needs. Activity figures left
empty are missing: the engine lists them, never a silent zero.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Subquery

from conventions.enums import ReportStatus
from conventions.models import AnnualReport, Convention, ReportFte, ReportValue
from secpa_portal.core.formats import date_fr, format_number
from structures.enums import ActivityFigure, ProfessionalCategory, StructureStatus
from structures.models import Structure, TeamLine

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


def _report_snapshot(report_id: int, year: int, validated_at, fte: dict, activity: dict) -> Snapshot:
    validated = date_fr(validated_at) if validated_at else "—"
    return Snapshot(
        SOURCE_REPORT,
        f"rapport annuel {year}, validé le {validated}",
        _decimals(fte),
        _decimals(activity),
        report_id,
    )


def _registration_snapshot(structure: Structure, team: list[tuple[str, Decimal]]) -> Snapshot:
    fte: dict[str, Decimal] = {}
    for category, value in team:
        fte[category] = fte.get(category, Decimal("0")) + value
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


@dataclass(frozen=True)
class ConventionRow:
    """What computing a dotation reads of a convention: values, not a model instance (``coverage`` reads the
    dates)."""

    pk: int
    structure_id: int
    region_id: str
    start_date: datetime.date
    end_date: datetime.date
    terminated_at: datetime.datetime | None
    terminated_on: datetime.date | None  # the last day in force a termination chose (``report_rules.last_day``)
    latest_report_id: int | None
    declared: dict  # the structure's declared figures (``DECLARED_FIELDS``), read in the same query


# The registration figures a snapshot reads (``Structure.declared_figures``).
DECLARED_FIELDS = [field.name for field in Structure._meta.concrete_fields if field.name.startswith("declared_")]


def convention_rows(year: int) -> list[ConventionRow]:
    """:func:`conventions_for_year` as :class:`ConventionRow` values, in one query."""
    fields = ["pk", "structure_id", "structure__region_id", "start_date", "end_date", "terminated_at", "terminated_on"]
    declared = [f"structure__{name}" for name in DECLARED_FIELDS]
    return [
        ConventionRow(*row[: len(fields)], row[-1], dict(zip(DECLARED_FIELDS, row[len(fields) : -1], strict=True)))
        for row in conventions_for_year(year).values_list(*fields, *declared, "latest_report_id")
    ]


def row_of(convention) -> ConventionRow:
    """A convention of :func:`conventions_for_year` (a model instance, its structure selected) as the values
    :func:`gather` reads, for callers that also show the instance (the consultation's projected effect)."""
    structure = convention.structure
    return ConventionRow(
        convention.pk,
        convention.structure_id,
        structure.region_id,
        convention.start_date,
        convention.end_date,
        convention.terminated_at,
        convention.terminated_on,
        convention.latest_report_id,
        {name: getattr(structure, name) for name in DECLARED_FIELDS},
    )


def gather(conventions: list[ConventionRow]) -> dict[int, Snapshot]:
    """Snapshots keyed by convention id, in at most four queries for any number of conventions, read as values:
    the reports' dates, FTE and activity figures (only the values an indicator maps to a figure), and for the
    conventions without a validated report, their structure's team (its declared figures come with the row).

    ``conventions``: :class:`ConventionRow` of :func:`convention_rows` — only those to be (re)computed.
    """
    sources = _Sources.read(
        {c.latest_report_id for c in conventions if c.latest_report_id},
        lambda reports: {c.structure_id for c in conventions if c.latest_report_id not in reports},
    )
    return {
        c.pk: sources.snapshot(c.latest_report_id, c.structure_id, lambda c=c: Structure(**c.declared))
        for c in conventions
    }


@dataclass
class _Sources:
    """The values snapshots are made of, read in at most four queries: validated reports (year, validation
    date), their FTE and activity figures, and the teams of the structures without such a report."""

    reports: dict[int, tuple]
    fte: dict[int, dict]
    activity: dict[int, dict]
    teams: dict[int, list]

    @classmethod
    def read(cls, report_ids, structures_without_report) -> _Sources:
        """``structures_without_report(reports)``: the structure ids to read the team of, once the reports that
        exist are known."""
        report_ids = sorted(report_ids)
        reports, fte, activity = {}, {}, {}
        if report_ids:
            reports = {
                pk: (year, validated_at)
                for pk, year, validated_at in AnnualReport.objects.filter(pk__in=report_ids).values_list(
                    "pk", "year", "validated_at"
                )
            }
            for report_id, category, value in ReportFte.objects.filter(report_id__in=report_ids).values_list(
                "report_id", "category", "fte"
            ):
                fte.setdefault(report_id, {})[category] = value
            figures = (
                ReportValue.objects.filter(report_id__in=report_ids, value__isnull=False)
                .exclude(indicator__activity_figure="")
                .values_list("report_id", "indicator__activity_figure", "value")
            )
            for report_id, figure, value in figures:
                activity.setdefault(report_id, {})[figure] = value
        structure_ids = sorted(structures_without_report(reports))
        teams: dict[int, list] = {}
        if structure_ids:
            for structure_id, category, value in (
                TeamLine.objects.filter(structure_id__in=structure_ids)
                .order_by("pk")
                .values_list("structure_id", "category", "fte")
            ):
                teams.setdefault(structure_id, []).append((category, value))
        return cls(reports, fte, activity, teams)

    def snapshot(self, report_id, structure_id, structure) -> Snapshot:
        """The report's snapshot if it was read, else the registration's (``structure()``: the structure with its
        declared figures, built only then)."""
        if report_id in self.reports:
            year, validated_at = self.reports[report_id]
            return _report_snapshot(
                report_id, year, validated_at, self.fte.get(report_id, {}), self.activity.get(report_id, {})
            )
        return _registration_snapshot(structure(), self.teams.get(structure_id, []))


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
    :func:`gather` for conventions and in the same fixed number of queries, read as values: ``structures`` carry
    ``latest_report_id`` (annotate with :func:`latest_validated_report`) and their declared figures."""
    sources = _Sources.read(
        {s.latest_report_id for s in structures if s.latest_report_id},
        lambda reports: {s.pk for s in structures if s.latest_report_id not in reports},
    )
    return {s.pk: sources.snapshot(s.latest_report_id, s.pk, lambda s=s: s) for s in structures}
