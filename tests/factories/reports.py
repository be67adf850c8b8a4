"""Annual reports.

``ReportFactory`` walks the real services (open, save complete figures, submit, validate or return):

    ReportFactory(convention=convention, manager=manager)                          # a draft with complete figures
    ReportFactory(convention=convention, manager=manager, empty=True)              # opened, nothing entered
    ReportFactory(convention=convention, manager=manager, validated=True, ars=ars_idf)   # also: submitted, returned

The manager defaults to the structure's, the ARS agent to a new one of its region, the convention to an active
one (ConventionFactory). ``ValidatedReportFactory`` writes a validated report straight to the tables, with its
FTE and activity figures, for the money tests; ``send_signal=True`` also sends ``report_validated`` as the
validation does (for the balance payment).

A year-N report is filed from 1 January N+1: when the clock is earlier, filing and what follows happen on
``TODAY`` (15 February 2027; 1 January N+1 for a later year), the clock pinned for those calls only.
"""

import contextlib
import datetime
import zoneinfo
from decimal import Decimal

import factory
import time_machine
from django.db import transaction
from django.utils import timezone
from factory.django import DjangoModelFactory

from conventions.catalogue import seed_catalogue
from conventions.enums import IndicatorDirection, IndicatorUnit, ReportStatus
from conventions.models import AnnualReport, Indicator, ReportFte, ReportValue
from conventions.report_rules import filing_too_early, report_filing_opens_on
from conventions.report_selectors import expected_indicators
from conventions.services import reports as services
from conventions.signals import report_validated

from .conventions import ConventionFactory, structure_manager
from .users import UserFactory

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


class ReportFactory(DjangoModelFactory):
    class Meta:
        model = AnnualReport

    class Params:
        empty = factory.Trait(state="empty")
        submitted = factory.Trait(state=ReportStatus.SUBMITTED)
        validated = factory.Trait(state=ReportStatus.VALIDATED)
        returned = factory.Trait(state=ReportStatus.RETURNED)

    convention = factory.SubFactory(ConventionFactory, active=True)
    manager = None
    year = 2026
    state = ReportStatus.DRAFT
    ars = None
    reason = "Valeurs à justifier."

    @classmethod
    def _create(cls, model_class, *, convention, manager, year, state, ars, reason):
        manager = manager or structure_manager(convention.structure)
        report = services.report_open(convention=convention, year=year, user=manager, today=TODAY)
        if state == "empty":
            return report
        fill(report, manager)
        if state == ReportStatus.DRAFT:
            return AnnualReport.objects.get(pk=report.pk)
        if state in (ReportStatus.VALIDATED, ReportStatus.RETURNED):
            ars = ars or UserFactory(ars=True, region_id=convention.structure.region_id)
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


class ValidatedReportFactory(DjangoModelFactory):
    """``fte`` {category: FTE}, ``activity`` {activity figure: value}, optional ``validated_by`` and
    ``weighted_attainment``."""

    class Meta:
        model = AnnualReport

    convention = factory.SubFactory("tests.factories.conventions.FundedConventionFactory")
    year = 2025
    fte = None
    activity = None
    send_signal = False

    @classmethod
    def _create(cls, model_class, *, convention, year, fte, activity, send_signal, **fields):
        if not send_signal:
            seed_catalogue(Indicator)
        with transaction.atomic():
            report = model_class.objects.create(
                convention=convention,
                year=year,
                status=ReportStatus.VALIDATED,
                due_date=AnnualReport.default_due_date(year),
                validated_at=timezone.now(),
                **fields,
            )
            ReportFte.objects.bulk_create(
                ReportFte(report=report, category=category, fte=Decimal(str(value)))
                for category, value in (fte or {}).items()
            )
            if activity:
                indicators = {i.activity_figure: i for i in Indicator.objects.exclude(activity_figure="")}
                ReportValue.objects.bulk_create(
                    ReportValue(report=report, indicator=indicators[code], value=Decimal(str(value)))
                    for code, value in activity.items()
                )
            if send_signal:
                report_validated.send(sender=AnnualReport, report=report, user=report.validated_by)
        return report
