"""The team step: one line per professional category (headcount and FTE), blank when absent."""

from decimal import Decimal

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .. import rules
from ..enums import ProfessionalCategory
from .fields import CountField, FrenchDecimalField

CATEGORIES = list(ProfessionalCategory)


class TeamLineForm(forms.Form):
    headcount = CountField(label="Effectif", max_value=10_000)
    fte = FrenchDecimalField(label="ETP", min_value=0, max_value=999, max_digits=6)

    def __init__(self, *args, category, **kwargs):
        super().__init__(*args, **kwargs)
        self.category = ProfessionalCategory(category)
        self.heading = self.category.label
        self.fields["headcount"].label = format_html(
            '{}<span class="fr-sr-only"> — {}</span>', _("Effectif"), self.category.label
        )
        self.fields["fte"].label = format_html(
            '{}<span class="fr-sr-only"> — {}</span>', _("ETP"), self.category.label
        )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        # The pre-check applies the same rule to the saved lines (structures/rules.py).
        row = rules.TeamRow(self.category, cleaned.get("headcount"), cleaned.get("fte"))
        for field, message in rules.team_line_problems(row):
            self.add_error(field, message)
        return cleaned

    def line(self) -> dict | None:
        """The team line to save, or None when the category is absent."""
        headcount = self.cleaned_data.get("headcount")
        if not headcount:
            return None
        return {"category": self.category, "headcount": headcount, "fte": self.cleaned_data.get("fte") or Decimal(0)}


class BaseTeamFormSet(forms.BaseFormSet):
    structure = None

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "category": CATEGORIES[index]}

    def clean(self):
        super().clean()
        self.warnings = []
        if self.structure is None or any(form.errors for form in self.forms):
            return
        # Weighed like the pre-check's « ETP des missions » criterion: a warning, the ARS judges.
        problems = rules.mission_fte_problems(
            rules.mission_rows(self.structure.mission_lines.all()), rules.team_rows(self.lines())
        )
        self.warnings = rules.mission_fte_messages(problems)
        if missing := rules.in_house_problems(rules.team_rows(self.lines())):
            self.warnings.append(rules.in_house_message(missing))

    def lines(self) -> list[dict]:
        return [line for form in self.forms if (line := form.line())]


TeamFormSet = forms.formset_factory(
    TeamLineForm,
    formset=BaseTeamFormSet,
    extra=0,
    min_num=len(CATEGORIES),
    max_num=len(CATEGORIES),
    absolute_max=len(CATEGORIES),
    validate_min=True,
    validate_max=True,
)


def team_formset(structure, data=None) -> BaseTeamFormSet:
    by_category = {line.category: line for line in structure.team_lines.all()}
    initial = [
        {"headcount": line.headcount, "fte": line.fte} if (line := by_category.get(category)) else {}
        for category in CATEGORIES
    ]
    formset = TeamFormSet(data, initial=initial, prefix="equipe")
    formset.structure = structure
    return formset
