"""Worked examples for the dotation engine; every expected amount is computed by hand in the comments."""

from decimal import Decimal as D

import pytest

from dotations.engine import (
    Bareme,
    Basis,
    Component,
    DotationResult,
    Inputs,
    InvalidBareme,
    Line,
    MissingInputs,
    PrecarityBand,
    advance_amount,
    apply_reduction,
    balance_amount,
    compute,
    fit_coefficient,
    fit_to_envelope,
    precarity_coefficient,
    validate_bareme,
)

# < 30 % → 1.00, 30 – 50 % → 1.10, ≥ 50 % → 1.20
BANDS = (
    PrecarityBand(D("0"), D("30"), D("1.00")),
    PrecarityBand(D("30"), D("50"), D("1.10")),
    PrecarityBand(D("50"), None, D("1.20")),
)

COORDINATION = Component("coordination", "Coordination", Basis.FLAT, D("60000.00"))
MEDIATION = Component("mediation", "Médiation en santé", Basis.PER_FTE, D("55000.00"), "mediateur", D("4"))
PSYCHOLOGY = Component("psychology", "Soutien psychologique", Basis.PER_FTE, D("65000.00"), "psychologue", D("2"))
INTERPRETING = Component(
    "interpreting", "Interprétariat professionnel", Basis.PER_UNIT, D("45.00"), "interpreting_hours", D("3000")
)
PATIENTELE = Component(
    "patientele",
    "Patientèle médecin traitant",
    Basis.PER_PATIENT,
    D("20000.00"),
    quantity_cap=D("1.5"),
    modulated=True,
)

SECPA = Bareme(
    components=(COORDINATION, MEDIATION, PSYCHOLOGY, INTERPRETING, PATIENTELE),
    precarity_bands=BANDS,
    reference_patients=D("4000"),
)

SECPA_INPUTS = Inputs(
    fte={"mediateur": D("3.5"), "psychologue": D("2.5")},
    activity={"interpreting_hours": D("1850")},
    patientele_mt=D("5000"),
    precarity_share=D("35"),
)


def amounts(result):
    return {line.code: line.amount for line in result.lines}


def one_line(component, inputs, bareme_kwargs=None, reduction=D("1")):
    result = compute(Bareme((component,), **(bareme_kwargs or {})), inputs, reduction)
    assert len(result.lines) == 1
    return result.lines[0]


# --------------------------------------------------------------------------------------------------
# Realistic SECPA barème
# --------------------------------------------------------------------------------------------------


def test_realistic_secpa_bareme():
    result = compute(SECPA, SECPA_INPUTS)
    # coordination  flat                                    60,000.00
    # mediation     55,000 × min(3.5, 4) = 55,000 × 3.5    = 192,500.00
    # psychology    65,000 × min(2.5, 2) = 65,000 × 2       = 130,000.00 (quantity cap bites)
    # interpreting  45 × min(1,850, 3,000) = 45 × 1,850      =  83,250.00
    # patientele    20,000 × min(5,000 / 4,000, 1.5) = 20,000 × 1.25 = 25,000 × 1.10 (35 % in 30–50) = 27,500.00
    # total = 60,000 + 192,500 + 130,000 + 83,250 + 27,500 = 493,250.00 (in 0.3 – 0.7 M€)
    assert amounts(result) == {
        "coordination": D("60000.00"),
        "mediation": D("192500.00"),
        "psychology": D("130000.00"),
        "interpreting": D("83250.00"),
        "patientele": D("27500.00"),
    }
    assert result.total == D("493250.00")
    assert D("300000") <= result.total <= D("700000")
    assert result.precarity_coefficient == D("1.10")
    assert result.reduction == D("1")
    assert result.unreduced_total == result.total
    psychology = result.lines[2]
    assert psychology.quantity == D("2") and psychology.capped is True
    assert [line.capped for line in result.lines] == [False, False, True, False, False]
    patientele = result.lines[4]
    assert patientele.quantity == D("1.2500")
    assert patientele.coefficient == D("1.10")
    # Only the modulated line carries the precarity coefficient.
    assert [line.coefficient for line in result.lines[:4]] == [D("1")] * 4
    assert all(isinstance(line.amount, D) for line in result.lines)


def test_line_fields():
    line = compute(SECPA, SECPA_INPUTS).lines[1]
    assert line == Line(
        code="mediation",
        label="Médiation en santé",
        basis=Basis.PER_FTE,
        key="mediateur",
        quantity=D("3.5"),
        rate=D("55000.00"),
        coefficient=D("1"),
        reduction=D("1"),
        capped=False,
        amount=D("192500.00"),
        unreduced_amount=D("192500.00"),
    )


def test_compute_is_deterministic():
    assert compute(SECPA, SECPA_INPUTS) == compute(SECPA, SECPA_INPUTS)


# --------------------------------------------------------------------------------------------------
# Each basis, caps
# --------------------------------------------------------------------------------------------------


def test_flat_quantity_is_one():
    line = one_line(COORDINATION, Inputs(fte={}, activity={}))
    # 60,000.00 × 1 = 60,000.00
    assert (line.quantity, line.amount, line.key) == (D("1"), D("60000.00"), "")


def test_per_fte_under_cap():
    line = one_line(MEDIATION, Inputs(fte={"mediateur": D("1.8")}, activity={}))
    # 55,000 × 1.8 = 99,000.00
    assert (line.quantity, line.amount, line.capped) == (D("1.8"), D("99000.00"), False)


def test_per_fte_quantity_cap():
    line = one_line(MEDIATION, Inputs(fte={"mediateur": D("5.2")}, activity={}))
    # min(5.2, 4) = 4 → 55,000 × 4 = 220,000.00
    assert (line.quantity, line.amount, line.capped) == (D("4"), D("220000.00"), True)


def test_per_fte_exactly_at_cap_is_not_capped():
    line = one_line(MEDIATION, Inputs(fte={"mediateur": D("4")}, activity={}))
    # 55,000 × 4 = 220,000.00, the cap does not reduce anything
    assert (line.amount, line.capped) == (D("220000.00"), False)


def test_zero_fte_gives_zero_line():
    line = one_line(PSYCHOLOGY, Inputs(fte={"psychologue": D("0")}, activity={}))
    # 65,000 × 0 = 0.00 (an explicit 0 is a valid input, not a missing one)
    assert (line.quantity, line.amount) == (D("0"), D("0.00"))


def test_per_unit_and_quantity_cap():
    line = one_line(INTERPRETING, Inputs(fte={}, activity={"interpreting_hours": D("1234.5")}))
    # 45 × 1,234.5 = 55,552.50
    assert (line.quantity, line.amount, line.capped) == (D("1234.5"), D("55552.50"), False)
    line = one_line(INTERPRETING, Inputs(fte={}, activity={"interpreting_hours": D("3500")}))
    # min(3,500, 3,000) = 3,000 → 45 × 3,000 = 135,000.00
    assert (line.quantity, line.amount, line.capped) == (D("3000"), D("135000.00"), True)


def test_per_patient_quantity_cap():
    inputs = Inputs(fte={}, activity={}, patientele_mt=D("8000"), precarity_share=D("10"))
    line = one_line(PATIENTELE, inputs)
    # min(8,000 / 4,000, 1.5) = min(2, 1.5) = 1.5 → 20,000 × 1.5 × 1.00 (10 % < 30) = 30,000.00
    assert (line.quantity, line.amount, line.capped) == (D("1.5000"), D("30000.00"), True)


def test_per_patient_uses_exact_ratio_and_shows_four_decimals():
    component = Component("patientele", "Patientèle", Basis.PER_PATIENT, D("20000.00"))
    line = one_line(component, Inputs(fte={}, activity={}, patientele_mt=D("1000")), {"reference_patients": D("3000")})
    # 1,000 / 3,000 = 0.333333… ; 20,000 × 0.333333… = 6,666.666… → 6,666.67
    # (with the displayed 0.3333 it would be 6,666.00: the amount uses the exact ratio)
    assert line.quantity == D("0.3333")
    assert line.amount == D("6666.67")
    line = one_line(component, Inputs(fte={}, activity={}, patientele_mt=D("4001")))
    # 4,001 / 4,000 = 1.00025 exactly, shown half-up as 1.0003; 20,000 × 1.00025 = 20,005.00 (not 20,006.00)
    assert line.quantity == D("1.0003")
    assert line.amount == D("20005.00")


def test_amount_cap_on_modulated_amount():
    component = Component(
        "patientele",
        "Patientèle",
        Basis.PER_PATIENT,
        D("20000.00"),
        quantity_cap=D("1.5"),
        amount_cap=D("33000.00"),
        modulated=True,
    )
    inputs = Inputs(fte={}, activity={}, patientele_mt=D("8000"), precarity_share=D("60"))
    line = one_line(component, inputs, {"precarity_bands": BANDS})
    # 20,000 × min(2, 1.5) × 1.20 (60 % ≥ 50) = 36,000 > cap 33,000 → 33,000.00
    assert (line.coefficient, line.amount, line.capped) == (D("1.20"), D("33000.00"), True)
    # The cap applies before the reduction: 33,000 × 0.9 = 29,700.00 (not min(36,000 × 0.9, 33,000) = 32,400)
    line = one_line(component, inputs, {"precarity_bands": BANDS}, reduction=D("0.9"))
    assert (line.unreduced_amount, line.amount) == (D("33000.00"), D("29700.00"))


def test_amount_cap_not_biting():
    component = Component("coordination", "Coordination", Basis.FLAT, D("60000.00"), amount_cap=D("80000.00"))
    line = one_line(component, Inputs(fte={}, activity={}))
    assert (line.amount, line.capped) == (D("60000.00"), False)


# --------------------------------------------------------------------------------------------------
# Precarity bands
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("share", "coefficient"),
    [
        (D("0"), D("1.00")),
        (D("29.99"), D("1.00")),
        (D("30"), D("1.10")),  # lower bound inclusive
        (D("49.99"), D("1.10")),
        (D("50"), D("1.20")),  # 50 is the upper bound (exclusive) of 30–50, the lower bound of ≥ 50
        (D("100"), D("1.20")),
    ],
)
def test_band_boundaries(share, coefficient):
    assert precarity_coefficient(BANDS, share) == coefficient


def test_band_boundaries_in_compute():
    base = {"fte": {}, "activity": {}, "patientele_mt": D("4000")}
    # 20,000 × (4,000 / 4,000 = 1) × coefficient
    assert one_line(PATIENTELE, Inputs(**base, precarity_share=D("30")), {"precarity_bands": BANDS}).amount == D(
        "22000.00"
    )  # × 1.10
    assert one_line(PATIENTELE, Inputs(**base, precarity_share=D("50")), {"precarity_bands": BANDS}).amount == D(
        "24000.00"
    )  # × 1.20
    assert one_line(PATIENTELE, Inputs(**base, precarity_share=D("29.9")), {"precarity_bands": BANDS}).amount == D(
        "20000.00"
    )  # × 1.00


def test_last_band_closed_at_100_includes_100():
    bands = (PrecarityBand(D("0"), D("50"), D("1")), PrecarityBand(D("50"), D("100"), D("1.25")))
    assert validate_bareme(Bareme((), bands)) == []
    assert precarity_coefficient(bands, D("100")) == D("1.25")
    assert precarity_coefficient(bands, D("49.999")) == D("1")


def test_no_bands_means_coefficient_one():
    assert precarity_coefficient((), D("80")) == D("1")
    # A modulated component without bands needs no precarity share: 20,000 × 1 × 1 = 20,000.00
    line = one_line(PATIENTELE, Inputs(fte={}, activity={}, patientele_mt=D("4000")))
    assert (line.coefficient, line.amount) == (D("1"), D("20000.00"))


def test_bands_without_modulated_component_need_no_share():
    result = compute(Bareme((COORDINATION,), BANDS), Inputs(fte={}, activity={}))
    assert (result.total, result.precarity_coefficient) == (D("60000.00"), D("1"))


def test_precarity_coefficient_rejects_share_out_of_range():
    with pytest.raises(ValueError):
        precarity_coefficient(BANDS, D("100.01"))
    with pytest.raises(ValueError):
        precarity_coefficient(BANDS, D("-1"))


# --------------------------------------------------------------------------------------------------
# Rounding
# --------------------------------------------------------------------------------------------------


def test_rounding_half_up():
    component = Component("interp", "Interprétariat", Basis.PER_UNIT, D("10.01"), "hours")
    line = one_line(component, Inputs(fte={}, activity={"hours": D("0.5")}))
    # 10.01 × 0.5 = 5.005 → 5.01 half-up (banker's rounding would give 5.00)
    assert line.amount == D("5.01")
    line = one_line(component, Inputs(fte={}, activity={"hours": D("0.25")}))
    # 10.01 × 0.25 = 2.5025 → 2.50 (below the half cent)
    assert line.amount == D("2.50")


def test_total_is_the_sum_of_rounded_lines():
    component = Component("a", "A", Basis.PER_UNIT, D("10.01"), "hours")
    other = Component("b", "B", Basis.PER_UNIT, D("10.01"), "hours")
    result = compute(Bareme((component, other)), Inputs(fte={}, activity={"hours": D("0.5")}))
    # each line 5.005 → 5.01; total 5.01 + 5.01 = 10.02 (not round(10.01) = 10.01)
    assert result.total == D("10.02")


# --------------------------------------------------------------------------------------------------
# Missing inputs
# --------------------------------------------------------------------------------------------------


def test_missing_inputs_lists_everything():
    inputs = Inputs(fte={"mediateur": D("1")}, activity={})
    with pytest.raises(MissingInputs) as excinfo:
        compute(SECPA, inputs)
    assert excinfo.value.missing == [
        "fte:psychologue",
        "activity:interpreting_hours",
        "patientele_mt",
        "precarity_share",
    ]
    assert str(excinfo.value) == (
        "Données manquantes pour le calcul : ETP « psychologue », activité « interpreting_hours », "
        "patientèle médecin traitant, part de patients C2S + AME."
    )
    assert isinstance(excinfo.value, ValueError)


def test_missing_key_listed_once():
    second = Component("mediation_bis", "Médiation bis", Basis.PER_FTE, D("1000"), "mediateur")
    with pytest.raises(MissingInputs) as excinfo:
        compute(Bareme((MEDIATION, second)), Inputs(fte={}, activity={}))
    assert excinfo.value.missing == ["fte:mediateur"]
    assert str(excinfo.value) == "Données manquantes pour le calcul : ETP « mediateur »."


def test_only_precarity_share_missing():
    inputs = Inputs(fte={}, activity={}, patientele_mt=D("4000"))
    with pytest.raises(MissingInputs) as excinfo:
        compute(Bareme((PATIENTELE,), BANDS), inputs)
    assert excinfo.value.missing == ["precarity_share"]


# --------------------------------------------------------------------------------------------------
# Reduction and fit to envelope
# --------------------------------------------------------------------------------------------------


def test_reduction_applies_to_each_line():
    result = compute(SECPA, SECPA_INPUTS, D("0.95"))
    # 60,000 × 0.95 = 57,000.00; 192,500 × 0.95 = 182,875.00; 130,000 × 0.95 = 123,500.00;
    # 83,250 × 0.95 = 79,087.50; 27,500 × 0.95 = 26,125.00; total 468,587.50
    assert amounts(result) == {
        "coordination": D("57000.00"),
        "mediation": D("182875.00"),
        "psychology": D("123500.00"),
        "interpreting": D("79087.50"),
        "patientele": D("26125.00"),
    }
    assert result.total == D("468587.50")
    assert result.unreduced_total == D("493250.00")
    assert result.reduction == D("0.95")
    assert all(line.reduction == D("0.95") for line in result.lines)


def test_reduced_line_rounds_half_up():
    component = Component("c", "C", Basis.FLAT, D("100.01"))
    line = one_line(component, Inputs(fte={}, activity={}), reduction=D("0.987654"))
    # 100.01 × 0.987654 = 98.7654 + 0.00987654 = 98.77527654 → 98.78
    assert line.amount == D("98.78")


def test_apply_reduction_matches_compute():
    unreduced = compute(SECPA, SECPA_INPUTS)
    for reduction in (D("0.95"), D("0.987654"), D("0.333333"), D("1")):
        assert apply_reduction(unreduced, reduction) == compute(SECPA, SECPA_INPUTS, reduction)
    # Applying to an already reduced result replaces the reduction, it does not compound it.
    reduced = compute(SECPA, SECPA_INPUTS, D("0.5"))
    assert apply_reduction(reduced, D("0.95")) == compute(SECPA, SECPA_INPUTS, D("0.95"))


@pytest.mark.parametrize("reduction", [D("0"), D("-0.1"), D("1.000001")])
def test_reduction_out_of_range(reduction):
    with pytest.raises(ValueError):
        compute(SECPA, SECPA_INPUTS, reduction)
    with pytest.raises(ValueError):
        apply_reduction(compute(SECPA, SECPA_INPUTS), reduction)


def test_fit_coefficient():
    assert fit_coefficient(D("13000000.00"), D("14000000.00")) == D("1")
    assert fit_coefficient(D("14000000.00"), D("14000000.00")) == D("1")
    # 14,000,000 / 14,500,000 = 0.96551724… → rounded down 0.965517
    coefficient = fit_coefficient(D("14500000.00"), D("14000000.00"))
    assert coefficient == D("0.965517")
    # 14,500,000 × 0.965517 = 13,999,996.50 ≤ 14,000,000
    assert D("14500000.00") * coefficient == D("13999996.50000000")
    # rounding up (0.965518) would overshoot: 14,500,000 × 0.965518 = 14,000,011.00
    assert D("14500000.00") * D("0.965518") > D("14000000.00")


def test_fit_coefficient_rejects_bad_envelope():
    with pytest.raises(ValueError):
        fit_coefficient(D("100"), D("0"))
    with pytest.raises(ValueError):
        fit_coefficient(D("-1"), D("100"))


def test_reduced_campaign_stays_within_envelope():
    results = [
        compute(Bareme((Component("x", "X", Basis.FLAT, D(amount)),)), Inputs(fte={}, activity={}))
        for amount in ("493250.00", "512345.67", "401234.56")
    ]
    # total 493,250.00 + 512,345.67 + 401,234.56 = 1,406,830.23 > envelope 1,400,000.00
    # 1,400,000 / 1,406,830.23 = 0.99514495… → 0.995144
    # 493,250.00 × 0.995144 = 490,854.778      → 490,854.78
    # 512,345.67 × 0.995144 = 509,857.71942648 → 509,857.72
    # 401,234.56 × 0.995144 = 399,286.16497664 → 399,286.16
    # sum 1,399,998.66 ≤ 1,400,000.00
    envelope = D("1400000.00")
    coefficient = fit_coefficient(sum(r.total for r in results), envelope)
    assert coefficient == D("0.995144")
    reduced = [apply_reduction(r, coefficient) for r in results]
    assert [r.total for r in reduced] == [D("490854.78"), D("509857.72"), D("399286.16")]
    assert sum(r.total for r in reduced) == D("1399998.66") <= envelope
    assert fit_to_envelope(results, envelope) == (coefficient, tuple(reduced))


def test_fit_to_envelope_corrects_rounding_overshoot():
    # Ten dotations of 1.00: total 10.00, envelope 9.95 → coefficient 9.95 / 10 = 0.995.
    # Each line 1.00 × 0.995 = 0.995 → 1.00 half-up: the reduced sum stays 10.00 > 9.95.
    # One step down, 0.994999: 1.00 × 0.994999 → 0.99 each, sum 9.90 ≤ 9.95.
    results = [
        compute(Bareme((Component("x", "X", Basis.FLAT, D("1.00")),)), Inputs(fte={}, activity={})) for _ in range(10)
    ]
    envelope = D("9.95")
    assert fit_coefficient(D("10.00"), envelope) == D("0.995")
    assert sum(apply_reduction(r, D("0.995")).total for r in results) == D("10.00")
    coefficient, reduced = fit_to_envelope(results, envelope)
    assert coefficient == D("0.994999")
    assert sum(r.total for r in reduced) == D("9.90") <= envelope


def test_fit_to_envelope_within_envelope_keeps_one():
    results = [compute(SECPA, SECPA_INPUTS)]
    coefficient, reduced = fit_to_envelope(results, D("500000.00"))
    assert coefficient == D("1")
    assert reduced[0].total == D("493250.00")


# --------------------------------------------------------------------------------------------------
# Advance and balance
# --------------------------------------------------------------------------------------------------


def test_advance_amount():
    # 493,250.00 × 0.60 = 295,950.00
    assert advance_amount(D("493250.00"), D("0.60")) == D("295950.00")
    # 100,000.05 × 0.60 = 60,000.03 exactly; 100,000.01 × 0.6 = 60,000.006 → 60,000.01
    assert advance_amount(D("100000.05"), D("0.60")) == D("60000.03")
    assert advance_amount(D("100000.01"), D("0.6")) == D("60000.01")
    # 10.05 × 0.5 = 5.025 → 5.03 half-up (banker's rounding would give 5.02)
    assert advance_amount(D("10.05"), D("0.5")) == D("5.03")


def test_balance_amount_uses_attainment_above_floor():
    # (493,250.00 − 295,950.00) = 197,300.00 × max(0.50, 0.8125) = 197,300 × 0.8125
    # = 157,840 + 2,466.25 = 160,306.25
    assert balance_amount(D("493250.00"), D("295950.00"), D("0.8125"), D("0.50")) == D("160306.25")


def test_balance_amount_floor():
    # attainment 0.30 below the floor 0.50: 197,300.00 × 0.50 = 98,650.00
    assert balance_amount(D("493250.00"), D("295950.00"), D("0.30"), D("0.50")) == D("98650.00")
    # full attainment: the whole remainder 197,300.00
    assert balance_amount(D("493250.00"), D("295950.00"), D("1"), D("0.50")) == D("197300.00")


def test_balance_amount_rounding():
    # (1,000.01 − 600.00) = 400.01 × 0.3333 = 133.323333 → 133.32; × 0.6667 = 266.686667 → 266.69
    assert balance_amount(D("1000.01"), D("600.00"), D("0.3333"), D("0")) == D("133.32")
    assert balance_amount(D("1000.01"), D("600.00"), D("0.6667"), D("0")) == D("266.69")


@pytest.mark.parametrize(
    ("attainment", "floor"), [(D("1.01"), D("0.5")), (D("-0.01"), D("0.5")), (D("0.8"), D("1.5")), (D("0.8"), D("-1"))]
)
def test_balance_amount_fractions_out_of_range(attainment, floor):
    with pytest.raises(ValueError):
        balance_amount(D("1000"), D("600"), attainment, floor)


def test_advance_and_balance_reject_bad_values():
    with pytest.raises(ValueError):
        advance_amount(D("1000"), D("60"))  # a percentage, not a fraction
    with pytest.raises(ValueError):
        balance_amount(D("1000"), D("1200"), D("1"), D("0.5"))  # advance above total


# --------------------------------------------------------------------------------------------------
# Floats are refused
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        lambda: Component("c", "C", Basis.FLAT, 60000.0),
        lambda: Component("c", "C", Basis.PER_FTE, D("1"), "k", quantity_cap=2.0),
        lambda: Component("c", "C", Basis.FLAT, D("1"), amount_cap=1.5),
        lambda: PrecarityBand(0.0, D("30"), D("1")),
        lambda: PrecarityBand(D("0"), D("30"), 1.1),
        lambda: Bareme((), (), 4000.0),
        lambda: Inputs(fte={"mediateur": 1.0}, activity={}),
        lambda: Inputs(fte={}, activity={"hours": 10.5}),
        lambda: Inputs(fte={}, activity={}, patientele_mt=4000.0),
        lambda: Inputs(fte={}, activity={}, precarity_share=35.0),
        lambda: compute(SECPA, SECPA_INPUTS, 0.95),
        lambda: apply_reduction(compute(SECPA, SECPA_INPUTS), 0.95),
        lambda: precarity_coefficient(BANDS, 35.0),
        lambda: fit_coefficient(100.0, D("90")),
        lambda: fit_coefficient(D("100"), 90.0),
        lambda: advance_amount(1000.0, D("0.6")),
        lambda: advance_amount(D("1000"), 0.6),
        lambda: balance_amount(D("1000"), D("600"), 0.8, D("0.5")),
        lambda: balance_amount(D("1000"), D("600"), D("0.8"), 0.5),
    ],
)
def test_float_rejected(build):
    with pytest.raises(TypeError):
        build()


def test_int_accepted_as_decimal():
    inputs = Inputs(fte={"mediateur": 2}, activity={}, patientele_mt=4000)
    assert inputs.fte["mediateur"] == D("2") and isinstance(inputs.fte["mediateur"], D)
    assert isinstance(inputs.patientele_mt, D)


def test_inputs_reject_negative_and_out_of_range():
    with pytest.raises(ValueError):
        Inputs(fte={"mediateur": D("-1")}, activity={})
    with pytest.raises(ValueError):
        Inputs(fte={}, activity={"hours": D("-1")})
    with pytest.raises(ValueError):
        Inputs(fte={}, activity={}, patientele_mt=D("-1"))
    with pytest.raises(ValueError):
        Inputs(fte={}, activity={}, precarity_share=D("101"))


def test_inputs_are_read_only_copies():
    fte = {"mediateur": D("1")}
    inputs = Inputs(fte=fte, activity={})
    fte["mediateur"] = D("9")
    assert inputs.fte["mediateur"] == D("1")
    with pytest.raises(TypeError):
        inputs.fte["mediateur"] = D("2")


# --------------------------------------------------------------------------------------------------
# Barème validation
# --------------------------------------------------------------------------------------------------


def test_valid_bareme_has_no_errors():
    assert validate_bareme(SECPA) == []
    assert validate_bareme(Bareme(())) == []


def flat(code="c", **kwargs):
    return Component(code, "Composante", Basis.FLAT, kwargs.pop("rate", D("100")), **kwargs)


@pytest.mark.parametrize(
    ("bareme", "message"),
    [
        (Bareme((flat(rate=D("-1")),)), "Composante « c » : le taux ne peut pas être négatif."),
        (Bareme((flat(quantity_cap=D("-1")),)), "Composante « c » : le plafond de quantité ne peut pas être négatif."),
        (Bareme((flat(amount_cap=D("-0.01")),)), "Composante « c » : le plafond de montant ne peut pas être négatif."),
        (Bareme((flat("a"), flat("a"))), "Le code de composante « a » est utilisé plusieurs fois."),
        (Bareme((flat(""),)), "Composante « Composante » : le code est obligatoire."),
        (
            Bareme((Component("c", "C", Basis.PER_FTE, D("1")),)),
            "Composante « c » : une composante par ETP doit préciser la catégorie professionnelle.",
        ),
        (
            Bareme((Component("c", "C", Basis.PER_UNIT, D("1")),)),
            "Composante « c » : une composante par unité doit préciser l'indicateur d'activité.",
        ),
        (
            Bareme((flat(key="mediateur"),)),
            "Composante « c » : une composante forfaitaire ou par patient ne prend pas de clé.",
        ),
        (
            Bareme((Component("c", "C", Basis.PER_PATIENT, D("1"), "patients"),)),
            "Composante « c » : une composante forfaitaire ou par patient ne prend pas de clé.",
        ),
        (Bareme((), (), D("0")), "La patientèle de référence doit être strictement positive."),
        (
            Bareme((), (PrecarityBand(D("0"), D("30"), D("1")), PrecarityBand(D("40"), None, D("1.2")))),
            "Les tranches de précarité laissent un trou entre 30 % et 40 %.",
        ),
        (
            Bareme((), (PrecarityBand(D("0"), D("35"), D("1")), PrecarityBand(D("30"), None, D("1.2")))),
            "Les tranches de précarité se chevauchent : la tranche commençant à 0 % déborde sur celle commençant "
            "à 30 %.",
        ),
        (
            Bareme((), (PrecarityBand(D("0"), None, D("1")), PrecarityBand(D("50"), None, D("1.2")))),
            "Les tranches de précarité se chevauchent : la tranche commençant à 0 % déborde sur celle commençant "
            "à 50 %.",
        ),
        (
            Bareme((), (PrecarityBand(D("10"), None, D("1")),)),
            "Les tranches de précarité doivent commencer à 0 % (première tranche à 10 %).",
        ),
        (
            Bareme((), (PrecarityBand(D("0"), D("50"), D("1")), PrecarityBand(D("50"), D("90"), D("1.2")))),
            "La dernière tranche de précarité doit aller jusqu'à 100 % ou être sans borne haute (elle s'arrête à "
            "90 %).",
        ),
        (
            Bareme((), (PrecarityBand(D("0"), None, D("0")),)),
            "Tranche de précarité 0 – ∞ % : le coefficient doit être strictement positif.",
        ),
        (
            Bareme((), (PrecarityBand(D("0"), None, D("-1.1")),)),
            "Tranche de précarité 0 – ∞ % : le coefficient doit être strictement positif.",
        ),
        (
            Bareme(
                (),
                (
                    PrecarityBand(D("0"), D("30"), D("1")),
                    PrecarityBand(D("30"), D("30"), D("1.1")),
                    PrecarityBand(D("30"), None, D("1.2")),
                ),
            ),
            "Tranche de précarité 30 – 30 % : la borne basse doit être inférieure à la borne haute.",
        ),
        (
            Bareme((), (PrecarityBand(D("0"), D("50"), D("1")), PrecarityBand(D("50"), D("120"), D("1.2")))),
            "Tranche de précarité 50 – 120 % : les bornes doivent être comprises entre 0 et 100 %.",
        ),
        (
            Bareme((), (PrecarityBand(D("-10"), D("50"), D("1")), PrecarityBand(D("50"), None, D("1.2")))),
            "Tranche de précarité -10 – 50 % : les bornes doivent être comprises entre 0 et 100 %.",
        ),
    ],
)
def test_validate_bareme_refusals(bareme, message):
    assert message in validate_bareme(bareme)


def test_validate_bareme_reports_every_error():
    bareme = Bareme((flat("a", rate=D("-1")), flat("a", key="x")), (), D("-5"))
    assert validate_bareme(bareme) == [
        "Composante « a » : le taux ne peut pas être négatif.",
        "Composante « a » : une composante forfaitaire ou par patient ne prend pas de clé.",
        "Le code de composante « a » est utilisé plusieurs fois.",
        "La patientèle de référence doit être strictement positive.",
    ]


def test_bands_in_any_order_are_sorted():
    shuffled = (BANDS[2], BANDS[0], BANDS[1])
    assert validate_bareme(Bareme((), shuffled)) == []
    assert precarity_coefficient(shuffled, D("30")) == D("1.10")


def test_compute_refuses_invalid_bareme():
    with pytest.raises(InvalidBareme) as excinfo:
        compute(Bareme((flat(rate=D("-1")),)), Inputs(fte={}, activity={}))
    assert excinfo.value.errors == ["Composante « c » : le taux ne peut pas être négatif."]
    assert isinstance(excinfo.value, ValueError)


def test_basis_accepts_its_string_value():
    component = Component("c", "C", "per_fte", D("1"), "k")
    assert component.basis is Basis.PER_FTE
    with pytest.raises(ValueError):
        Component("c", "C", "per_hour", D("1"))


def test_result_types():
    result = compute(SECPA, SECPA_INPUTS)
    assert isinstance(result, DotationResult)
    assert isinstance(result.lines, tuple)
    with pytest.raises(AttributeError):
        result.total = D("0")  # frozen
