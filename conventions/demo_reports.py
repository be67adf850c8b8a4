"""Demo annual reports for ``manage.py seed_demo`` (after conventions.demo): two years per convention in force.

Built through the services: a manager of the structure opens the report (pre-filled from the year before),
fills it and files it; the ARS agent of the region validates or returns it. States vary from one structure to
the next so that every list, badge and dashboard tile has something to show. A report that exists is left as
it is (idempotent).

A year-N report is filed from 1 January N+1 (``report_rules.filing_too_early``): a year that is not over yet gets
a draft, whatever its plan says, so seeding on 4 December 2026 gives 2025 reports in every state and 2026 drafts.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from secpa_portal.accounts.enums import Role
from structures.enums import ActivityFigure

from .enums import IndicatorDirection, IndicatorUnit, ReportStatus
from .models import AnnualReport, Convention
from .report_rules import filing_too_early
from .report_selectors import expected_indicators, reportable_years
from .services import reports as services

# Per position of the convention (cycled): the state of its first and second year's report (None: not opened).
PLAN = [
    (ReportStatus.VALIDATED, ReportStatus.SUBMITTED),
    (ReportStatus.VALIDATED, ReportStatus.DRAFT),
    (ReportStatus.SUBMITTED, None),
    (ReportStatus.RETURNED, None),
    (ReportStatus.VALIDATED, ReportStatus.RETURNED),
    (ReportStatus.VALIDATED, ReportStatus.VALIDATED),
]
# How far each structure got from its baseline to its target, by position (cycled).
PROGRESS = [Decimal(x) for x in ("1.10", "0.85", "0.60", "1.00", "0.40", "0.95", "0.75")]
RETURN_REASON = (
    "La file active déclarée est inférieure à la patientèle médecin traitant de l'an dernier : "
    "merci de vérifier ces deux chiffres et de justifier l'écart en commentaire."
)


def _activity(structure_index: int, year_index: int) -> dict:
    grow = Decimal(1) + Decimal("0.06") * year_index
    base = Decimal(1800 + 173 * (structure_index % 9))
    file_active = (base * grow).quantize(Decimal(1))
    return {
        ActivityFigure.FILE_ACTIVE: file_active,
        ActivityFigure.PATIENTELE_MT: (file_active * Decimal("0.62")).quantize(Decimal(1)),
        ActivityFigure.PRECARITY_SHARE: Decimal(28 + 4 * (structure_index % 7)) + Decimal("0.5"),
        ActivityFigure.INTERPRETING_HOURS: (Decimal(260 + 35 * (structure_index % 6)) * grow).quantize(Decimal("0.5")),
        ActivityFigure.MEDIATION_ACTS: (Decimal(480 + 45 * (structure_index % 8)) * grow).quantize(Decimal(1)),
        ActivityFigure.PSY_SESSIONS: (Decimal(350 + 30 * (structure_index % 5)) * grow).quantize(Decimal(1)),
        ActivityFigure.PARTICIPATORY_ACTIONS: Decimal(10 + structure_index % 6 + 2 * year_index),
        ActivityFigure.PARTICIPANTS: Decimal(160 + 20 * (structure_index % 6) + 30 * year_index),
    }


def _objective_value(line, year, progress):
    indicator = line.indicator
    if indicator.direction == IndicatorDirection.YES_NO:
        return Decimal(1) if progress >= Decimal("0.6") else Decimal(0)
    target = next((t.value for t in line.targets.all() if t.year == year), None)
    baseline = line.baseline if line.baseline is not None else Decimal(0)
    if target is None:
        return baseline
    value = baseline + (target - baseline) * progress
    if indicator.unit == IndicatorUnit.PERCENT:
        value = min(Decimal(100), max(Decimal(0), value))
    places = Decimal(1) if indicator.unit in (IndicatorUnit.COUNT, IndicatorUnit.DAYS) else Decimal("0.1")
    return max(Decimal(0), value).quantize(places, rounding=ROUND_HALF_UP)


def _fill(report, manager, structure_index, year_index):
    activity = _activity(structure_index, year_index)
    progress = PROGRESS[(structure_index + year_index) % len(PROGRESS)]
    values, comments = {}, {}
    for line in expected_indicators(report.convention):
        indicator = line.indicator
        if indicator.activity_figure:
            values[indicator.pk] = activity.get(indicator.activity_figure, Decimal(0))
        else:
            values[indicator.pk] = _objective_value(line, report.year, progress)
            if progress < Decimal("0.7") and line.points:
                comments[indicator.pk] = "Départ d'un professionnel en cours d'année : recrutement en cours."
    fte = {line.category: line.fte for line in report.convention.structure.team_lines.all()}
    services.report_save(report=report, user=manager, values=values, comments=comments, fte=fte or {"other": 1})


def _ars_agent(structure):
    users = get_user_model().objects.filter(role=Role.ARS_AGENT, region_id=structure.region_id, is_active=True)
    return users.order_by("pk").first()


def _report(convention, year, state, manager, ars, structure_index, year_index):
    report = services.report_open(convention=convention, year=year, user=manager)
    _fill(report, manager, structure_index, year_index)
    if state == ReportStatus.DRAFT or filing_too_early(report, timezone.localdate()):
        return
    services.report_submit(report=report, user=manager)
    if ars is None or state == ReportStatus.SUBMITTED:
        return  # no demo ARS agent in that region: the report waits for validation
    if state == ReportStatus.RETURNED:
        services.report_return(report=report, user=ars, reason=RETURN_REASON)
    else:
        services.report_validate(report=report, user=ars)


def seed(users: dict) -> None:
    today = timezone.localdate()
    conventions = (
        # Terminated ones too (dotations.demo_closure terminates one later): a second run keeps each convention's
        # position, so its plan, and opens nothing new.
        Convention.objects.filter(status__in=("active", "ended", "terminated"))
        .select_related("structure")
        .prefetch_related("structure__memberships__user", "structure__team_lines")
        .order_by("reference")
    )
    for index, convention in enumerate(conventions):
        members = [m.user for m in convention.structure.memberships.all() if m.user.is_active]
        if not members:
            continue
        opened = set(AnnualReport.objects.filter(convention=convention).values_list("year", flat=True))
        ars = _ars_agent(convention.structure)
        plan = PLAN[index % len(PLAN)]
        years = reportable_years(convention, today)[-2:]
        for year_index, (year, state) in enumerate(zip(years, plan, strict=False)):
            if state is None or year in opened:
                continue
            _report(convention, year, state, members[0], ars, index, year_index)
