"""The projection, pure Python (no ORM, no request): every amount comes from ``dotations.engine.compute``.

A scenario's population is a stream of :class:`Unit` (one existing structure, or a group of identical
hypothetical ones). For each year of the horizon, each unit is computed by the engine with:

* the campaign's barème, its rates and amount caps indexed by ``indexation`` % a year, compounded
  (``rate × (1 + indexation)^n``, rounded half-up to the cent: a barème holds cents), n = 0 the first year;
* as the engine's ``prorata`` (the share of the year funded), ``(1 − attrition)^n`` — the expected share of
  the structures still open in year n — times, for a new structure in the first year, the ramp-up share;
* no envelope reduction: a projection says what the barème costs, the envelope is what it is compared with.

A group of ``count`` identical structures costs ``count ×`` the engine's result (its lines are already rounded
to the cent, so this is exactly the sum of ``count`` identical results). Every total is the exact sum of engine
lines: per year, per population, per region, per territory type and per barème component.
"""

from __future__ import annotations

import decimal
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from dotations import engine

CENT = Decimal("0.01")
ZERO = Decimal("0")
ONE = Decimal("1")
HUNDRED = Decimal("100")
ERRORS_KEPT = 50

_CONTEXT = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN, traps=[decimal.InvalidOperation])


@dataclass(frozen=True)
class Assumptions:
    first_year: int
    horizon: int
    indexation: Decimal = ZERO  # percent a year
    ramp_up: Decimal = HUNDRED  # percent of the first year funded for a new structure
    attrition: Decimal = ZERO  # percent of the structures closing each year

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.first_year + self.horizon))


@dataclass(frozen=True)
class Unit:
    label: str
    population: str
    region: str  # region code, "" when unknown
    territory: str  # TerritoryType value, "" when not given
    inputs: engine.Inputs | None
    count: int = 1
    new: bool = False
    error: str = ""


def indexed_bareme(bareme: engine.Bareme, indexation: Decimal, index: int) -> engine.Bareme:
    """The barème of year ``index`` (0 = first year): rates and amount caps × (1 + indexation %)^index, rounded
    half-up to the cent. Quantity caps, precarity bands and the reference patientèle are not money: unchanged."""
    if not indexation or index == 0:
        return bareme
    with decimal.localcontext(_CONTEXT):
        factor = (ONE + indexation / HUNDRED) ** index

        def money(value):
            return None if value is None else (value * factor).quantize(CENT, rounding=ROUND_HALF_UP)

        components = tuple(replace(c, rate=money(c.rate), amount_cap=money(c.amount_cap)) for c in bareme.components)
    return replace(bareme, components=components)


def year_share(index: int, assumptions: Assumptions, *, new: bool) -> Decimal:
    """The engine's prorata for year ``index``: the expected share still open, times the first-year ramp-up
    share for a new structure."""
    with decimal.localcontext(_CONTEXT):
        share = (ONE - assumptions.attrition / HUNDRED) ** index
        if new and index == 0:
            share *= assumptions.ramp_up / HUNDRED
    return share


def _zeros(years):
    return dict.fromkeys(years, ZERO)


class Projection:
    """Accumulates the engine's results of every unit added; :meth:`as_json` is what a scenario stores."""

    def __init__(self, bareme: engine.Bareme, assumptions: Assumptions):
        errors = engine.validate_bareme(bareme)
        if errors:
            raise engine.InvalidBareme(errors)
        self.assumptions = assumptions
        self.years = assumptions.years
        self.baremes = [indexed_bareme(bareme, assumptions.indexation, i) for i in range(assumptions.horizon)]
        self.component_labels = {c.code: c.label for c in bareme.components}
        self.totals = _zeros(self.years)
        self.by_population = defaultdict(lambda: _zeros(self.years))
        self.by_region = defaultdict(lambda: _zeros(self.years))
        self.by_territory = defaultdict(lambda: _zeros(self.years))
        self.by_component = {code: _zeros(self.years) for code in self.component_labels}
        self.counts: dict[str, int] = defaultdict(int)
        self.errors: list[tuple[str, str]] = []
        self.error_count = 0

    def results(self, unit: Unit) -> list[engine.DotationResult]:
        """The engine's result for one structure of ``unit``, year by year (raises MissingInputs, ValueError)."""
        if unit.error:
            raise ValueError(unit.error)
        if unit.inputs is None:
            raise ValueError("Aucun chiffre connu pour cette structure.")
        return [
            engine.compute(self.baremes[i], unit.inputs, ONE, year_share(i, self.assumptions, new=unit.new))
            for i in range(len(self.years))
        ]

    def add(self, unit: Unit) -> list[engine.DotationResult] | None:
        try:
            results = self.results(unit)
        except (engine.MissingInputs, ValueError) as exc:
            self.error_count += unit.count
            if len(self.errors) < ERRORS_KEPT:
                self.errors.append((unit.label, str(exc)))
            return None
        self.counts[unit.population] += unit.count
        for year, result in zip(self.years, results, strict=True):
            amount = result.total * unit.count
            self.totals[year] += amount
            self.by_population[unit.population][year] += amount
            self.by_region[unit.region][year] += amount
            self.by_territory[unit.territory][year] += amount
            for line in result.lines:
                self.by_component[line.code][year] += line.amount * unit.count
        return results

    def as_json(self) -> dict:
        def table(mapping):
            return {str(key): {str(y): str(v) for y, v in row.items()} for key, row in mapping.items()}

        return {
            "years": self.years,
            "totals": {str(y): str(v) for y, v in self.totals.items()},
            "by_population": table(self.by_population),
            "by_region": table(self.by_region),
            "by_territory": table(self.by_territory),
            "by_component": table(self.by_component),
            "component_labels": dict(self.component_labels),
            "counts": dict(self.counts),
            "errors": [list(e) for e in self.errors],
            "error_count": self.error_count,
        }
