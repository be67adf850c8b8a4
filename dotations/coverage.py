"""The days of a campaign year a convention covers (design.md §5, prorating), read from the convention.

The pure arithmetic is in ``dotations.prorata``; this module only says which dates of a convention count.
"""

import datetime

from conventions import report_rules

from . import prorata


def last_day_in_force(convention) -> datetime.date:
    """The convention's last day in force: its end date, or the last day of its termination if earlier (the day
    asked when terminating; the day it was recorded for older rows). One rule with the report timeline:
    ``conventions.report_rules.last_day_in_force``."""
    return report_rules.last_day_in_force(convention)


def days_covered(convention, year: int, last_day: datetime.date | None = None) -> tuple[int, int]:
    """(days in force, days in the year) of ``year`` for ``convention``; ``last_day`` overrides its last day
    (a closure effective on a given date)."""
    last = last_day_in_force(convention) if last_day is None else last_day
    return prorata.days_in_force(year, convention.start_date, last), prorata.days_in_year(year)


def coefficient(days_in_force: int, days_in_year: int):
    """The exact prorata of these days (1 for a whole year)."""
    from decimal import Decimal

    if days_in_force == days_in_year:
        return Decimal(1)
    return Decimal(days_in_force) / Decimal(days_in_year)


def funded_days_by_fund(dotation) -> tuple[int, int]:
    """(days funded by the FISS, days funded by the FIR) of ``dotation``'s year: the days it covers on or before
    the campaign's FISS end date, and after it (no FISS end date: the FIR funds every day)."""
    campaign, convention = dotation.campaign, dotation.convention
    first = max(convention.start_date, datetime.date(campaign.year, 1, 1))
    if dotation.days_in_force is not None:
        last = first + datetime.timedelta(days=dotation.days_in_force - 1)
    else:
        last = last_day_in_force(convention)
    return prorata.split_at(campaign.year, first, last, campaign.fiss_end_date)


def split_payment(payment, dotation) -> None:
    """Set ``payment.fiss_amount`` and ``fir_amount`` from its amount (both empty while the amount is not fixed)."""
    if payment.amount is None:
        payment.fiss_amount = payment.fir_amount = None
        return
    before, after = funded_days_by_fund(dotation)
    payment.fiss_amount, payment.fir_amount = prorata.split_amount(payment.amount, before, after)
