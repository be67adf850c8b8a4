import datetime
from decimal import Decimal

from dotations.prorata import days_in_force, days_in_year, prorata, split_at

D = datetime.date


def test_whole_year_is_exactly_one():
    assert prorata(2026, D(2025, 1, 1), D(2029, 12, 31)) == Decimal(1)
    assert prorata(2026, D(2026, 1, 1), None) == Decimal(1)


def test_start_on_1_july_covers_184_days_of_365():
    assert days_in_force(2026, D(2026, 7, 1), D(2027, 6, 30)) == 184
    assert prorata(2026, D(2026, 7, 1), D(2027, 6, 30)) == Decimal(184) / Decimal(365)


def test_end_on_30_june_covers_181_days_of_365():
    assert days_in_force(2026, D(2024, 1, 1), D(2026, 6, 30)) == 181


def test_leap_year_counts_366_days():
    assert days_in_year(2028) == 366
    assert days_in_force(2028, D(2028, 7, 1), None) == 184
    assert prorata(2028, D(2028, 1, 1), D(2028, 2, 29)) == Decimal(60) / Decimal(366)


def test_not_in_force_that_year():
    assert days_in_force(2026, D(2027, 1, 1), None) == 0
    assert days_in_force(2026, D(2020, 1, 1), D(2025, 12, 31)) == 0


def test_split_at_the_fiss_end_date():
    # 2026: FISS to 31 October (304 days), FIR after (61 days).
    assert split_at(2026, D(2025, 1, 1), None, D(2026, 10, 31)) == (304, 61)
    assert split_at(2026, D(2026, 11, 15), None, D(2026, 10, 31)) == (0, 47)
    assert split_at(2026, D(2025, 1, 1), D(2026, 6, 30), D(2026, 10, 31)) == (181, 0)
    assert split_at(2026, D(2025, 1, 1), None, None) == (0, 365)
