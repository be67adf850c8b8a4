"""The rules an annual report's figures must follow, in one pure place (no ORM).

The form and the services ask the same function, so a rule cannot be bypassed and its French message is the
one the manager reads next to the field. Keys are the form's field names: ``value_<indicator pk>``,
``fte_<category>``; ``None`` holds errors that concern the report as a whole.
"""

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from secpa_portal.core.formats import date_fr, format_number
from structures.enums import ActivityFigure

from .enums import IndicatorUnit

HUNDRED = Decimal("100")
ZERO = Decimal("0")
MAX_FTE = Decimal("999")
WHOLE_UNITS = (IndicatorUnit.COUNT,)
NON_NEGATIVE_UNITS = (IndicatorUnit.COUNT, IndicatorUnit.HOURS, IndicatorUnit.EUROS, IndicatorUnit.DAYS)


def value_field(indicator) -> str:
    return f"value_{indicator.pk}"


def comment_field(indicator) -> str:
    return f"comment_{indicator.pk}"


def fte_field(category: str) -> str:
    return f"fte_{category}"


def _value_error(indicator, value: Decimal) -> str | None:
    label = indicator.label
    if indicator.activity_figure == ActivityFigure.PRECARITY_SHARE and not ZERO <= value <= HUNDRED:
        return _("La part de patients bénéficiaires de la C2S ou de l'AME est comprise entre 0 et 100 %.")
    if indicator.unit == IndicatorUnit.PERCENT and not ZERO <= value <= HUNDRED:
        return _("« %(label)s » est un pourcentage : saisissez une valeur entre 0 et 100.") % {"label": label}
    if indicator.unit == IndicatorUnit.YES_NO and value not in (ZERO, Decimal("1")):
        return _("« %(label)s » se renseigne par oui ou non.") % {"label": label}
    if indicator.unit in NON_NEGATIVE_UNITS and value < ZERO:
        return _("« %(label)s » ne peut pas être négatif.") % {"label": label}
    if indicator.unit in WHOLE_UNITS and value != value.to_integral_value():
        return _("« %(label)s » est un nombre entier (sans décimales).") % {"label": label}
    return None


def _by_figure(indicators, values):
    return {
        indicator.activity_figure: (indicator, values.get(indicator.pk))
        for indicator in indicators
        if indicator.activity_figure
    }


def _consistency_errors(indicators, values) -> dict:
    """Rules between figures, reported on the field that the manager most likely mistyped."""
    errors = {}
    figures = _by_figure(indicators, values)
    file_active = figures.get(ActivityFigure.FILE_ACTIVE, (None, None))[1]
    patientele = figures.get(ActivityFigure.PATIENTELE_MT)
    if patientele and patientele[1] is not None and file_active is not None and patientele[1] > file_active:
        errors[value_field(patientele[0])] = _(
            "Les patients ayant déclaré un médecin traitant de la structure (%(mt)s) ne peuvent pas dépasser la "
            "file active (%(fa)s)."
        ) % {"mt": _plain(patientele[1]), "fa": _plain(file_active)}
    actions = figures.get(ActivityFigure.PARTICIPATORY_ACTIONS, (None, None))[1]
    participants = figures.get(ActivityFigure.PARTICIPANTS)
    if participants and participants[1] and actions == ZERO:
        errors[value_field(participants[0])] = _(
            "Des participants sont déclarés alors qu'aucune action participative ne l'est : corrigez l'un des deux."
        )
    return errors


def _plain(value: Decimal) -> str:
    return format_number(value, 0 if value == value.to_integral_value() else 2)


def report_errors(indicators, values: dict, fte: dict, *, complete: bool = False) -> dict:
    """Errors of a report's figures, by field.

    ``indicators``: the Indicator objects of the report; ``values``: {indicator pk: Decimal or None};
    ``fte``: {professional category: Decimal or None}. ``complete=True`` (filing) also requires a value for
    every indicator and the team's FTE.
    """
    errors = {}
    for indicator in indicators:
        value = values.get(indicator.pk)
        if value is None:
            if complete:
                errors[value_field(indicator)] = _("Renseignez « %(label)s » avant de déposer le rapport.") % {
                    "label": indicator.label
                }
            continue
        message = _value_error(indicator, value)
        if message:
            errors[value_field(indicator)] = message
    for category, value in fte.items():
        if value is None:
            continue
        if value < ZERO:
            errors[fte_field(category)] = _("Un nombre d'ETP ne peut pas être négatif.")
        elif value > MAX_FTE:
            errors[fte_field(category)] = _("Un nombre d'ETP ne dépasse pas 999.")
    for field, message in _consistency_errors(indicators, values).items():
        errors.setdefault(field, message)
    if complete and not any(value for value in fte.values()):
        errors[None] = _(
            "Indiquez les effectifs de l'équipe en ETP (au moins une catégorie) avant de déposer le rapport."
        )
    return errors


# --- When a report may be filed (domain.md: a year-N report describes a finished year) ---------------------------


def last_day_in_force(convention) -> datetime.date:
    """The convention's last day in force: its end date, or the last day of a termination when earlier."""
    last = convention.end_date
    if convention.terminated_on is not None:
        last = min(last, convention.terminated_on)
    elif convention.terminated_at is not None:
        last = min(last, timezone.localdate(convention.terminated_at))
    return last


def filing_opens_on(year: int, last_day: datetime.date) -> datetime.date:
    """The first day a year-``year`` report may be filed: 1 January of the next year, or the day after the
    convention's last day in force (``last_day``) when that comes earlier (a convention ended or terminated during
    the year)."""
    return min(datetime.date(year + 1, 1, 1), last_day + datetime.timedelta(days=1))


def report_filing_opens_on(report) -> datetime.date:
    return filing_opens_on(report.year, last_day_in_force(report.convention))


def filing_too_early(report, today: datetime.date) -> str | None:
    """The French reason why ``report`` cannot be filed yet on ``today``, or None when it can."""
    opens = report_filing_opens_on(report)
    if today >= opens:
        return None
    return _(
        "Le rapport annuel %(year)s décrit une année terminée : il pourra être déposé à partir du %(date)s. "
        "Vous pouvez le compléter d'ici là et enregistrer le brouillon."
    ) % {"year": report.year, "date": date_fr(opens)}
