"""Indicator values the French way, with their unit: 42,5 %, 300 h, 12 j, Oui."""

from decimal import Decimal

from django import template

from secpa_portal.core.formats import euros, format_number

register = template.Library()


@register.filter
def indicator_value(value, unit=""):
    if value is None or value == "":
        return "—"
    number = Decimal(str(value))
    if unit == "yes_no":
        return "Oui" if number >= 1 else "Non"
    if unit == "euros":
        return euros(number)
    text = format_number(number, 0 if number == number.to_integral() else 2)
    suffix = {"percent": "\u00a0%", "hours": "\u00a0h", "days": "\u00a0j"}.get(unit, "")
    return text + suffix
