"""Template filters for French formats (``{% load fr_format %}``): a thin wrapper over ``secpa_portal.core.formats``,
which Python code imports directly."""

from django import template

from secpa_portal.core import formats

register = template.Library()

register.filter("euros", formats.euros)
register.filter("euros_round", formats.euros_round)
register.filter("number", formats.number)
register.filter("percent", formats.percent)
register.filter("fraction_percent", formats.fraction_percent)
register.filter("date_fr", formats.date_fr)
