"""The annual report form: one value (and optional comment) per indicator, the team's FTE by category.

Fields are built from the report's indicators; the rules are conventions.report_rules, the ones the service
applies again, so the manager reads the same French message here as the service would give.
"""

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from secpa_portal.core.formats import format_number
from structures.enums import ProfessionalCategory

from ..enums import IndicatorUnit
from ..report_rules import comment_field, fte_field, report_errors, value_field
from .conventions import FrenchDecimalField, plain

YES_NO_CHOICES = [("", _("Non renseigné")), ("1", _("Oui")), ("0", _("Non"))]
UNIT_HINTS = {
    IndicatorUnit.COUNT: _("Nombre entier, ex. 1250."),
    IndicatorUnit.PERCENT: _("Pourcentage entre 0 et 100, ex. 42,5."),
    IndicatorUnit.HOURS: _("Nombre d'heures, ex. 320,5."),
    IndicatorUnit.EUROS: _("Montant en euros, ex. 1500,00."),
    IndicatorUnit.DAYS: _("Nombre de jours, ex. 12."),
}


def _to_decimal(value):
    return None if value in (None, "") else Decimal(value)


def _number(label, max_digits):
    return FrenchDecimalField(
        label=label,
        required=False,
        max_digits=max_digits,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "invalid": _("Saisissez un nombre, par exemple 12 ou 12,5."),
            "max_decimal_places": _("Deux chiffres après la virgule au plus."),
            "max_digits": _("Ce nombre est trop grand."),
            "max_whole_digits": _("Ce nombre est trop grand."),
        },
    )


def _hint(line, year) -> str:
    parts = [str(UNIT_HINTS.get(line.indicator.unit, ""))]
    target = next((t.value for t in line.targets.all() if t.year == year), None) if line.pk else None
    if target is not None:
        parts.append(str(_("Cible %(year)s : %(target)s.") % {"year": year, "target": format_number(target, 2)}))
    return escape(" ".join(part for part in parts if part))


class ReportForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, lines, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        activity, by_objective = [], {}
        for line in lines:
            indicator = line.indicator
            name = value_field(indicator)
            if indicator.unit == IndicatorUnit.YES_NO:
                field = forms.TypedChoiceField(
                    label=indicator.label, choices=YES_NO_CHOICES, coerce=Decimal, empty_value=None, required=False
                )
            else:
                field = _number(indicator.label, 14)
            field.help_text = _hint(line, year)
            self.fields[name] = field
            self.fields[comment_field(indicator)] = forms.CharField(
                label=_("Commentaire sur « %(label)s » (facultatif)") % {"label": indicator.label},
                required=False,
                max_length=500,
            )
            group = [name, comment_field(indicator)]
            if indicator.is_activity:
                activity.extend(group)
            else:
                title = line.objective.title if line.objective_id else str(_("Autres indicateurs"))
                by_objective.setdefault(title, []).extend(group)
        fte_names = []
        for category, label in ProfessionalCategory.choices:
            fte_names.append(fte_field(category))
            self.fields[fte_field(category)] = _number(_("%(category)s (ETP)") % {"category": label}, 6)
            self.fields[fte_field(category)].help_text = escape(
                _("Équivalents temps plein sur l'année, ex. 1,5. Laissez vide si aucun.")
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "version",
            Fieldset(_("Données d'activité"), *activity),
            Fieldset(_("Effectifs de l'équipe en équivalents temps plein"), *fte_names),
            *[
                Fieldset(_("Objectif : %(title)s") % {"title": escape(title)}, *names)
                for title, names in by_objective.items()
            ],
        )

    @staticmethod
    def initial_for(report, values, fte) -> dict:
        initial = {"version": report.version}
        for value in values:
            initial[value_field(value.indicator)] = (
                None
                if value.value is None
                else (str(int(value.value)) if value.indicator.unit == IndicatorUnit.YES_NO else plain(value.value))
            )
            initial[comment_field(value.indicator)] = value.comment
        for category, amount in fte.items():
            initial[fte_field(category)] = plain(amount)
        return initial

    def clean(self):
        cleaned = super().clean()
        errors = report_errors([line.indicator for line in self.lines], self.values(), self.fte())
        for field, message in errors.items():
            if field is None or field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return cleaned

    def values(self) -> dict:
        return {
            line.indicator.pk: _to_decimal(self.cleaned_data.get(value_field(line.indicator)))
            for line in self.lines
            if value_field(line.indicator) in self.cleaned_data
        }

    def comments(self) -> dict:
        return {line.indicator.pk: self.cleaned_data.get(comment_field(line.indicator), "") for line in self.lines}

    def fte(self) -> dict:
        return {
            category: self.cleaned_data.get(fte_field(category))
            for category in ProfessionalCategory.values
            if fte_field(category) in self.cleaned_data
        }

    def add_service_errors(self, errors: dict):
        for field, message in errors.items():
            self.add_error(field if field in self.fields else None, message)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du renvoi"),
        help_text=_("Ce que la structure doit corriger ou compléter ; le motif lui est envoyé par courriel."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": _("Indiquez le motif du renvoi : la structure en a besoin pour corriger.")},
    )
