"""Annual reports in any state, built through the services.

convention = make_active_convention(make_eligible_structure(manager, ars_idf), cnam, cnam2, manager)
report = make_report(convention, manager, state="submitted")          # complete figures, filed
report = make_report(convention, manager, state="validated", ars=ars_idf)

A year-N report is filed from 1 January N+1: when the clock is earlier, filing and what follows happen on
``TODAY`` (15 February 2027; 1 January N+1 for a later year), the clock pinned for those calls only.
"""

import contextlib
import datetime
import zoneinfo
from decimal import Decimal

import time_machine
from django.utils import timezone

from conventions.enums import IndicatorDirection, IndicatorUnit, ReportStatus
from conventions.models import AnnualReport
from conventions.report_rules import filing_too_early, report_filing_opens_on
from conventions.report_selectors import expected_indicators
from conventions.services import reports as services
from tests.conventions.factories import make_active_convention, make_eligible_structure

TODAY = datetime.date(2027, 2, 15)
# A moment after 2026, when a 2026 report may be filed (tests pin the clock there with time_machine.move_to).
AFTER_2026 = datetime.datetime(2027, 1, 15, 10, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))
ACTIVITY = {
    "file_active": Decimal("2400"),
    "patientele_mt": Decimal("1500"),
    "precarity_share": Decimal("45.5"),
    "interpreting_hours": Decimal("320.5"),
    "mediation_acts": Decimal("610"),
    "psy_sessions": Decimal("480"),
    "participatory_actions": Decimal("14"),
    "participants": Decimal("230"),
}
FTE = {"general_practitioner": Decimal("3.5"), "health_mediator": Decimal("2"), "psychologist": Decimal("1")}


def sample_value(line, year):
    """A plausible value: the activity figures above, else the target of the year (or 1 for yes/no)."""
    indicator = line.indicator
    if indicator.activity_figure:
        return ACTIVITY.get(indicator.activity_figure, Decimal("10"))
    if indicator.unit == IndicatorUnit.YES_NO or indicator.direction == IndicatorDirection.YES_NO:
        return Decimal("1")
    target = next((t.value for t in line.targets.all() if t.year == year), None) if line.pk else None
    return target if target is not None else Decimal("10")


def complete_figures(report, **overrides):
    """(values, comments, fte) that pass every rule; ``overrides``: {indicator code: Decimal or None}."""
    values = {}
    for line in expected_indicators(report.convention):
        code = line.indicator.code
        values[line.indicator.pk] = overrides[code] if code in overrides else sample_value(line, report.year)
    return values, {}, dict(FTE)


def fill(report, manager, **overrides):
    values, comments, fte = complete_figures(report, **overrides)
    return services.report_save(report=report, user=manager, values=values, comments=comments, fte=fte)


def make_report(convention, manager, *, year=2026, state="draft", ars=None, reason="Valeurs à justifier."):
    report = services.report_open(convention=convention, year=year, user=manager, today=TODAY)
    if state == "empty":
        return report
    fill(report, manager)
    if state == ReportStatus.DRAFT:
        return AnnualReport.objects.get(pk=report.pk)
    with filing_clock(report):
        services.report_submit(report=report, user=manager)
        if state == ReportStatus.VALIDATED:
            services.report_validate(report=report, user=ars)
        elif state == ReportStatus.RETURNED:
            services.report_return(report=report, user=ars, reason=reason)
    return AnnualReport.objects.get(pk=report.pk)


def filing_clock(report):
    """The clock as it is when the report may be filed, else pinned for the block to TODAY (or the day filing
    opens, for a later year), 10:00 in Paris."""
    if not filing_too_early(report, timezone.localdate()):
        return contextlib.nullcontext()
    day = max(TODAY, report_filing_opens_on(report))
    moment = datetime.datetime.combine(day, datetime.time(10), tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))
    return time_machine.travel(moment, tick=False)


def make_reporting_convention(manager, ars, cnam, cnam2, **kwargs):
    """An active convention (2026 – 2028) of a structure in ``ars``'s region, managed by ``manager``."""
    return make_active_convention(make_eligible_structure(manager, ars), cnam, cnam2, manager, **kwargs)
