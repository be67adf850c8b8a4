"""``{% load region_tags %}``: the regional envelopes' own total (never the national envelope in their column)."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def envelopes_total(regions):
    """The sum of the regional envelopes set among ``regions`` (RegionRow items), or None when none is set."""
    amounts = [row.envelope for row in regions if row.envelope is not None]
    return sum(amounts, Decimal("0")) if amounts else None
