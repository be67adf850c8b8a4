"""Who a scenario funds, read from the database in batches (a bounded number of queries per 500 structures),
and the profiles of its hypothetical new structures.

Existing structures: eligible ones with an active convention (« sous convention »), eligible ones without one,
and files under review (déposé, en instruction, à compléter). Each brings its latest figures the way a campaign
reads them (``dotations.inputs``: the latest validated annual report, else the registration figures).

A new structure's *median* profile is, figure by figure, the median over the eligible structures of the same
kind and territory type (kind left empty: every kind); none of that kind and territory: the same territory;
none either: every eligible structure. A *typed* profile takes the FTE, file active and precarity share typed,
and the other activity figures from the median profile scaled by typed file active ÷ median file active
(activity is taken as proportional to the patients seen).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from django.db.models import Exists, OuterRef

from conventions.models import Convention
from dotations import engine, inputs
from structures.enums import ActivityFigure, StructureKind, StructureStatus, TerritoryType
from structures.models import Structure

from .enums import Population, Profile
from .projection import Unit

BATCH_SIZE = 500
IN_REVIEW = (StructureStatus.SUBMITTED, StructureStatus.IN_REVIEW, StructureStatus.CHANGES_REQUESTED)
FILE_ACTIVE = ActivityFigure.FILE_ACTIVE.value
PRECARITY = ActivityFigure.PRECARITY_SHARE.value
PATIENTELE = ActivityFigure.PATIENTELE_MT.value


@dataclass(frozen=True)
class Figures:
    kind: str
    territory: str
    fte: dict[str, Decimal]
    activity: dict[str, Decimal]


def structures_queryset(scenario, *, with_medians: bool):
    """Every structure the scenario reads: the populations it funds, and the eligible ones when new structures
    need a median profile."""
    statuses = set()
    if scenario.include_conventioned or scenario.include_eligible or with_medians:
        statuses.add(StructureStatus.ELIGIBLE)
    if scenario.include_in_review:
        statuses.update(IN_REVIEW)
    active = Convention.objects.active().filter(structure=OuterRef("pk"))
    return Structure.objects.filter(status__in=statuses).annotate(
        latest_report_id=inputs.latest_validated_report(), under_convention=Exists(active)
    )


def population_of(structure) -> str:
    if structure.status == StructureStatus.ELIGIBLE:
        return Population.CONVENTIONED if structure.under_convention else Population.ELIGIBLE
    return Population.IN_REVIEW


def batches(queryset, batch_size=BATCH_SIZE):
    """The structures of ``queryset`` in primary-key order, ``batch_size`` at a time (keyset pagination)."""
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk")[:batch_size])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def existing_units(scenario, bareme, *, batch_size=BATCH_SIZE, pool=None):
    """Yield a :class:`Unit` per structure the scenario funds; the eligible structures' figures go to ``pool``
    (a :class:`MedianPool`) for the new structures' profiles."""
    wanted = {
        Population.CONVENTIONED: scenario.include_conventioned,
        Population.ELIGIBLE: scenario.include_eligible,
        Population.IN_REVIEW: scenario.include_in_review,
    }
    for batch in batches(structures_queryset(scenario, with_medians=pool is not None), batch_size):
        snapshots = inputs.gather_structures(batch)
        for structure in batch:
            snapshot = snapshots[structure.pk].with_zero_fte(bareme)
            population = population_of(structure)
            if pool is not None and structure.status == StructureStatus.ELIGIBLE:
                pool.add(Figures(structure.kind, structure.territory_type, snapshot.fte, snapshot.activity))
            if not wanted[population]:
                continue
            yield Unit(
                label=structure.name,
                population=population,
                region=structure.region_id or "",
                territory=structure.territory_type or "",
                inputs=_inputs(snapshot.fte, snapshot.activity),
            )


def _inputs(fte, activity) -> engine.Inputs:
    return engine.Inputs(
        fte=fte, activity=activity, patientele_mt=activity.get(PATIENTELE), precarity_share=activity.get(PRECARITY)
    )


class MedianPool:
    """The eligible structures' figures, grouped by (kind, territory type)."""

    def __init__(self):
        self.groups: dict[tuple[str, str], list[Figures]] = defaultdict(list)

    def add(self, figures: Figures):
        self.groups[(figures.kind, figures.territory)].append(figures)

    def matching(self, kind: str, territory: str) -> tuple[list[Figures], str]:
        """The structures a median is taken over, and how they were chosen (shown with the result)."""
        exact = [f for (k, t), rows in self.groups.items() if t == territory and (not kind or k == kind) for f in rows]
        territory_label = TerritoryType(territory).label if territory in TerritoryType.values else territory
        if exact:
            kind_label = f"{StructureKind(kind).label}, " if kind else ""
            return exact, f"médiane de {len(exact)} structure(s) éligible(s) ({kind_label}{territory_label})"
        same_territory = [f for (k, t), rows in self.groups.items() if t == territory for f in rows]
        if same_territory:
            return same_territory, f"médiane de {len(same_territory)} structure(s) éligible(s) ({territory_label})"
        every = [f for rows in self.groups.values() for f in rows]
        return every, f"médiane nationale de {len(every)} structure(s) éligible(s)"


def median_figures(rows: list[Figures]) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """Figure by figure, the median over ``rows`` (an FTE category a structure does not list counts 0)."""
    categories = {c for row in rows for c in row.fte}
    fte = {c: Decimal(median([row.fte.get(c, Decimal("0")) for row in rows])) for c in sorted(categories)}
    codes = {code for row in rows for code in row.activity}
    activity = {}
    for code in sorted(codes):
        values = [row.activity[code] for row in rows if code in row.activity]
        activity[code] = Decimal(median(values))
    return fte, activity


def new_units(scenario, groups, pool: MedianPool, region_labels: dict[str, str]):
    """One :class:`Unit` per group of hypothetical new structures (``count`` identical structures)."""
    for group in groups:
        territory_label = TerritoryType(group.territory_type).label
        what = "structure(s) existante(s) hors portail" if group.already_open else "nouvelle(s) structure(s)"
        label = f"{group.count} {what} — {region_labels.get(group.region_id, group.region_id)}, "
        label += territory_label
        rows, source = pool.matching(group.kind, group.territory_type)
        if not rows and group.profile == Profile.MEDIAN:
            group.profile_source = "aucune structure éligible"
            yield Unit(
                label,
                Population.OUTSIDE if group.already_open else Population.NEW,
                group.region_id,
                group.territory_type,
                None,
                count=group.count,
                new=not group.already_open,
                error="Aucune structure éligible dont prendre le profil médian.",
            )
            continue
        fte, activity = median_figures(rows) if rows else ({}, {})
        if group.profile == Profile.TYPED:
            fte, activity = typed_profile(group, fte, activity)
        group.profile_source = source if group.profile == Profile.MEDIAN else "profil saisi"
        yield Unit(
            label=label,
            population=Population.OUTSIDE if group.already_open else Population.NEW,
            region=group.region_id,
            territory=group.territory_type,
            inputs=_inputs(fte, activity),
            count=group.count,
            new=not group.already_open,
        )


def typed_profile(group, median_fte, median_activity):
    """FTE as typed (the whole staff); file active and precarity share as typed; the other figures from the
    median, scaled by typed ÷ median file active."""
    fte = {str(k): Decimal(str(v)) for k, v in (group.fte or {}).items()}
    for category in median_fte:
        fte.setdefault(category, Decimal("0"))
    activity = {}
    typed_active = Decimal(group.file_active) if group.file_active is not None else None
    median_active = median_activity.get(FILE_ACTIVE)
    ratio = typed_active / median_active if typed_active is not None and median_active else Decimal("1")
    for code, value in median_activity.items():
        if code in (FILE_ACTIVE, PRECARITY):
            continue
        activity[code] = (value * ratio).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    if typed_active is not None:
        activity[FILE_ACTIVE] = typed_active
    elif FILE_ACTIVE in median_activity:
        activity[FILE_ACTIVE] = median_activity[FILE_ACTIVE]
    share = group.precarity_share if group.precarity_share is not None else median_activity.get(PRECARITY)
    if share is not None:
        activity[PRECARITY] = Decimal(share)
    return fte, activity
