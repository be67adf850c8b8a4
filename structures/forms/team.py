"""The team step: one line per professional category (headcount and FTE), blank when absent."""

from decimal import Decimal

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ..enums import OTHER_HEALTH_PROFESSIONS, ProfessionalCategory
from .fields import CountField, FrenchDecimalField

CATEGORIES = list(ProfessionalCategory)
# Categories the pre-check looks for, hinted next to their line.
HEALTH_CATEGORIES = {ProfessionalCategory.GENERAL_PRACTITIONER, *OTHER_HEALTH_PROFESSIONS}


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
        headcount, fte = cleaned.get("headcount"), cleaned.get("fte")
        if self.errors:
            return cleaned
        if headcount and fte is None:
            self.add_error("fte", _("Indiquez les équivalents temps plein de ces %(n)s personnes.") % {"n": headcount})
        elif fte and not headcount:
            self.add_error("headcount", _("Indiquez combien de personnes représentent ces ETP."))
        elif headcount and fte > headcount:
            self.add_error(
                "fte", _("Les ETP ne peuvent dépasser l'effectif : une personne compte au plus pour 1 ETP.")
            )
        return cleaned

    def line(self) -> dict | None:
        """The team line to save, or None when the category is absent."""
        headcount = self.cleaned_data.get("headcount")
        if not headcount:
            return None
        return {"category": self.category, "headcount": headcount, "fte": self.cleaned_data.get("fte") or Decimal(0)}


class BaseTeamFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "category": CATEGORIES[index]}

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
    return TeamFormSet(data, initial=initial, prefix="equipe")
