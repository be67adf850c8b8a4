"""The payment terms that govern a dotation's money: the convention's signed terms (domain.md: they prevail over
the campaign's defaults), read for one campaign year.

A convention carries its advance share and two day-month due dates (the advance in year N, the balance in year
N + 1); the campaign's own share and dates are only the defaults a convention is prepared with.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class PaymentTerms:
    advance_share: Decimal
    advance_due_date: datetime.date
    balance_due_date: datetime.date


def _day(year: int, month_day: str) -> datetime.date:
    """``"MM-DD"`` in ``year``; 29 February becomes 28 February outside leap years."""
    month, day = (int(part) for part in month_day.split("-"))
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return datetime.date(year, month, day - 1)


def convention_terms(convention, year: int) -> PaymentTerms:
    """The terms of ``convention`` for campaign ``year``: advance due in ``year``, balance in ``year + 1``."""
    return PaymentTerms(
        advance_share=convention.advance_share,
        advance_due_date=_day(year, convention.advance_due),
        balance_due_date=_day(year + 1, convention.balance_due),
    )


def payment_terms(dotation) -> PaymentTerms:
    """The terms that govern ``dotation``'s payments: its convention's, for its campaign's year."""
    return convention_terms(dotation.convention, dotation.campaign.year)


def campaign_defaults(campaign) -> dict:
    """What a convention prepared for ``campaign``'s year starts with (editable before it is sent)."""
    return {
        "advance_share": campaign.advance_share,
        "advance_due": campaign.advance_due_date.strftime("%m-%d"),
        "balance_due": campaign.balance_due_date.strftime("%m-%d"),
    }


def current_campaign_defaults() -> dict:
    """The defaults of this year's campaign, else of the latest one (registered in conventions.terms_defaults)."""
    from django.utils import timezone

    from .models import Campaign

    year = timezone.localdate().year
    campaign = Campaign.objects.filter(year=year).first() or Campaign.objects.order_by("-year").first()
    return campaign_defaults(campaign) if campaign is not None else {}
