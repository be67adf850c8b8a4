"""French formats: 1 234 567,89 €, 42,5 %, 22 novembre 2026, 1er décembre, × 1,25, 0 dotation (ux.md).

Plain functions for Python code (services, charts, exports); templates reach the same functions through the
``fr_format`` template filters.
"""

import datetime
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone

NARROW_NBSP = "\u202f"
# The portal speaks French only (settings.LANGUAGES): written dates name their month without a translation lookup
# per call, which was a tenth of a 50-row list's time.
MONTHS = (
    *("janvier", "février", "mars", "avril", "mai", "juin"),
    *("juillet", "août", "septembre", "octobre", "novembre", "décembre"),
)


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
    if type(value) in (Decimal, int):  # not bool, not float (whose repr is what the reader typed)
        number = Decimal(value)
    else:
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


def coefficient(value, places=6):
    """A multiplier with the digits that matter: « 1 », « 1,25 », « 0,987654 » (at most ``places`` decimals,
    trailing zeros dropped), never « 1,000000 »."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value)).quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return str(value)
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    integer_part, _, decimals = text.partition(".")
    return _group(integer_part) + ("," + decimals if decimals else "")


def _local(value):
    """An aware datetime in the current time zone (the day written is the reader's); dates as they are."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _day(value) -> str:
    """French writes the first of the month « 1er »."""
    return "1er" if value.day == 1 else str(value.day)


def date_fr(value):
    """« 22 novembre 2026 », « 1er décembre 2026 »."""
    if not value:
        return "—"
    value = _local(value)
    return f"{_day(value)} {MONTHS[value.month - 1]} {value.year}"


def day_month_fr(value):
    """« 31 mars », « 1er avril » (a date that comes back every year)."""
    if not value:
        return "—"
    value = _local(value)
    return f"{_day(value)} {MONTHS[value.month - 1]}"


def datetime_fr(value):
    """« 1er décembre 2026 à 09:05 »: how histories write a moment, beside written dates."""
    if not value:
        return "—"
    value = _local(value)
    return f"{date_fr(value)} à {value:%H:%M}"


def plural(count, singular: str, plural_form: str) -> str:
    """French agreement: singular for 0 and 1 (« 0 dotation », « 1 dotation », « 2 dotations »)."""
    try:
        many = abs(Decimal(str(count))) >= 2
    except InvalidOperation:
        many = False
    return plural_form if many else singular


def counted(count, singular: str, plural_form: str, places: int = 0) -> str:
    """« 1 234 dotations », « 1 dotation », « 0 dotation », « 7,69 participants »."""
    return f"{format_number(count, places)}\u00a0{plural(count, singular, plural_form)}"


def progress_percent(done, total) -> int:
    """The share done, in whole percent rounded down (100 % only when everything is done)."""
    if not total:
        return 0
    return max(0, min(100, int(done) * 100 // int(total)))


def progress(done, total, singular: str, plural_form: str) -> str:
    """« 1 234 / 5 000 dotations calculées — 24 % »."""
    noun = plural(total, singular, plural_form)
    return f"{format_number(done)} / {format_number(total)} {noun} — {progress_percent(done, total)}\u00a0%"


LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


def sort_key(text) -> tuple:
    """Alphabetical order as a French reader expects it, in Python: accents and case matter only to break ties
    (« abbaye, Émile, Eole, Île-de-France, zola »; lowercase before uppercase, as ICU's French collation).
    The database sorts the same with ``secpa_portal.core.collation.french`` (ICU on PostgreSQL, this key on
    SQLite)."""
    text = "" if text is None else str(text)
    decomposed = unicodedata.normalize("NFKD", text.translate(LIGATURES))
    base = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    return (base, decomposed.casefold(), text.swapcase())
