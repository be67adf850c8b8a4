"""Multi-year commitments (issue 9, deliverable 10): per signed convention and year, what it is expected to cost,
what was approved, paid and recovered, and what remains; summed per year for the CNAM.

The expected amount is a projection, never a second formula: the pure engine (``engine.compute``) with the current
barème (this year's campaign, else the latest one with a barème), the convention's latest figures (its latest
validated report, else the structure's registration figures, as ``inputs.gather`` reads them for a campaign) and
the prorata of the days the convention covers in that year (``coverage``). No fit coefficient: it is decided per
campaign. A year with no figure the barème needs has no projection, and says why.

Remaining: for a year with an approved dotation, the ledger's remaining (approved − paid + claimed); for this year
or a year to come not approved yet, the projection (the whole of it is still to be paid); a past year that was
never approved commits nothing more (its projection is still shown). Reads are bounded whatever the number of
conventions: conventions, their figures (inputs.gather), the barème, the approved dotations and their ledgers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from conventions.enums import ConventionStatus, ReportStatus
from conventions.models import AnnualReport, Convention

from . import bareme as bareme_module
from . import coverage, engine
from .enums import DotationStatus
from .inputs import gather, row_of
from .ledger import ZERO, ledgers
from .models import Campaign, Dotation

# Signed conventions: in force, ended or terminated (a draft or a convention awaiting signatures commits nothing).
SIGNED = (ConventionStatus.ACTIVE, ConventionStatus.ENDED, ConventionStatus.TERMINATED)


@dataclass
class CommitmentYear:
    convention: Convention
    year: int
    days: int
    year_days: int
    expected: Decimal | None = None
    problem: str = ""
    dotation: Dotation | None = None
    approved: Decimal = ZERO
    paid: Decimal = ZERO
    recovered: Decimal = ZERO
    to_recover: Decimal = ZERO
    ledger_remaining: Decimal = ZERO
    to_come: bool = True  # this year or a later one

    @property
    def is_approved(self) -> bool:
        return self.dotation is not None

    @property
    def remaining(self) -> Decimal:
        if self.is_approved:
            return self.ledger_remaining
        return (self.expected or ZERO) if self.to_come else ZERO


@dataclass
class YearTotal:
    year: int
    conventions: int = 0
    expected: Decimal = ZERO
    approved: Decimal = ZERO
    paid: Decimal = ZERO
    recovered: Decimal = ZERO
    to_recover: Decimal = ZERO
    remaining: Decimal = ZERO
    without_projection: int = 0
    rows: list = field(default_factory=list)


def projection_campaign(today=None) -> Campaign | None:
    """The campaign whose barème projects the years to come: this year's, else the latest one with a barème."""
    year = (today or timezone.localdate()).year
    with_bareme = Campaign.objects.filter(components__isnull=False).distinct()
    return (
        with_bareme.filter(year=year).prefetch_related("components", "precarity_bands").first()
        or with_bareme.order_by("-year").prefetch_related("components", "precarity_bands").first()
    )


def signed_conventions(queryset):
    """``queryset`` of conventions, signed ones only, annotated for ``inputs.gather`` with their latest validated
    report (any year: the latest figures)."""
    latest = (
        AnnualReport.objects.filter(convention=OuterRef("pk"), status=ReportStatus.VALIDATED)
        .order_by("-year")
        .values("pk")[:1]
    )
    return (
        queryset.filter(status__in=SIGNED)
        .annotate(latest_report_id=Subquery(latest))
        .select_related("structure", "structure__region")
        .order_by("structure__name", "start_date", "pk")
    )


def _project(bareme, snapshot, convention, year):
    days, year_days = coverage.days_covered(convention, year)
    row = CommitmentYear(convention=convention, year=year, days=days, year_days=year_days)
    if bareme is None:
        row.problem = "aucun barème de campagne"
        return row
    try:
        result = engine.compute(
            bareme, snapshot.with_zero_fte(bareme).engine_inputs(), prorata=coverage.coefficient(days, year_days)
        )
    except engine.MissingInputs as exc:
        row.problem = str(exc)
    except ValueError as exc:
        row.problem = str(exc)
    else:
        row.expected = result.total
    return row


def commitments(conventions, *, campaign=None, today=None) -> list[CommitmentYear]:
    """One row per convention and year it covers (at least one day), in the conventions' order then by year.

    ``conventions``: from :func:`signed_conventions` (a list or queryset); ``campaign``: the barème's campaign
    (default :func:`projection_campaign`)."""
    conventions = list(conventions)
    if not conventions:
        return []
    today = today or timezone.localdate()
    campaign = campaign if campaign is not None else projection_campaign(today)
    bareme = bareme_module.load(campaign) if campaign is not None else None
    snapshots = gather([row_of(convention) for convention in conventions])
    dotations = list(
        Dotation.objects.filter(convention__in=conventions, status=DotationStatus.APPROVED).select_related("campaign")
    )
    by_key = {(d.convention_id, d.campaign.year): d for d in dotations}
    books = ledgers(dotations)
    rows = []
    for convention in conventions:
        last = coverage.last_day_in_force(convention)
        for year in convention.years:
            if year > last.year:
                break
            row = _project(bareme, snapshots[convention.pk], convention, year)
            if row.days == 0:
                continue
            row.to_come = year >= today.year
            dotation = by_key.get((convention.pk, year))
            if dotation is not None:
                book = books[dotation.pk]
                row.dotation = dotation
                row.approved, row.paid = book.approved, book.paid
                row.recovered, row.to_recover = book.recovered, book.to_recover
                row.ledger_remaining = book.remaining
            rows.append(row)
    return rows


def by_year(rows) -> list[YearTotal]:
    """The rows summed per year, in year order."""
    totals: dict[int, YearTotal] = defaultdict(lambda: YearTotal(0))
    for row in rows:
        total = totals[row.year]
        total.year = row.year
        total.conventions += 1
        total.expected += row.expected or ZERO
        total.without_projection += row.expected is None
        total.approved += row.approved
        total.paid += row.paid
        total.recovered += row.recovered
        total.to_recover += row.to_recover
        total.remaining += row.remaining
        total.rows.append(row)
    return [totals[year] for year in sorted(totals)]
