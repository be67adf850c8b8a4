"""Prorating by days in force (design.md §5): pure, no ORM, Decimal out.

A dotation covers the days of its campaign year during which its convention is in force, from its start
date to its last day (the end date, or the effective end of a termination, whichever is earlier), both
included. The coefficient is days in force / days in the year (365, or 366 in a leap year); it is never
rounded: the engine rounds each line once, at the end.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal


def days_in_year(year: int) -> int:
    return (datetime.date(year + 1, 1, 1) - datetime.date(year, 1, 1)).days


def days_in_force(year: int, start: datetime.date, last_day: datetime.date | None) -> int:
    """Days of ``year`` between ``start`` and ``last_day`` (both included; None: open-ended)."""
    first = max(start, datetime.date(year, 1, 1))
    last = datetime.date(year, 12, 31) if last_day is None else min(last_day, datetime.date(year, 12, 31))
    return max((last - first).days + 1, 0)


def prorata(year: int, start: datetime.date, last_day: datetime.date | None) -> Decimal:
    """The share of ``year`` in force, exactly 1 for a whole year and 0 for none."""
    days = days_in_force(year, start, last_day)
    total = days_in_year(year)
    if days == total:
        return Decimal(1)
    return Decimal(days) / Decimal(total)


def split_at(year: int, start: datetime.date, last_day: datetime.date | None, boundary: datetime.date | None):
    """Days in force of ``year`` on or before ``boundary`` and after it: (before, after).

    Used for the funds: the FISS pays the days funded up to its end date, the FIR the days after.
    """
    total = days_in_force(year, start, last_day)
    if boundary is None:
        return 0, total
    before_end = boundary if last_day is None else min(boundary, last_day)
    before = days_in_force(year, start, before_end) if before_end >= start else 0
    return before, total - before


def split_amount(amount: Decimal, before: int, after: int) -> tuple[Decimal, Decimal]:
    """``amount`` split in proportion to ``before`` and ``after`` days: the first part rounded half-up to the cent,
    the second the rest, so the parts add up to the amount exactly. No day at all: everything in the second."""
    if before + after == 0 or before == 0:
        return Decimal("0.00"), amount
    if after == 0:
        return amount, Decimal("0.00")
    first = (amount * Decimal(before) / Decimal(before + after)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return first, amount - first
