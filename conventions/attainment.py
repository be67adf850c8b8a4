"""Attainment of a convention's indicators (design.md §5, balance modulation).

Pure Python, Decimal only (``int`` accepted; ``float`` and ``bool`` refused with TypeError). Results are
fractions in [0, 1] rounded half-up to 4 decimals.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

__all__ = ["Direction", "attainment", "weighted_attainment"]

ZERO = Decimal("0")
ONE = Decimal("1")
PRECISION = Decimal("0.0001")

_CONTEXT = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN, traps=[decimal.InvalidOperation])


class Direction(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"
    YES_NO = "yes_no"


def _dec(value, name: str) -> Decimal:
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"{name} must be a Decimal, not {type(value).__name__}")
    if isinstance(value, int):
        return Decimal(value)
    if not isinstance(value, Decimal):
        raise TypeError(f"{name} must be a Decimal, not {type(value).__name__}")
    if not value.is_finite():
        raise ValueError(f"{name} must be a finite Decimal, got {value}")
    return value


def _clamp(value: Decimal) -> Decimal:
    return min(ONE, max(ZERO, value))


def _out(value: Decimal, exact: bool = False) -> Decimal:
    if exact:
        return _clamp(value)
    return _clamp(value).quantize(PRECISION, rounding=ROUND_HALF_UP, context=_CONTEXT)


def attainment(
    direction: Direction,
    value: Decimal,
    target: Decimal | None,
    baseline: Decimal | None = None,
    *,
    exact: bool = False,
) -> Decimal:
    """Attainment of one indicator, in [0, 1], rounded half-up to 4 decimals (``exact``: not rounded, 28
    significant digits, for a balance that is rounded once, at the end).

    * HIGHER (higher is better), with a baseline: (value − baseline) / (target − baseline), clamped;
      target == baseline → 1 if value ≥ target else 0. Without a baseline: value / target, clamped
      (target 0 → 1 if value ≥ 0).
    * LOWER (lower is better), with a baseline: (baseline − value) / (baseline − target), clamped;
      target == baseline → 1 if value ≤ target else 0. Without a baseline: 1 if value ≤ target, else
      target / value, clamped.
    * YES_NO: 1 if value ≥ 1 (the indicator is met), else 0; target and baseline are ignored.

    Raises ValueError (French message) when the value is not filled in, when the target is missing, or when
    the target lies on the wrong side of the baseline for the direction; TypeError for a float.
    """
    direction = Direction(direction)
    if value is None:
        raise ValueError("La valeur de l'indicateur n'est pas renseignée.")
    value = _dec(value, "value")
    if direction == Direction.YES_NO:
        return _out(ONE if value >= ONE else ZERO, exact)
    if target is None:
        raise ValueError("La cible de l'indicateur n'est pas renseignée.")
    target = _dec(target, "target")
    with decimal.localcontext(_CONTEXT):
        if baseline is not None:
            baseline = _dec(baseline, "baseline")
            if direction == Direction.HIGHER:
                if target < baseline:
                    raise ValueError(
                        "Pour un indicateur « plus haut est mieux », la cible doit être au moins égale à la "
                        "valeur de référence."
                    )
                if target == baseline:
                    return _out(ONE if value >= target else ZERO, exact)
                return _out((value - baseline) / (target - baseline), exact)
            if target > baseline:
                raise ValueError(
                    "Pour un indicateur « plus bas est mieux », la cible doit être au plus égale à la valeur de "
                    "référence."
                )
            if target == baseline:
                return _out(ONE if value <= target else ZERO, exact)
            return _out((baseline - value) / (baseline - target), exact)
        if target < 0:
            raise ValueError("Sans valeur de référence, la cible de l'indicateur doit être positive ou nulle.")
        if direction == Direction.HIGHER:
            if target == 0:
                return _out(ONE if value >= 0 else ZERO, exact)
            return _out(value / target, exact)
        if value <= target:
            return _out(ONE, exact)
        # Here value > target ≥ 0, so value > 0.
        return _out(target / value, exact)


def weighted_attainment(items: Iterable[tuple[Decimal, Decimal]], *, exact: bool = False) -> Decimal:
    """Σ(attainment × points) / Σ points, rounded half-up to 4 decimals (``exact``: not rounded); 0 with no items
    or no points.

    Each attainment must lie in [0, 1] and each weight (points) be ≥ 0 (ValueError otherwise).
    """
    weighted = ZERO
    points_total = ZERO
    with decimal.localcontext(_CONTEXT):
        for att, points in items:
            att = _dec(att, "attainment")
            points = _dec(points, "points")
            if not ZERO <= att <= ONE:
                raise ValueError("L'atteinte d'un indicateur doit être comprise entre 0 et 1.")
            if points < 0:
                raise ValueError("Le nombre de points d'un indicateur ne peut pas être négatif.")
            weighted += att * points
            points_total += points
        if points_total == 0:
            return ZERO
        if exact:
            return weighted / points_total
        return (weighted / points_total).quantize(PRECISION, rounding=ROUND_HALF_UP)
