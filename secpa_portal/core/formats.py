"""French formats: 1 234 567,89 €, 42,5 %, 22 novembre 2026 (ux.md).

Plain functions for Python code (services, charts, exports); templates reach the same functions through the
``fr_format`` template filters.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import date_format

NARROW_NBSP = "\u202f"


def _group(integer_part: str) -> str:
    digits = integer_part.lstrip("-")
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return ("-" if integer_part.startswith("-") else "") + NARROW_NBSP.join(groups)


def format_number(value, places: int = 0) -> str:
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    quantum = Decimal(1).scaleb(-places) if places else Decimal(1)
    text = f"{number.quantize(quantum, rounding=ROUND_HALF_UP):f}"
    integer_part, _, decimals = text.partition(".")
    return _group(integer_part) + ("," + decimals if decimals else "")


def euros(value):
    """1234567.891 → « 1 234 567,89 € » (narrow no-break spaces)."""
    if value is None or value == "":
        return "—"
    return f"{format_number(value, 2)}\u00a0€"


def euros_round(value):
    """Whole euros, for charts and gauges."""
    if value is None or value == "":
        return "—"
    return f"{format_number(value, 0)}\u00a0€"


def number(value, places=0):
    """1234.5 with 2 places → « 1 234,50 »."""
    return format_number(value, int(places))


def percent(value, places=1):
    """42.5 → « 42,5 % »; the value is already in percent."""
    if value is None or value == "":
        return "—"
    return f"{format_number(value, int(places))}\u00a0%"


def fraction_percent(value, places=1):
    """0.425 → « 42,5 % »."""
    if value is None or value == "":
        return "—"
    return percent(Decimal(str(value)) * 100, places)


def date_fr(value):
    """« 22 novembre 2026 »."""
    if not value:
        return "—"
    return date_format(value, "j F Y")
