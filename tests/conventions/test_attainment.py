"""Worked examples for indicator attainment; expected values are computed by hand in the comments."""

from decimal import Decimal as D

import pytest

from conventions.attainment import Direction, attainment, weighted_attainment

HIGHER, LOWER, YES_NO = Direction.HIGHER, Direction.LOWER, Direction.YES_NO


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # "Higher is better", e.g. % of patients with a social assessment: baseline 20, target 60.
        (D("50"), D("0.7500")),  # (50 − 20) / (60 − 20) = 30 / 40 = 0.75
        (D("60"), D("1.0000")),  # target met: 40 / 40 = 1
        (D("80"), D("1.0000")),  # exceeded: 60 / 40 = 1.5 → clamped to 1
        (D("20"), D("0.0000")),  # no progress: 0 / 40 = 0
        (D("10"), D("0.0000")),  # went backwards: −10 / 40 = −0.25 → clamped to 0
        (D("33.3"), D("0.3325")),  # 13.3 / 40 = 0.3325
    ],
)
def test_higher_with_baseline(value, expected):
    assert attainment(HIGHER, value, D("60"), D("20")) == expected


def test_higher_rounds_half_up_to_four_decimals():
    # (2 − 0) / (3 − 0) = 0.666666… → 0.6667 ; 1 / 3 = 0.333333… → 0.3333
    assert attainment(HIGHER, D("2"), D("3"), D("0")) == D("0.6667")
    assert attainment(HIGHER, D("1"), D("3"), D("0")) == D("0.3333")
    # (0.00005 − 0) / (1 − 0) = 0.00005 → 0.0001 half-up (banker's rounding would give 0.0000)
    assert attainment(HIGHER, D("0.00005"), D("1"), D("0")) == D("0.0001")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # "Lower is better", e.g. days to a first appointment: baseline 30, target 10.
        (D("15"), D("0.7500")),  # (30 − 15) / (30 − 10) = 15 / 20 = 0.75
        (D("10"), D("1.0000")),  # target met: 20 / 20 = 1
        (D("5"), D("1.0000")),  # exceeded: 25 / 20 = 1.25 → clamped to 1
        (D("30"), D("0.0000")),  # no progress: 0 / 20
        (D("40"), D("0.0000")),  # worse: −10 / 20 = −0.5 → clamped to 0
        (D("23"), D("0.3500")),  # 7 / 20 = 0.35
    ],
)
def test_lower_with_baseline(value, expected):
    assert attainment(LOWER, value, D("10"), D("30")) == expected


def test_target_equal_to_baseline():
    # HIGHER, target = baseline = 40: met when value ≥ 40
    assert attainment(HIGHER, D("40"), D("40"), D("40")) == D("1")
    assert attainment(HIGHER, D("45"), D("40"), D("40")) == D("1")
    assert attainment(HIGHER, D("39.9"), D("40"), D("40")) == D("0")
    # LOWER, target = baseline = 10: met when value ≤ 10
    assert attainment(LOWER, D("10"), D("10"), D("10")) == D("1")
    assert attainment(LOWER, D("8"), D("10"), D("10")) == D("1")
    assert attainment(LOWER, D("10.1"), D("10"), D("10")) == D("0")


def test_higher_without_baseline():
    # value / target: 150 / 200 = 0.75 ; 250 / 200 = 1.25 → 1 ; 0 / 200 = 0
    assert attainment(HIGHER, D("150"), D("200")) == D("0.7500")
    assert attainment(HIGHER, D("200"), D("200")) == D("1.0000")
    assert attainment(HIGHER, D("250"), D("200")) == D("1.0000")
    assert attainment(HIGHER, D("0"), D("200")) == D("0.0000")
    # target 0: met as soon as value ≥ 0
    assert attainment(HIGHER, D("0"), D("0")) == D("1")
    assert attainment(HIGHER, D("-1"), D("0")) == D("0")


def test_lower_without_baseline():
    # value ≤ target → 1 ; else target / value: 10 / 40 = 0.25 ; 10 / 30 = 0.3333…
    assert attainment(LOWER, D("8"), D("10")) == D("1.0000")
    assert attainment(LOWER, D("10"), D("10")) == D("1.0000")
    assert attainment(LOWER, D("40"), D("10")) == D("0.2500")
    assert attainment(LOWER, D("30"), D("10")) == D("0.3333")
    # target 0: 0 ≤ 0 → 1 ; 0 / 5 = 0
    assert attainment(LOWER, D("0"), D("0")) == D("1")
    assert attainment(LOWER, D("5"), D("0")) == D("0")


def test_yes_no():
    assert attainment(YES_NO, D("1"), None) == D("1.0000")
    assert attainment(YES_NO, D("0"), None) == D("0.0000")
    # the target is ignored
    assert attainment(YES_NO, D("1"), D("0")) == D("1")
    assert attainment(YES_NO, D("0"), D("1"), D("0")) == D("0")


def test_direction_accepts_string_value():
    assert attainment("higher", D("50"), D("60"), D("20")) == D("0.75")


def test_value_missing_is_refused():
    with pytest.raises(ValueError, match="La valeur de l'indicateur n'est pas renseignée."):
        attainment(HIGHER, None, D("60"), D("20"))
    with pytest.raises(ValueError, match="La valeur de l'indicateur n'est pas renseignée."):
        attainment(YES_NO, None, None)


def test_target_missing_or_inconsistent_is_refused():
    with pytest.raises(ValueError, match="cible"):
        attainment(HIGHER, D("1"), None)
    with pytest.raises(ValueError, match="plus haut est mieux"):
        attainment(HIGHER, D("50"), D("10"), D("20"))
    with pytest.raises(ValueError, match="plus bas est mieux"):
        attainment(LOWER, D("5"), D("30"), D("10"))
    with pytest.raises(ValueError, match="positive ou nulle"):
        attainment(LOWER, D("5"), D("-1"))


@pytest.mark.parametrize(
    "call",
    [
        lambda: attainment(HIGHER, 0.5, D("1")),
        lambda: attainment(HIGHER, D("0.5"), 1.0),
        lambda: attainment(HIGHER, D("0.5"), D("1"), 0.0),
        lambda: attainment(YES_NO, True, None),
        lambda: weighted_attainment([(0.5, D("10"))]),
        lambda: weighted_attainment([(D("0.5"), 10.0)]),
    ],
)
def test_float_rejected(call):
    with pytest.raises(TypeError):
        call()


def test_results_are_decimals():
    assert isinstance(attainment(HIGHER, 3, 4), D)
    assert attainment(HIGHER, 3, 4) == D("0.75")


def test_weighted_attainment():
    # (0.75 × 30 + 1 × 50 + 0 × 20) / (30 + 50 + 20) = (22.5 + 50 + 0) / 100 = 0.725
    assert weighted_attainment([(D("0.75"), D("30")), (D("1"), D("50")), (D("0"), D("20"))]) == D("0.7250")
    # (1 × 1 + 0 × 2) / 3 = 0.3333… ; (1 × 2 + 0 × 1) / 3 = 0.6666… → 0.6667
    assert weighted_attainment([(D("1"), D("1")), (D("0"), D("2"))]) == D("0.3333")
    assert weighted_attainment([(D("1"), D("2")), (D("0"), D("1"))]) == D("0.6667")
    # an indicator worth 0 points does not count: (0.5 × 10 + 0 × 0) / 10 = 0.5
    assert weighted_attainment([(D("0.5"), D("10")), (D("0"), D("0"))]) == D("0.5000")


def test_weighted_attainment_chains_with_attainment():
    items = [
        (attainment(HIGHER, D("50"), D("60"), D("20")), D("40")),  # 0.75
        (attainment(LOWER, D("23"), D("10"), D("30")), D("20")),  # 0.35
        (attainment(YES_NO, D("1"), None), D("40")),  # 1
    ]
    # (0.75 × 40 + 0.35 × 20 + 1 × 40) / 100 = (30 + 7 + 40) / 100 = 0.77
    assert weighted_attainment(items) == D("0.7700")
    assert weighted_attainment(iter(items)) == D("0.7700")


def test_weighted_attainment_empty_or_no_points():
    assert weighted_attainment([]) == D("0")
    assert weighted_attainment([(D("1"), D("0")), (D("0.5"), D("0"))]) == D("0")


def test_weighted_attainment_refuses_bad_items():
    with pytest.raises(ValueError):
        weighted_attainment([(D("1.2"), D("10"))])
    with pytest.raises(ValueError):
        weighted_attainment([(D("0.5"), D("-10"))])
