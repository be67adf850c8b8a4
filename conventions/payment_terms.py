"""A convention's payment terms year by year (issue 9): the terms signed with the convention govern its years
until an avenant changes them **from a given campaign year on**; a later avenant replaces the terms from its own
year on. The years before keep the terms they were paid under.

``Convention.amended_terms`` holds the avenants' terms, sorted by year::

    [{"from_year": 2027, "advance_share": "0.50", "advance_due": "01-31", "balance_due": "04-30"}]

An avenant never changes the terms of a year whose dotation is approved (its schedule was created and announced
with those terms, and its advance may be paid): the dotations app, which depends on this one, registers
``locked_years`` when it is ready (see ``register_locks``), so this app never imports it.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from secpa_portal.core.formats import fraction_percent


@dataclass(frozen=True)
class YearTerms:
    advance_share: Decimal
    advance_due: str  # "MM-DD", in year N
    balance_due: str  # "MM-DD", in year N + 1

    @property
    def advance_due_label(self) -> str:
        return day_month_label(self.advance_due)

    @property
    def balance_due_label(self) -> str:
        return day_month_label(self.balance_due)

    @property
    def advance_share_label(self) -> str:
        return fraction_percent(self.advance_share, 0)

    def describe(self) -> str:
        return _(
            "avance de %(share)s au plus tard le %(advance)s de l'année, solde au plus tard le %(balance)s de "
            "l'année suivante"
        ) % {"share": self.advance_share_label, "advance": self.advance_due_label, "balance": self.balance_due_label}

    def as_json(self, from_year: int) -> dict:
        return {
            "from_year": from_year,
            "advance_share": str(self.advance_share),
            "advance_due": self.advance_due,
            "balance_due": self.balance_due,
        }


@dataclass(frozen=True)
class TermsPeriod:
    first_year: int
    last_year: int
    terms: YearTerms
    amended: bool  # set by an avenant, not by the convention as signed


def day_month_label(value: str) -> str:
    month, day = (int(part) for part in value.split("-"))
    return date_format(datetime.date(2000, month, day), "j F")


def signed_terms(convention) -> YearTerms:
    return YearTerms(convention.advance_share, convention.advance_due, convention.balance_due)


def _from_json(item: dict) -> YearTerms:
    return YearTerms(Decimal(item["advance_share"]), item["advance_due"], item["balance_due"])


def terms_for(convention, year: int, amended=None) -> YearTerms:
    """The terms in force for campaign ``year`` (``amended``: another list than the convention's, e.g. the one
    an applied avenant replaced)."""
    current = signed_terms(convention)
    for item in sorted(convention.amended_terms if amended is None else amended, key=lambda i: i["from_year"]):
        if item["from_year"] <= year:
            current = _from_json(item)
    return current


def terms_periods(convention) -> list[TermsPeriod]:
    """The convention's years grouped by the terms that govern them (one period when no avenant changed them)."""
    years = convention.years
    periods = []
    for year in years:
        terms = terms_for(convention, year)
        amended = any(item["from_year"] <= year for item in convention.amended_terms)
        if periods and periods[-1].terms == terms:
            periods[-1] = TermsPeriod(periods[-1].first_year, year, terms, periods[-1].amended)
        else:
            periods.append(TermsPeriod(year, year, terms, amended))
    return periods


def with_terms_from(amended: list, from_year: int, terms: YearTerms) -> list:
    """``amended`` where ``terms`` replace every entry from ``from_year`` on."""
    kept = [item for item in amended if item["from_year"] < from_year]
    return sorted([*kept, terms.as_json(from_year)], key=lambda i: i["from_year"])


_locks: Callable[[object], dict[int, str]] | None = None


def register_locks(provider: Callable[[object], dict[int, str]]) -> None:
    """``provider(convention)`` returns {campaign year: why its terms can no longer change}."""
    global _locks
    _locks = provider


def locked_years(convention) -> dict[int, str]:
    return _locks(convention) if _locks is not None else {}


def lock_refusal(convention, from_year: int) -> str:
    """Why new terms cannot apply from ``from_year`` (a year from then on is already locked), or ''."""
    locked = {year: why for year, why in locked_years(convention).items() if year >= from_year}
    if not locked:
        return ""
    year = min(locked)
    return _(
        "Les conditions de versement de %(year)s ne peuvent plus changer : %(why)s. Un avenant ne change les "
        "conditions que des années qui suivent, à partir de %(next)s."
    ) % {"year": year, "why": locked[year], "next": max(locked) + 1}


_balance_rules: Callable[[object], list[tuple[int, str]]] | None = None


def register_balance_rules(provider: Callable[[object], list[tuple[int, str]]]) -> None:
    """``provider(convention)`` returns, per year of the convention whose campaign exists, the balance rule and
    floor of that campaign in words (the campaigns live in the dotations app)."""
    global _balance_rules
    _balance_rules = provider


def balance_rules(convention) -> list[tuple[int, str]]:
    """[(year, "the balance rule and floor in words")] for the convention's years that have a campaign."""
    return _balance_rules(convention) if _balance_rules is not None else []
