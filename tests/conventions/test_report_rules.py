"""Every rule of an annual report's figures, with the French message the manager reads next to the field."""

from decimal import Decimal

import pytest

from conventions.charts import display
from conventions.enums import IndicatorUnit
from conventions.models import Indicator
from conventions.report_rules import report_errors
from structures.enums import ActivityFigure


def indicator(pk, unit, figure="", label=None):
    return Indicator(pk=pk, code=f"i{pk}", label=label or f"Indicateur {pk}", unit=unit, activity_figure=figure)


FILE_ACTIVE = indicator(1, IndicatorUnit.COUNT, ActivityFigure.FILE_ACTIVE, "File active")
PATIENTELE = indicator(2, IndicatorUnit.COUNT, ActivityFigure.PATIENTELE_MT, "Patientèle médecin traitant")
PRECARITY = indicator(3, IndicatorUnit.PERCENT, ActivityFigure.PRECARITY_SHARE, "Part C2S + AME")
ACTIONS = indicator(4, IndicatorUnit.COUNT, ActivityFigure.PARTICIPATORY_ACTIONS, "Actions participatives")
PARTICIPANTS = indicator(5, IndicatorUnit.COUNT, ActivityFigure.PARTICIPANTS, "Participants")
SATISFACTION = indicator(6, IndicatorUnit.PERCENT, label="Usagers satisfaits")
SHARED_RECORD = indicator(7, IndicatorUnit.YES_NO, label="Dossier partagé")
HOURS = indicator(8, IndicatorUnit.HOURS, label="Heures d'interprétariat")
DELAY = indicator(9, IndicatorUnit.DAYS, label="Délai de rendez-vous")
BUDGET = indicator(10, IndicatorUnit.EUROS, label="Budget d'interprétariat")
ALL = [FILE_ACTIVE, PATIENTELE, PRECARITY, ACTIONS, PARTICIPANTS, SATISFACTION, SHARED_RECORD, HOURS, DELAY, BUDGET]
D = Decimal


def errors(values, fte=None, complete=False):
    return report_errors(ALL, values, fte or {}, complete=complete)


@pytest.mark.parametrize(
    "item, value, message",
    [
        (SATISFACTION, D("100.5"), "« Usagers satisfaits » est un pourcentage : saisissez une valeur entre 0 et 100."),
        (SATISFACTION, D("-1"), "« Usagers satisfaits » est un pourcentage : saisissez une valeur entre 0 et 100."),
        (
            PRECARITY,
            D("101"),
            "La part de patients bénéficiaires de la C2S ou de l'AME est comprise entre 0 et 100 %.",
        ),
        (
            PRECARITY,
            D("-0.5"),
            "La part de patients bénéficiaires de la C2S ou de l'AME est comprise entre 0 et 100 %.",
        ),
        (FILE_ACTIVE, D("-3"), "« File active » ne peut pas être négatif."),
        (HOURS, D("-0.5"), "« Heures d'interprétariat » ne peut pas être négatif."),
        (DELAY, D("-2"), "« Délai de rendez-vous » ne peut pas être négatif."),
        (BUDGET, D("-10"), "« Budget d'interprétariat » ne peut pas être négatif."),
        (FILE_ACTIVE, D("12.5"), "« File active » est un nombre entier (sans décimales)."),
        (SHARED_RECORD, D("2"), "« Dossier partagé » se renseigne par oui ou non."),
        (SHARED_RECORD, D("0.5"), "« Dossier partagé » se renseigne par oui ou non."),
    ],
)
def test_each_value_rule(item, value, message):
    assert errors({item.pk: value}) == {f"value_{item.pk}": message}


@pytest.mark.parametrize(
    "item, value",
    [
        (SATISFACTION, D("0")),
        (SATISFACTION, D("100")),
        (PRECARITY, D("100")),
        (HOURS, D("12.25")),
        (FILE_ACTIVE, D("0")),
        (SHARED_RECORD, D("1")),
        (SHARED_RECORD, D("0")),
    ],
)
def test_boundaries_are_accepted(item, value):
    assert errors({item.pk: value}) == {}


def test_patients_with_a_medecin_traitant_cannot_exceed_the_file_active():
    assert errors({FILE_ACTIVE.pk: D("1200"), PATIENTELE.pk: D("1500")}) == {
        "value_2": "Les patients ayant déclaré un médecin traitant de la structure (1\u202f500) ne peuvent pas "
        "dépasser la file active (1\u202f200)."
    }
    assert errors({FILE_ACTIVE.pk: D("1500"), PATIENTELE.pk: D("1500")}) == {}


def test_participants_need_participatory_actions():
    assert errors({ACTIONS.pk: D("0"), PARTICIPANTS.pk: D("12")}) == {
        "value_5": "Des participants sont déclarés alors qu'aucune action participative ne l'est : "
        "corrigez l'un des deux."
    }
    assert errors({ACTIONS.pk: D("2"), PARTICIPANTS.pk: D("12")}) == {}


def test_fte_rules():
    assert errors({}, {"nurse": D("-1"), "psychologist": D("1000"), "reception": D("2.5")}) == {
        "fte_nurse": "Un nombre d'ETP ne peut pas être négatif.",
        "fte_psychologist": "Un nombre d'ETP ne dépasse pas 999.",
    }


def test_a_draft_may_be_incomplete_a_filing_may_not():
    assert errors({FILE_ACTIVE.pk: D("10")}) == {}
    complete = errors({FILE_ACTIVE.pk: D("10")}, complete=True)
    assert complete["value_2"] == "Renseignez « Patientèle médecin traitant » avant de déposer le rapport."
    assert len([key for key in complete if key]) == len(ALL) - 1
    assert complete[None] == (
        "Indiquez les effectifs de l'équipe en ETP (au moins une catégorie) avant de déposer le rapport."
    )


def test_a_value_error_wins_over_a_consistency_error_on_the_same_field():
    assert errors({FILE_ACTIVE.pk: D("10"), PATIENTELE.pk: D("20.5")}) == {
        "value_2": "« Patientèle médecin traitant » est un nombre entier (sans décimales)."
    }


@pytest.mark.parametrize(
    "value, unit, shown",
    [
        (D("45.50"), IndicatorUnit.PERCENT, "45,5\u00a0%"),
        (D("2400.00"), IndicatorUnit.COUNT, "2\u202f400"),
        (D("320.5"), IndicatorUnit.HOURS, "320,5\u00a0h"),
        (D("12.25"), IndicatorUnit.DAYS, "12,25\u00a0j"),
        (D("1"), IndicatorUnit.YES_NO, "oui"),
        (D("0"), IndicatorUnit.YES_NO, "non"),
        (D("1234.56"), IndicatorUnit.EUROS, "1\u202f234,56\u00a0€"),
        (None, IndicatorUnit.COUNT, "—"),
    ],
)
def test_values_are_shown_the_french_way(value, unit, shown):
    assert display(value, unit) == shown
