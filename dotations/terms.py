"""The payment terms that govern a dotation's money: the convention's signed terms (domain.md: they prevail over
the campaign's defaults), read for one campaign year.

A convention carries its advance share and two day-month due dates (the advance in year N, the balance in year
N + 1); the campaign's own share and dates are only the defaults a convention is prepared with.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from conventions.payment_terms import terms_for


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
    """The terms of ``convention`` in force for campaign ``year`` (as signed, or as an avenant changed them from
    that year on: conventions/payment_terms.py): advance due in ``year``, balance in ``year + 1``."""
    terms = terms_for(convention, year)
    return PaymentTerms(
        advance_share=terms.advance_share,
        advance_due_date=_day(year, terms.advance_due),
        balance_due_date=_day(year + 1, terms.balance_due),
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


def locked_years(convention) -> dict[int, str]:
    """The campaign years whose payment terms an avenant can no longer change (registered in
    conventions.payment_terms): a year whose dotation is approved — its schedule was created with the terms and
    announced to the structure, and its advance may be paid. One query."""
    from django.db.models import Exists, OuterRef
    from django.utils.translation import gettext as _

    from .enums import DotationStatus, PaymentStatus
    from .models import Dotation, Payment

    rows = (
        Dotation.objects.filter(convention=convention, status=DotationStatus.APPROVED)
        .annotate(paid=Exists(Payment.objects.filter(dotation=OuterRef("pk"), status=PaymentStatus.PAID)))
        .values_list("campaign__year", "paid")
    )
    return {
        year: (
            _("un versement de la dotation %(year)s est déjà enregistré") % {"year": year}
            if paid
            else _("la dotation %(year)s est approuvée et son échéancier est fixé") % {"year": year}
        )
        for year, paid in rows
    }


def balance_rule_text(rule: str, floor) -> str:
    """The balance rule and floor of a campaign, in the words of the convention's text."""
    from django.utils.translation import gettext as _

    from secpa_portal.core.formats import fraction_percent

    from .enums import BalanceRule

    if rule == BalanceRule.ACI:
        return _(
            "le montant définitif de l'année est la dotation multipliée par l'atteinte pondérée des objectifs, sans "
            "descendre sous un plancher de %(floor)s de la dotation ; le solde est ce montant diminué de l'avance "
            "versée ; s'il est négatif, la structure reverse l'excédent d'avance (ordre de reversement)"
        ) % {"floor": fraction_percent(floor, 0)}
    return _(
        "le solde est la dotation diminuée de l'avance, multipliée par l'atteinte pondérée des objectifs, sans "
        "descendre sous un plancher de %(floor)s ; il n'est jamais négatif"
    ) % {"floor": fraction_percent(floor, 0)}


def balance_rules(convention) -> list[tuple[int, str]]:
    """Per year of ``convention`` whose campaign exists, its balance rule and floor in words (registered in
    conventions.payment_terms for the convention's text). One query."""
    from .models import Campaign

    rows = Campaign.objects.filter(year__in=convention.years).order_by("year")
    return [
        (year, balance_rule_text(rule, floor))
        for year, rule, floor in rows.values_list("year", "balance_rule", "balance_floor")
    ]
