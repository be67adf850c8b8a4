"""Dotation calculation engine (design.md §5).

Pure Python: no ORM, no request. Every amount, rate, quantity and coefficient is a ``decimal.Decimal``
(``int`` is accepted and converted; ``float`` and ``bool`` are refused with ``TypeError``, because a float
has already lost the cents). All arithmetic runs in a private decimal context (28 significant digits) so
results do not depend on the caller's global context.

Rounding rules, in one place:

* a line's amount before reduction is ``rate × quantity × coefficient``, capped by ``amount_cap``, rounded
  half-up to the cent (``unreduced_amount``);
* the reduced amount is ``unreduced_amount × reduction``, rounded half-up to the cent (``amount``). With
  ``reduction == 1`` both are equal. Rounding the unreduced amount first keeps every figure shown to a
  structure reproducible from other shown figures, and lets :func:`apply_reduction` work from stored lines;
* a total is exactly the sum of its rounded lines.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum
from types import MappingProxyType

__all__ = [
    "BalanceRule",
    "Bareme",
    "Basis",
    "Component",
    "DotationResult",
    "InvalidBareme",
    "Inputs",
    "Line",
    "MissingInputs",
    "PrecarityBand",
    "advance_amount",
    "apply_reduction",
    "balance_amount",
    "compute",
    "fit_coefficient",
    "fit_to_envelope",
    "precarity_coefficient",
    "validate_bareme",
]

CENT = Decimal("0.01")
QUANTITY_DISPLAY = Decimal("0.0001")
COEFFICIENT_STEP = Decimal("0.000001")
ZERO = Decimal("0")
ONE = Decimal("1")
HUNDRED = Decimal("100")

_CONTEXT = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN, traps=[decimal.InvalidOperation])


class Basis(StrEnum):
    FLAT = "flat"
    PER_FTE = "per_fte"
    PER_UNIT = "per_unit"
    PER_PATIENT = "per_patient"


class MissingInputs(ValueError):
    """Inputs needed by the barème are absent; ``missing`` lists them all (machine keys).

    Keys are ``"fte:<category>"``, ``"activity:<code>"``, ``"patientele_mt"`` and ``"precarity_share"``;
    ``str(exc)`` is the French message for users.
    """

    def __init__(self, missing: list[str]):
        self.missing = list(missing)
        super().__init__("Données manquantes pour le calcul : " + ", ".join(_missing_label(m) for m in missing) + ".")


class InvalidBareme(ValueError):
    """The barème is inconsistent; ``errors`` holds the French messages of :func:`validate_bareme`."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("Barème incohérent : " + " ".join(errors))


def _missing_label(key: str) -> str:
    kind, _, code = key.partition(":")
    if kind == "fte":
        return f"ETP « {code} »"
    if kind == "activity":
        return f"activité « {code} »"
    if kind == "patientele_mt":
        return "patientèle médecin traitant"
    if kind == "precarity_share":
        return "part de patients C2S + AME"
    return key


# --------------------------------------------------------------------------------------------------
# Type helpers
# --------------------------------------------------------------------------------------------------


def _dec(value, name: str) -> Decimal:
    """Return ``value`` as a finite Decimal; refuse floats (and bools) with TypeError."""
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"{name} must be a Decimal, not {type(value).__name__}")
    if isinstance(value, int):
        return Decimal(value)
    if not isinstance(value, Decimal):
        raise TypeError(f"{name} must be a Decimal, not {type(value).__name__}")
    if not value.is_finite():
        raise ValueError(f"{name} must be a finite Decimal, got {value}")
    return value


def _opt_dec(value, name: str) -> Decimal | None:
    return None if value is None else _dec(value, name)


def _set(obj, name: str, value) -> None:
    object.__setattr__(obj, name, value)


def _fmt(value: Decimal) -> str:
    """French display of a Decimal without exponent or trailing zeros: 30 → "30", 0.5 → "0,5"."""
    text = format(value.normalize(_CONTEXT), "f")
    return text.replace(".", ",")


def _round_cent(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP, context=_CONTEXT)


# --------------------------------------------------------------------------------------------------
# Data classes
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrecarityBand:
    """A band of the C2S + AME share (percent): ``lower`` inclusive, ``upper`` exclusive (None: unbounded)."""

    lower: Decimal
    upper: Decimal | None
    coefficient: Decimal

    def __post_init__(self):
        _set(self, "lower", _dec(self.lower, "lower"))
        _set(self, "upper", _opt_dec(self.upper, "upper"))
        _set(self, "coefficient", _dec(self.coefficient, "coefficient"))

    def contains(self, share: Decimal, *, last: bool = False) -> bool:
        if share < self.lower:
            return False
        if self.upper is None:
            return True
        # The last band of a barème closed at 100 % includes 100 % itself.
        return share < self.upper or (last and share == self.upper == HUNDRED)


@dataclass(frozen=True)
class Component:
    """One funding component of a barème.

    ``key`` is the professional category code for ``per_fte``, the activity figure code for ``per_unit``
    and "" otherwise. ``quantity_cap`` caps the quantity, ``amount_cap`` the (modulated) amount before the
    envelope reduction. ``modulated`` applies the precarity coefficient.
    """

    code: str
    label: str
    basis: Basis
    rate: Decimal
    key: str = ""
    quantity_cap: Decimal | None = None
    amount_cap: Decimal | None = None
    modulated: bool = False

    def __post_init__(self):
        _set(self, "basis", Basis(self.basis))
        _set(self, "rate", _dec(self.rate, "rate"))
        _set(self, "quantity_cap", _opt_dec(self.quantity_cap, "quantity_cap"))
        _set(self, "amount_cap", _opt_dec(self.amount_cap, "amount_cap"))
        _set(self, "key", self.key or "")


@dataclass(frozen=True)
class Bareme:
    components: tuple[Component, ...]
    precarity_bands: tuple[PrecarityBand, ...] = ()
    reference_patients: Decimal = Decimal("4000")

    def __post_init__(self):
        _set(self, "components", tuple(self.components))
        _set(self, "precarity_bands", tuple(self.precarity_bands))
        _set(self, "reference_patients", _dec(self.reference_patients, "reference_patients"))
        for item in self.components:
            if not isinstance(item, Component):
                raise TypeError(f"components must hold Component objects, not {type(item).__name__}")
        for item in self.precarity_bands:
            if not isinstance(item, PrecarityBand):
                raise TypeError(f"precarity_bands must hold PrecarityBand objects, not {type(item).__name__}")


@dataclass(frozen=True)
class Inputs:
    """Figures of one structure: FTE per professional category, activity figures, patientèle médecin
    traitant, and the C2S + AME share in percent (0 – 100). Mappings are copied read-only."""

    fte: Mapping[str, Decimal]
    activity: Mapping[str, Decimal]
    patientele_mt: Decimal | None = None
    precarity_share: Decimal | None = None

    def __post_init__(self):
        fte = {str(k): _dec(v, f"fte[{k!r}]") for k, v in dict(self.fte).items()}
        activity = {str(k): _dec(v, f"activity[{k!r}]") for k, v in dict(self.activity).items()}
        for code, value in fte.items():
            if value < 0:
                raise ValueError(f"L'ETP « {code} » ne peut pas être négatif.")
        for code, value in activity.items():
            if value < 0:
                raise ValueError(f"L'activité « {code} » ne peut pas être négative.")
        patientele = _opt_dec(self.patientele_mt, "patientele_mt")
        if patientele is not None and patientele < 0:
            raise ValueError("La patientèle médecin traitant ne peut pas être négative.")
        share = _opt_dec(self.precarity_share, "precarity_share")
        if share is not None and not ZERO <= share <= HUNDRED:
            raise ValueError("La part de patients C2S + AME doit être comprise entre 0 et 100 %.")
        _set(self, "fte", MappingProxyType(fte))
        _set(self, "activity", MappingProxyType(activity))
        _set(self, "patientele_mt", patientele)
        _set(self, "precarity_share", share)


@dataclass(frozen=True)
class Line:
    """One computed line. ``quantity`` is the quantity used after the quantity cap (for ``per_patient``
    it is shown rounded to 4 decimals, the amount uses the exact ratio); ``coefficient`` the precarity
    coefficient applied (1 when not modulated); ``capped`` is True when the quantity cap or the amount cap
    reduced the line; ``unreduced_amount`` is the amount before the envelope ``reduction``."""

    code: str
    label: str
    basis: Basis
    key: str
    quantity: Decimal
    rate: Decimal
    coefficient: Decimal
    reduction: Decimal
    capped: bool
    amount: Decimal
    unreduced_amount: Decimal = field(default=None)  # type: ignore[assignment]
    prorata: Decimal = ONE

    def __post_init__(self):
        if self.unreduced_amount is None:
            _set(self, "unreduced_amount", self.amount)


@dataclass(frozen=True)
class DotationResult:
    """``total`` is the exact sum of the line amounts; ``unreduced_total`` the sum before reduction."""

    lines: tuple[Line, ...]
    total: Decimal
    precarity_coefficient: Decimal
    reduction: Decimal
    unreduced_total: Decimal = field(default=None)  # type: ignore[assignment]

    def __post_init__(self):
        if self.unreduced_total is None:
            _set(self, "unreduced_total", sum((line.unreduced_amount for line in self.lines), ZERO))


# --------------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------------


def _band_errors(bands: Iterable[PrecarityBand]) -> list[str]:
    bands = tuple(bands)
    errors: list[str] = []
    if not bands:
        return errors
    for band in bands:
        name = f"Tranche de précarité {_fmt(band.lower)} – {'∞' if band.upper is None else _fmt(band.upper)} %"
        if band.coefficient <= 0:
            errors.append(f"{name} : le coefficient doit être strictement positif.")
        if band.upper is not None and band.lower >= band.upper:
            errors.append(f"{name} : la borne basse doit être inférieure à la borne haute.")
        if not ZERO <= band.lower <= HUNDRED or (band.upper is not None and not ZERO <= band.upper <= HUNDRED):
            errors.append(f"{name} : les bornes doivent être comprises entre 0 et 100 %.")
    ordered = sorted(bands, key=lambda b: b.lower)
    if ordered[0].lower != 0:
        errors.append(
            f"Les tranches de précarité doivent commencer à 0 % (première tranche à {_fmt(ordered[0].lower)} %)."
        )
    for current, following in zip(ordered, ordered[1:], strict=False):
        if current.upper is None or current.upper > following.lower:
            errors.append(
                f"Les tranches de précarité se chevauchent : la tranche commençant à {_fmt(current.lower)} % "
                f"déborde sur celle commençant à {_fmt(following.lower)} %."
            )
        elif current.upper < following.lower:
            errors.append(
                "Les tranches de précarité laissent un trou entre "
                f"{_fmt(current.upper)} % et {_fmt(following.lower)} %."
            )
    last = ordered[-1]
    if last.upper is not None and last.upper != HUNDRED:
        errors.append(
            f"La dernière tranche de précarité doit aller jusqu'à 100 % ou être sans borne haute "
            f"(elle s'arrête à {_fmt(last.upper)} %)."
        )
    return errors


def validate_bareme(bareme: Bareme) -> list[str]:
    """Return the French messages describing every inconsistency of ``bareme``; empty when valid."""
    errors: list[str] = []
    seen: set[str] = set()
    duplicates: list[str] = []
    for component in bareme.components:
        name = f"Composante « {component.code or component.label} »"
        if not component.code:
            errors.append(f"{name} : le code est obligatoire.")
        elif component.code in seen and component.code not in duplicates:
            duplicates.append(component.code)
        seen.add(component.code)
        if component.rate < 0:
            errors.append(f"{name} : le taux ne peut pas être négatif.")
        if component.quantity_cap is not None and component.quantity_cap < 0:
            errors.append(f"{name} : le plafond de quantité ne peut pas être négatif.")
        if component.amount_cap is not None and component.amount_cap < 0:
            errors.append(f"{name} : le plafond de montant ne peut pas être négatif.")
        if component.basis == Basis.PER_FTE and not component.key:
            errors.append(f"{name} : une composante par ETP doit préciser la catégorie professionnelle.")
        elif component.basis == Basis.PER_UNIT and not component.key:
            errors.append(f"{name} : une composante par unité doit préciser l'indicateur d'activité.")
        elif component.basis in (Basis.FLAT, Basis.PER_PATIENT) and component.key:
            errors.append(f"{name} : une composante forfaitaire ou par patient ne prend pas de clé.")
    for code in duplicates:
        errors.append(f"Le code de composante « {code} » est utilisé plusieurs fois.")
    if bareme.reference_patients <= 0:
        errors.append("La patientèle de référence doit être strictement positive.")
    errors.extend(_band_errors(bareme.precarity_bands))
    return errors


# --------------------------------------------------------------------------------------------------
# Computation
# --------------------------------------------------------------------------------------------------


def precarity_coefficient(bands: Iterable[PrecarityBand], share: Decimal) -> Decimal:
    """Coefficient of the band holding ``share`` (percent, 0 – 100); 1 when there are no bands.

    Lower bounds are inclusive, upper bounds exclusive, except that a last band ending at 100 % includes
    100 %. Raises ValueError when the bands are inconsistent or ``share`` is out of range.
    """
    bands = tuple(bands)
    if not bands:
        return ONE
    if share is None:
        raise ValueError("La part de patients C2S + AME est nécessaire pour appliquer la modulation de précarité.")
    share = _dec(share, "share")
    if not ZERO <= share <= HUNDRED:
        raise ValueError("La part de patients C2S + AME doit être comprise entre 0 et 100 %.")
    errors = _band_errors(bands)
    if errors:
        raise InvalidBareme(errors)
    ordered = sorted(bands, key=lambda b: b.lower)
    for index, band in enumerate(ordered):
        if band.contains(share, last=index == len(ordered) - 1):
            return band.coefficient
    raise ValueError(f"Aucune tranche de précarité ne couvre {_fmt(share)} %.")  # pragma: no cover (validated)


def _check_reduction(reduction) -> Decimal:
    reduction = _dec(reduction, "reduction")
    if not ZERO < reduction <= ONE:
        raise ValueError("Le coefficient de réduction doit être strictement positif et au plus égal à 1.")
    return reduction


def _missing(bareme: Bareme, inputs: Inputs) -> list[str]:
    missing: list[str] = []
    for component in bareme.components:
        if component.basis == Basis.PER_FTE and component.key not in inputs.fte:
            missing.append(f"fte:{component.key}")
        elif component.basis == Basis.PER_UNIT and component.key not in inputs.activity:
            missing.append(f"activity:{component.key}")
        elif component.basis == Basis.PER_PATIENT and inputs.patientele_mt is None:
            missing.append("patientele_mt")
    needs_share = any(c.modulated for c in bareme.components) and bareme.precarity_bands
    if needs_share and inputs.precarity_share is None:
        missing.append("precarity_share")
    return list(dict.fromkeys(missing))


def _check_prorata(prorata) -> Decimal:
    prorata = _dec(prorata, "prorata")
    if not ZERO <= prorata <= ONE:
        raise ValueError("Le prorata des jours en vigueur doit être compris entre 0 et 1.")
    return prorata


def compute(bareme: Bareme, inputs: Inputs, reduction: Decimal = ONE, prorata: Decimal = ONE) -> DotationResult:
    """Compute the dotation of one structure.

    For each component, in barème order:

    * quantity: flat → 1; per_fte → min(fte[key], quantity_cap); per_unit → min(activity[key], quantity_cap);
      per_patient → min(patientele_mt / reference_patients, quantity_cap). The per_patient ratio is kept
      exact (28 significant digits) for the amount; ``Line.quantity`` shows it rounded half-up to 4
      decimals, so ``rate × quantity`` shown may differ by a few cents from the amount (e.g. 1,000 / 3,000
      patients at 20,000 € gives 6,666.67 €, not 0.3333 × 20,000 = 6,666.00 €);
    * amount = rate × quantity, × the precarity coefficient when modulated, × ``prorata`` (days in force / days in
      the year, exact: see :mod:`dotations.prorata`), then capped by amount_cap × prorata (an annual cap covers
      the days in force too), rounded half-up to the cent (the unreduced amount); then × ``reduction`` (the
      uniform fit-to-envelope coefficient, 0 < reduction ≤ 1) and rounded half-up to the cent again;
    * total = exact sum of the rounded line amounts.

    ``precarity_coefficient`` of the result is the coefficient of the structure's band (1 when the barème
    has no bands, or when no share is known and no component is modulated).

    Raises InvalidBareme (a ValueError) for an inconsistent barème, MissingInputs listing every absent
    input (an explicit 0 FTE is a valid input giving a 0.00 line), ValueError for a reduction out of
    range, TypeError for a float.
    """
    if not isinstance(bareme, Bareme):
        raise TypeError("bareme must be a Bareme")
    if not isinstance(inputs, Inputs):
        raise TypeError("inputs must be an Inputs")
    reduction = _check_reduction(reduction)
    prorata = _check_prorata(prorata)
    errors = validate_bareme(bareme)
    if errors:
        raise InvalidBareme(errors)
    missing = _missing(bareme, inputs)
    if missing:
        raise MissingInputs(missing)

    if bareme.precarity_bands and inputs.precarity_share is not None:
        coefficient = precarity_coefficient(bareme.precarity_bands, inputs.precarity_share)
    else:
        coefficient = ONE

    lines = []
    with decimal.localcontext(_CONTEXT):
        for component in bareme.components:
            if component.basis == Basis.FLAT:
                raw_quantity = ONE
            elif component.basis == Basis.PER_FTE:
                raw_quantity = inputs.fte[component.key]
            elif component.basis == Basis.PER_UNIT:
                raw_quantity = inputs.activity[component.key]
            else:
                raw_quantity = inputs.patientele_mt / bareme.reference_patients
            quantity = raw_quantity
            capped = False
            if component.quantity_cap is not None and quantity > component.quantity_cap:
                quantity = component.quantity_cap
                capped = True
            line_coefficient = coefficient if component.modulated else ONE
            raw = component.rate * quantity * line_coefficient * prorata
            if component.amount_cap is not None and raw > component.amount_cap * prorata:
                raw = component.amount_cap * prorata
                capped = True
            unreduced = _round_cent(raw)
            if component.basis == Basis.PER_PATIENT:
                shown_quantity = quantity.quantize(QUANTITY_DISPLAY, rounding=ROUND_HALF_UP)
            else:
                shown_quantity = quantity
            lines.append(
                Line(
                    code=component.code,
                    label=component.label,
                    basis=component.basis,
                    key=component.key,
                    quantity=shown_quantity,
                    rate=component.rate,
                    coefficient=line_coefficient,
                    reduction=reduction,
                    capped=capped,
                    amount=_round_cent(unreduced * reduction),
                    unreduced_amount=unreduced,
                    prorata=prorata,
                )
            )
    return _result(tuple(lines), coefficient, reduction)


def _result(lines: tuple[Line, ...], coefficient: Decimal, reduction: Decimal) -> DotationResult:
    return DotationResult(
        lines=lines,
        total=sum((line.amount for line in lines), ZERO),
        precarity_coefficient=coefficient,
        reduction=reduction,
        unreduced_total=sum((line.unreduced_amount for line in lines), ZERO),
    )


def apply_reduction(result: DotationResult, reduction: Decimal) -> DotationResult:
    """Return ``result`` with ``reduction`` applied to each line's unreduced amount (replacing any
    reduction already applied). Equal to ``compute(bareme, inputs, reduction)``."""
    reduction = _check_reduction(reduction)
    with decimal.localcontext(_CONTEXT):
        lines = tuple(
            replace(line, reduction=reduction, amount=_round_cent(line.unreduced_amount * reduction))
            for line in result.lines
        )
    return _result(lines, result.precarity_coefficient, reduction)


def fit_coefficient(total: Decimal, envelope: Decimal) -> Decimal:
    """Uniform reduction coefficient so that ``total × coefficient ≤ envelope``.

    1 when ``total ≤ envelope``, else ``envelope / total`` rounded DOWN to 6 decimals, so that the exact
    product never exceeds the envelope. Beware: each line is then rounded half-up to the cent, which can
    add up to half a cent per line; the sum of the reduced dotations may thus exceed the envelope by a few
    cents. The caller must check the reduced sum and, when it is above the envelope, lower the coefficient
    by 0.000001 steps: :func:`fit_to_envelope` does exactly that.
    """
    total = _dec(total, "total")
    envelope = _dec(envelope, "envelope")
    if total < 0:
        raise ValueError("Le total des dotations ne peut pas être négatif.")
    if envelope <= 0:
        raise ValueError("L'enveloppe doit être strictement positive.")
    if total <= envelope:
        return ONE
    with decimal.localcontext(_CONTEXT):
        coefficient = (envelope / total).quantize(COEFFICIENT_STEP, rounding=ROUND_DOWN)
    if coefficient <= 0:
        raise ValueError("L'enveloppe est trop faible pour un coefficient de réduction à six décimales.")
    return coefficient


def fit_to_envelope(
    results: Iterable[DotationResult], envelope: Decimal
) -> tuple[Decimal, tuple[DotationResult, ...]]:
    """Fit a campaign's dotations into ``envelope``: returns the largest coefficient (6 decimals, at most
    :func:`fit_coefficient`) whose reduced, per-line rounded dotations sum to at most the envelope, and the
    reduced results (in the same order). Works from the unreduced amounts of the results."""
    results = tuple(results)
    envelope = _dec(envelope, "envelope")
    total = sum((r.unreduced_total for r in results), ZERO)
    coefficient = fit_coefficient(total, envelope)
    while True:
        reduced = tuple(apply_reduction(r, coefficient) for r in results)
        if sum((r.total for r in reduced), ZERO) <= envelope:
            return coefficient, reduced
        coefficient -= COEFFICIENT_STEP
        if coefficient <= 0:
            raise ValueError("Impossible de faire tenir les dotations dans l'enveloppe.")  # pragma: no cover


def _fraction(value, name: str, label: str) -> Decimal:
    value = _dec(value, name)
    if not ZERO <= value <= ONE:
        raise ValueError(f"{label} doit être comprise entre 0 et 1.")
    return value


def advance_amount(total: Decimal, share: Decimal) -> Decimal:
    """Advance = ``total × share`` (share a fraction, e.g. 0.60), rounded half-up to the cent."""
    total = _dec(total, "total")
    share = _fraction(share, "share", "La part de l'avance")
    if total < 0:
        raise ValueError("Le montant de la dotation ne peut pas être négatif.")
    with decimal.localcontext(_CONTEXT):
        return _round_cent(total * share)


class BalanceRule(StrEnum):
    """How attainment modulates the money of a year (a campaign parameter).

    * FLOOR: balance = (total − advance) × max(floor, attainment); never negative.
    * ACI: the year's final amount = total × max(floor, attainment) (ACI of the MSP); balance = final − advance,
      negative when the advance paid more than the final amount (that excess is recovered).
    """

    FLOOR = "floor"
    ACI = "aci"


def balance_amount(
    total: Decimal,
    advance: Decimal,
    weighted_attainment: Decimal,
    floor: Decimal,
    rule: BalanceRule | str = BalanceRule.FLOOR,
) -> Decimal:
    """The balance (solde) under ``rule``, rounded half-up to the cent once, at the end.

    FLOOR: ``(total − advance) × max(floor, weighted_attainment)``. ACI: ``total × max(floor, weighted_attainment)
    − advance`` (the advance is already in cents, so this is the final amount rounded once, minus the advance); it
    may be negative. ``weighted_attainment`` and ``floor`` are fractions in [0, 1], used as given: pass the exact
    attainment (never rounded before it multiplies). Under FLOOR the advance may not exceed the total.
    """
    rule = BalanceRule(rule)
    total = _dec(total, "total")
    advance = _dec(advance, "advance")
    weighted_attainment = _fraction(weighted_attainment, "weighted_attainment", "L'atteinte pondérée")
    floor = _fraction(floor, "floor", "Le plancher")
    if advance < 0 or total < 0:
        raise ValueError("Les montants ne peuvent pas être négatifs.")
    with decimal.localcontext(_CONTEXT):
        factor = max(floor, weighted_attainment)
        if rule == BalanceRule.ACI:
            return _round_cent(total * factor - advance)
        if advance > total:
            raise ValueError("L'avance ne peut pas dépasser le montant de la dotation.")
        return _round_cent((total - advance) * factor)
