"""The missions step: the eight missions, each with how it is delivered and a description."""

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import rules
from ..enums import MANDATORY_MISSIONS, DeliveryMode, Mission
from .fields import TEXT_MAX_LENGTH, FrenchDecimalField, text

MISSIONS = list(Mission)


def _label(text_, mission):
    return format_html('{}<span class="fr-sr-only"> — {}</span>', text_, mission.label)


class MissionLineForm(forms.Form):
    delivery_mode = forms.ChoiceField(
        label=gettext_lazy("Mode de réalisation"),
        # The blank choice lets a mission described by mistake be left out again (a radio cannot be unticked).
        choices=[("", gettext_lazy("Non renseignée pour l'instant")), *DeliveryMode.choices],
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choisissez un des modes de réalisation proposés.")},
    )
    in_house_fte = FrenchDecimalField(
        label=gettext_lazy("ETP salariés consacrés"),
        min_value=0,
        max_value=999,
        max_digits=6,
        help_text=gettext_lazy("Si des salariés de la structure la réalisent, ex. 0,5."),
    )
    partner_name = text(
        gettext_lazy("Partenaire"),
        help_text=gettext_lazy("Si un partenaire conventionné la réalise : son nom, ex. Association Interprètes 93."),
    )
    description = text(
        gettext_lazy("Description"),
        max_length=TEXT_MAX_LENGTH,
        textarea=True,
        help_text=gettext_lazy("Comment la mission est organisée, pour qui, avec quels moyens."),
    )

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.mission = Mission(mission)
        self.heading = self.mission.label
        self.mandatory = self.mission in MANDATORY_MISSIONS
        for field in self.fields.values():
            field.label = _label(str(field.label), self.mission)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        mode = cleaned.get("delivery_mode")
        fte = cleaned.get("in_house_fte")
        partner = cleaned.get("partner_name", "").strip()
        description = cleaned.get("description", "").strip()
        cleaned["partner_name"], cleaned["description"] = partner, description
        if not (mode or fte is not None or partner or description):
            return cleaned
        if not mode:
            self.add_error(
                "delivery_mode",
                _("Indiquez comment la mission est réalisée, ou videz ses champs pour la laisser non renseignée."),
            )
        if not description:
            self.add_error("description", _("Décrivez comment la mission est réalisée."))
        if mode in (DeliveryMode.IN_HOUSE, DeliveryMode.BOTH) and not (fte and fte > 0):
            self.add_error("in_house_fte", _("Indiquez les ETP salariés consacrés à la mission (plus de 0)."))
        if mode in (DeliveryMode.PARTNER, DeliveryMode.BOTH) and not partner:
            self.add_error("partner_name", _("Nommez le partenaire qui réalise la mission."))
        return cleaned

    def line(self) -> dict | None:
        """The mission line to save, or None when the mission is left blank."""
        mode = self.cleaned_data.get("delivery_mode")
        if not mode:
            return None
        return {
            "mission": self.mission,
            "delivery_mode": mode,
            "in_house_fte": self.cleaned_data["in_house_fte"] if mode != DeliveryMode.PARTNER else None,
            "partner_name": self.cleaned_data["partner_name"] if mode != DeliveryMode.IN_HOUSE else "",
            "description": self.cleaned_data["description"],
        }


class BaseMissionFormSet(forms.BaseFormSet):
    structure = None

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "mission": MISSIONS[index]}

    def clean(self):
        super().clean()
        self.warnings = []
        if self.structure is None or any(form.errors for form in self.forms):
            return
        # Weighed like the pre-check's « ETP des missions » criterion (structures/rules.py): a warning.
        problems = rules.mission_fte_problems(
            rules.mission_rows(self.lines()), rules.team_rows(self.structure.team_lines.all())
        )
        self.warnings = rules.mission_fte_messages(problems)

    def lines(self) -> list[dict]:
        return [line for form in self.forms if (line := form.line())]


MissionFormSet = forms.formset_factory(
    MissionLineForm,
    formset=BaseMissionFormSet,
    extra=0,
    min_num=len(MISSIONS),
    max_num=len(MISSIONS),
    absolute_max=len(MISSIONS),
    validate_min=True,
    validate_max=True,
)


def mission_formset(structure, data=None) -> BaseMissionFormSet:
    by_mission = {line.mission: line for line in structure.mission_lines.all()}
    initial = []
    for mission in MISSIONS:
        line = by_mission.get(mission)
        initial.append(
            {
                "delivery_mode": line.delivery_mode,
                "in_house_fte": line.in_house_fte,
                "partner_name": line.partner_name,
                "description": line.description,
            }
            if line
            else {}
        )
    formset = MissionFormSet(data, initial=initial, prefix="missions")
    formset.structure = structure
    return formset
