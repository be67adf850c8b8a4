"""The scenario form (assumptions, population, barème) and the formset of hypothetical new structures.

Numbers are typed the French way (« 280 000 000 000 », « 1,5 »); every error is in French and the page keeps
what was typed."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from dotations.forms.fields import FrenchDecimalField, FrenchIntegerField, percent
from dotations.models import Campaign
from secpa_portal.core.forms import VersionedFormMixin
from secpa_portal.reference.models import Region
from structures.enums import ProfessionalCategory, StructureKind, TerritoryType

from .enums import Profile
from .models import HORIZON_MAX, MAX_NEW_PER_GROUP

YEAR_ERRORS = {"invalid": _("Saisissez une année sur 4 chiffres, par exemple 2027.")}
REQUIRED = _("Ce champ est obligatoire.")


def rate(label, maximum, **kwargs):
    """A percentage between 0 and ``maximum``."""
    return FrenchDecimalField(label=label, min_value=Decimal("0"), max_value=maximum, decimal_places=2, **kwargs)


class ScenarioForm(VersionedFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Nom du scénario"),
        max_length=200,
        help_text=_("Par exemple « PLFSS 2027 : 60 structures et 20 nouvelles »."),
        error_messages={"required": _("Donnez un nom au scénario.")},
    )
    first_year = FrenchIntegerField(
        label=_("Première année"),
        min_value=2020,
        max_value=2100,
        help_text=_("4 chiffres, par exemple 2027."),
        error_messages={
            **YEAR_ERRORS,
            "required": _("Indiquez la première année."),
            "min_value": _("L'année doit être comprise entre 2020 et 2100."),
            "max_value": _("L'année doit être comprise entre 2020 et 2100."),
        },
    )
    horizon = forms.TypedChoiceField(
        label=_("Horizon"),
        coerce=int,
        choices=[(n, f"{n} an{'s' if n > 1 else ''}") for n in range(1, HORIZON_MAX + 1)],
        initial=3,
        error_messages={"invalid_choice": _("L'horizon va de 1 à 5 ans.")},
    )
    include_conventioned = forms.BooleanField(
        label=_("Structures sous convention (leurs derniers chiffres connus)"), required=False, initial=True
    )
    include_eligible = forms.BooleanField(label=_("Structures éligibles sans convention"), required=False)
    include_in_review = forms.BooleanField(label=_("Dossiers en instruction"), required=False)
    campaign = forms.ModelChoiceField(
        label=_("Barème"),
        queryset=Campaign.objects.order_by("-year"),
        empty_label=None,
        error_messages={"invalid_choice": _("Choisissez le barème d'une campagne existante.")},
    )
    indexation = rate(
        _("Indexation annuelle du barème (%)"),
        Decimal("20"),
        required=False,
        help_text=_("Appliquée chaque année après la première, par exemple 1,5. Laisser vide : aucune."),
    )
    ramp_up = percent(
        _("Montée en charge : part de l'année financée la première année pour une nouvelle structure (%)"),
        initial=50,
        help_text=_("Par exemple 50 : une nouvelle structure coûte la moitié d'une année pleine la première année."),
    )
    attrition = rate(
        _("Attrition : part des structures qui cessent chaque année (%)"),
        Decimal("50"),
        required=False,
        help_text=_("Par exemple 2. Laisser vide : aucune."),
    )
    spending = FrenchDecimalField(
        label=_("Dépenses de l'assurance maladie de référence (€)"),
        min_value=Decimal("1"),
        max_digits=16,
        help_text=_("Le coût est rapporté à ce montant, par exemple 280 000 000 000."),
        error_messages={"required": _("Indiquez le montant des dépenses auquel rapporter le coût.")},
    )
    spending_source = forms.CharField(
        label=_("Source de ce montant"),
        max_length=300,
        help_text=_("Par exemple « ONDAM 2026 voté, LFSS 2026 »."),
        error_messages={"required": _("Indiquez la source du montant des dépenses.")},
    )
    notes = forms.CharField(
        label=_("Hypothèses et commentaires"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, scenario=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_version(scenario)
        for name in ("ramp_up", "spending"):
            self.fields[name].error_messages.setdefault("required", REQUIRED)
        self.fields["ramp_up"].error_messages["required"] = _("Indiquez la part financée la première année.")

    def clean(self):
        data = super().clean()
        for name in ("indexation", "attrition"):
            if data.get(name) is None and name not in self.errors:
                data[name] = Decimal("0")
        return data

    @staticmethod
    def initial_from(scenario) -> dict:
        return {
            "name": scenario.name,
            "first_year": scenario.first_year,
            "horizon": scenario.horizon,
            "include_conventioned": scenario.include_conventioned,
            "include_eligible": scenario.include_eligible,
            "include_in_review": scenario.include_in_review,
            "campaign": scenario.campaign_id,
            "indexation": scenario.indexation,
            "ramp_up": scenario.ramp_up,
            "attrition": scenario.attrition,
            "spending": scenario.spending,
            "spending_source": scenario.spending_source,
            "notes": scenario.notes,
        }


FTE_PREFIX = "fte_"


class GroupForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("Région"),
        queryset=Region.objects.order_by("name"),
        error_messages={
            "required": _("Choisissez la région."),
            "invalid_choice": _("Choisissez une région de la liste."),
        },
    )
    territory_type = forms.ChoiceField(
        label=_("Territoire"),
        choices=[
            ("", _("— Choisir —")),
            (TerritoryType.QPV.value, TerritoryType.QPV.label),
            (TerritoryType.RURAL.value, TerritoryType.RURAL.label),
            (TerritoryType.NEAR_QPV.value, TerritoryType.NEAR_QPV.label),
        ],
        error_messages={
            "required": _("Choisissez le territoire."),
            "invalid_choice": _("Choisissez un territoire de la liste."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Type de structure"),
        choices=[("", _("Tous types (CDS et MSP)")), *StructureKind.choices],
        required=False,
        error_messages={"invalid_choice": _("Choisissez un type de la liste.")},
    )
    count = FrenchIntegerField(
        label=_("Nombre de structures"),
        min_value=1,
        max_value=MAX_NEW_PER_GROUP,
        error_messages={
            "required": _("Indiquez le nombre de structures."),
            "invalid": _("Saisissez un nombre entier, par exemple 10."),
            "min_value": _("Au moins une structure."),
            "max_value": _("Au plus %(limit_value)s structures par ligne."),
        },
    )
    profile = forms.ChoiceField(
        label=_("Profil"), choices=Profile.choices, initial=Profile.MEDIAN, widget=forms.RadioSelect
    )
    already_open = forms.BooleanField(
        label=_("Structures déjà ouvertes mais pas encore enregistrées dans le portail (sans montée en charge)"),
        required=False,
    )
    file_active = FrenchIntegerField(
        label=_("File active"),
        required=False,
        min_value=0,
        max_value=1_000_000,
        error_messages={"invalid": _("Saisissez un nombre entier de patients, par exemple 3 000.")},
    )
    precarity_share = percent(_("Part C2S + AME (%)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in ProfessionalCategory.choices:
            self.fields[FTE_PREFIX + value] = FrenchDecimalField(
                label=_("ETP %(category)s") % {"category": str(label).lower()},
                required=False,
                min_value=Decimal("0"),
                max_value=Decimal("200"),
                max_digits=6,
            )

    @property
    def fte_fields(self):
        return [self[FTE_PREFIX + value] for value, _label in ProfessionalCategory.choices]

    @property
    def main_fields(self):
        return [self[name] for name in ("region", "territory_type", "kind", "count")]

    def clean(self):
        data = super().clean()
        if data.get("profile") == Profile.TYPED:
            fte = {k.removeprefix(FTE_PREFIX): v for k, v in data.items() if k.startswith(FTE_PREFIX) and v}
            if not fte:
                self.add_error(None, _("Un profil saisi donne au moins un ETP."))
            if data.get("file_active") is None and "file_active" not in self.errors:
                self.add_error("file_active", _("Un profil saisi donne la file active."))
            if data.get("precarity_share") is None and "precarity_share" not in self.errors:
                self.add_error("precarity_share", _("Un profil saisi donne la part de patients C2S + AME."))
        return data

    def group_data(self) -> dict:
        data = self.cleaned_data
        typed = data["profile"] == Profile.TYPED
        return {
            "region": data["region"],
            "territory_type": data["territory_type"],
            "kind": data.get("kind") or "",
            "count": data["count"],
            "profile": data["profile"],
            "already_open": bool(data.get("already_open")),
            "fte": {
                k.removeprefix(FTE_PREFIX): str(v) for k, v in data.items() if k.startswith(FTE_PREFIX) and v and typed
            },
            "file_active": data.get("file_active") if typed else None,
            "precarity_share": data.get("precarity_share") if typed else None,
        }

    @staticmethod
    def initial_from(group) -> dict:
        initial = {
            "region": group.region_id,
            "territory_type": group.territory_type,
            "kind": group.kind,
            "count": group.count,
            "profile": group.profile,
            "already_open": group.already_open,
            "file_active": group.file_active,
            "precarity_share": group.precarity_share,
        }
        for key, value in (group.fte or {}).items():
            initial[FTE_PREFIX + key] = Decimal(value)
        return initial


class BaseGroupFormSet(forms.BaseFormSet):
    def groups(self) -> list[dict]:
        return [
            form.group_data()
            for form in self.forms
            if form.has_changed() and form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


GroupFormSet = forms.formset_factory(
    GroupForm, formset=BaseGroupFormSet, extra=2, can_delete=True, max_num=30, validate_max=True
)
