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
register.filter("day_month_fr", formats.day_month_fr)
register.filter("datetime_fr", formats.datetime_fr)
register.filter("coefficient", formats.coefficient)


@register.filter
def fr_plural(count, suffixes="s"):
    """French agreement, singular for 0 and 1 (Django's ``pluralize`` makes 0 plural): ``dotation{{ n|fr_plural }}``,
    ``n'{{ n|fr_plural:"a,ont" }}``. A list or a queryset counts its items."""
    if not isinstance(count, (int, float, str)) and hasattr(count, "__len__"):
        count = len(count)
    singular, _, plural_form = suffixes.rpartition(",") if "," in suffixes else ("", "", suffixes)
    return formats.plural(count, singular, plural_form)


@register.filter
def counted(count, nouns):
    """``{{ n|counted:"participant,participants" }}`` → « 1 participant », « 1 234 participants »."""
    singular, _, plural_form = nouns.partition(",")
    return formats.counted(count, singular, plural_form or singular + "s")
