"""A scenario's stored results as the tables the pages, the export and the note show (no query)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from dotations.charts import Series, stacked_bars
from structures.enums import TerritoryType

from .enums import Population

ZERO = Decimal("0")
HUNDRED = Decimal("100")
SHARE_PLACES = Decimal("0.0001")

# Populations on the charts: DSFR illustrative colours (each ≥ 3:1 against white), told apart by the legend,
# the values on the bars and the table too.
POPULATION_COLOURS = {
    Population.CONVENTIONED: "#000091",
    Population.ELIGIBLE: "#18753c",
    Population.IN_REVIEW: "#716043",
    Population.OUTSIDE: "#a558a0",
    Population.NEW: "#b34000",
}
# Short enough for the chart's legend (170 px an item); the tables use the full labels.
CHART_LABELS = {
    Population.CONVENTIONED: "Sous convention",
    Population.ELIGIBLE: "Éligibles sans conv.",
    Population.IN_REVIEW: "En instruction",
    Population.OUTSIDE: "Hors portail",
    Population.NEW: "Nouvelles",
}


@dataclass
class Row:
    label: str
    values: list[Decimal]
    key: str = ""

    @property
    def total(self) -> Decimal:
        return sum(self.values, ZERO)


@dataclass
class Tables:
    years: list[int]
    totals: Row
    envelope: Decimal
    envelope_year: int | None
    differences: Row
    shares: list[Decimal]
    spending: Decimal
    populations: list[Row]
    regions: list[Row]
    territories: list[Row]
    components: list[Row]
    counts: list[tuple[str, int]]
    errors: list[list[str]]
    error_count: int
    computed: bool
    group_sources: dict = field(default_factory=dict)

    @property
    def grand_total(self) -> Decimal:
        return self.totals.total

    @property
    def structure_count(self) -> int:
        return sum(n for _, n in self.counts)

    @property
    def year_rows(self):
        """(year, total, difference with the envelope, share of the spending) per year."""
        return list(zip(self.years, self.totals.values, self.differences.values, self.shares, strict=True))


def share_of(amount: Decimal, spending: Decimal) -> Decimal:
    """``amount`` as a percentage of ``spending``, to 4 decimals (0,0050 %)."""
    if not spending:
        return ZERO
    return (amount * HUNDRED / spending).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)


def _rows(mapping: dict, years, label) -> list[Row]:
    return [Row(label(key), [Decimal(values.get(str(y), "0")) for y in years], key) for key, values in mapping.items()]


def _territory_label(key: str) -> str:
    return str(TerritoryType(key).label) if key in TerritoryType.values else "Territoire non renseigné"


def tables(scenario) -> Tables:
    results = scenario.results or {}
    years = results.get("years") or scenario.years
    totals = Row("Coût total", [Decimal(results.get("totals", {}).get(str(y), "0")) for y in years])
    envelope = Decimal(results.get("envelope") or scenario.campaign.envelope)
    by_population = results.get("by_population", {})
    populations = [
        Row(str(p.label), [Decimal(by_population[p.value].get(str(y), "0")) for y in years], p.value)
        for p in Population
        if p.value in by_population
    ]
    region_labels = results.get("region_labels", {})
    regions = sorted(
        _rows(results.get("by_region", {}), years, lambda key: region_labels.get(key) or "Sans région"),
        key=lambda row: row.label,
    )
    territories = sorted(_rows(results.get("by_territory", {}), years, _territory_label), key=lambda row: row.label)
    labels = results.get("component_labels", {})
    components = _rows(results.get("by_component", {}), years, lambda key: labels.get(key, key))
    counts = [
        (str(population.label), results.get("counts", {}).get(population.value, 0))
        for population in Population
        if population.value in results.get("counts", {})
    ]
    return Tables(
        years=years,
        totals=totals,
        envelope=envelope,
        envelope_year=results.get("envelope_year"),
        differences=Row("Écart avec l'enveloppe", [value - envelope for value in totals.values]),
        shares=[share_of(value, scenario.spending) for value in totals.values],
        spending=scenario.spending,
        populations=populations,
        regions=regions,
        territories=territories,
        components=components,
        counts=counts,
        errors=results.get("errors", []),
        error_count=results.get("error_count", 0),
        computed=bool(results),
        group_sources=results.get("group_sources", {}),
    )


def group_summary(groups) -> list[str]:
    """The hypothetical structures in a few words, for the note: « 40 existantes hors portail en QPV », …"""
    counts: dict[tuple[bool, str], int] = {}
    for group in groups:
        key = (group.already_open, group.territory_type)
        counts[key] = counts.get(key, 0) + group.count
    lines = []
    for (already_open, territory), count in sorted(counts.items()):
        what = "existante(s) hors portail" if already_open else "nouvelle(s)"
        lines.append(f"{count} {what} — {_territory_label(territory).lower()}")
    return lines


def chart(data: Tables):
    """One stacked bar per year (a segment per population), the current envelope as the marker."""
    series = [
        Series(population.value, CHART_LABELS[population], POPULATION_COLOURS[population])
        for population in Population
        if any(row.key == population.value for row in data.populations)
    ]
    rows = [
        (str(year), {row.key: row.values[index] for row in data.populations}) for index, year in enumerate(data.years)
    ]
    return stacked_bars(rows, series, marker=data.envelope or None, label_width=80, plot_width=660)
