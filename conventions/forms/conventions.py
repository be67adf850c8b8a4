import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from secpa_portal.core.forms import FiniteDecimalField

from ..enums import IndicatorDirection, IndicatorUnit, Obligation
from ..models import DURATION_YEARS, MAX_DURATION_YEARS, Indicator

DAY_MONTH = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{1,2})\s*$")
HUNDRED = Decimal("100")


class FrenchDecimalField(FiniteDecimalField):
    """Accepts « 1 234,5 » as typed in France: spaces of any kind between thousands, a decimal comma."""

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[\s\u00a0\u202f]", "", value)
        return super().to_python(value)


def _decimal(label, required=False, **extra):
    return FrenchDecimalField(
        label=label,
        required=required,
        localize=True,
        max_digits=14,
        decimal_places=2,
        error_messages={
            "invalid": _("Saisissez un nombre, par exemple 12 ou 12,5."),
            "max_decimal_places": _("Deux chiffres après la virgule au plus."),
            "max_digits": _("Ce nombre est trop grand."),
            "max_whole_digits": _("Ce nombre est trop grand."),
        },
        **extra,
    )


def plain(value):
    """12.00 → 12 and 12.50 → 12.5 for a form's initial value (never an exponent such as 1E+1)."""
    if value is None:
        return None
    if value == value.to_integral():
        return value.quantize(Decimal(1))
    return value.normalize()


class DayMonthField(forms.CharField):
    """« 31/03 » in the form, « 03-31 » in the database."""

    def prepare_value(self, value):
        if isinstance(value, str) and re.match(r"^\d{2}-\d{2}$", value):
            month, day = value.split("-")
            return f"{day}/{month}"
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        match = DAY_MONTH.match(value)
        if not match:
            raise forms.ValidationError(_("Format attendu : JJ/MM, par exemple 31/03."))
        day, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12 or not 1 <= day <= (29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31):
            raise forms.ValidationError(_("Cette date n'existe pas : jour puis mois, par exemple 31/03."))
        return f"{month:02d}-{day:02d}"


class TermsForm(forms.Form):
    start_date = forms.DateField(
        label=_("Date de début"),
        help_text=_("Format JJ/MM/AAAA, par exemple 01/01/2026."),
        error_messages={"invalid": _("Saisissez une date au format JJ/MM/AAAA, par exemple 01/01/2026.")},
    )
    duration_years = forms.TypedChoiceField(
        label=_("Durée"),
        choices=[(n, _("%(n)s an") % {"n": n} if n == 1 else _("%(n)s ans") % {"n": n}) for n in DURATION_YEARS],
        coerce=int,
        initial=MAX_DURATION_YEARS,
    )
    advance_share = _decimal(
        _("Part de la dotation versée en avance (%)"),
        required=True,
        min_value=0,
        max_value=100,
        initial=60,
        help_text=_("Entre 0 et 100, par exemple 60."),
    )
    advance_due = DayMonthField(
        label=_("Échéance de l'avance (année N)"), initial="31/03", help_text=_("JJ/MM, par exemple 31/03.")
    )
    balance_due = DayMonthField(
        label=_("Échéance du solde (année N + 1)"),
        initial="30/04",
        help_text=_("JJ/MM, par exemple 30/04 : le solde suit la validation du rapport annuel."),
    )
    obligations = forms.MultipleChoiceField(
        label=_("Obligations de coordination et de participation"),
        choices=Obligation.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=list(Obligation.values),
        help_text=_("Cochez les engagements de la structure (art. L. 6323-6-2, 3°, de la proposition de loi)."),
    )
    special_clauses = forms.CharField(
        label=_("Clauses particulières"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start_date"].widget.input_type = "text"

    def clean_advance_share(self):
        return (self.cleaned_data["advance_share"] / HUNDRED).quantize(Decimal("0.01"))

    @staticmethod
    def initial_from(convention) -> dict:
        return {
            "start_date": convention.start_date,
            "duration_years": convention.duration_years,
            "advance_share": plain(convention.advance_share * HUNDRED),
            "advance_due": convention.advance_due,
            "balance_due": convention.balance_due,
            "obligations": convention.obligations,
            "special_clauses": convention.special_clauses,
        }


class ObjectiveForm(forms.Form):
    title = forms.CharField(label=_("Intitulé de l'objectif"), max_length=250)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )


def indicator_choices():
    """(choices, indicators by pk) read once for every row of the formset."""
    indicators = list(Indicator.objects.active().order_by("order", "code"))
    return [("", _("— Choisir un indicateur —"))] + [(str(i.pk), i.label) for i in indicators], {
        str(i.pk): i for i in indicators
    }


def check_value(indicator, value) -> str:
    """Why ``value`` cannot be a value or target of ``indicator``, or ''."""
    if value is None:
        return ""
    if indicator.unit == IndicatorUnit.YES_NO and value not in (0, 1):
        return str(_("Pour un indicateur oui / non, saisissez 1 (oui) ou 0 (non)."))
    if value < 0:
        return str(_("La valeur ne peut pas être négative."))
    if indicator.unit == IndicatorUnit.PERCENT and value > HUNDRED:
        return str(_("Un pourcentage est compris entre 0 et 100."))
    return ""


class IndicatorLineForm(forms.Form):
    """One indicator of an objective: baseline, points and a target for each year of the convention."""

    indicator = forms.ChoiceField(label=_("Indicateur"), required=False)
    baseline = _decimal(_("Valeur de référence"), help_text=_("Facultative"))
    points = _decimal(_("Points"), min_value=0, initial=10)

    def __init__(self, *args, years, choices, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = years
        self.indicators = indicators
        self.fields["indicator"].choices = choices
        for year in years:
            self.fields[f"target_{year}"] = _decimal(_("Cible %(year)s") % {"year": year})

    def target_fields(self):
        return [self[f"target_{year}"] for year in self.years]

    def clean(self):
        cleaned = super().clean()
        indicator = self.indicators.get(cleaned.get("indicator") or "")
        cleaned["indicator_obj"] = indicator
        if indicator is None:
            if any(cleaned.get(f"target_{year}") is not None for year in self.years) and not cleaned.get("DELETE"):
                self.add_error("indicator", _("Choisissez l'indicateur auquel se rapportent ces cibles."))
            return cleaned
        if cleaned.get("points") is None:
            self.add_error("points", _("Indiquez le nombre de points (0 si l'indicateur n'est pas pondéré)."))
        baseline = cleaned.get("baseline")
        if problem := check_value(indicator, baseline):
            self.add_error("baseline", problem)
        for year in self.years:
            name = f"target_{year}"
            value = cleaned.get(name)
            if name in self.errors:
                continue
            if value is None:
                self.add_error(name, _("Indiquez la cible de l'année %(year)s.") % {"year": year})
            elif problem := check_value(indicator, value):
                self.add_error(name, problem)
            elif baseline is not None and "baseline" not in self.errors:
                if indicator.direction == IndicatorDirection.HIGHER and value < baseline:
                    self.add_error(
                        name, _("Plus haut est mieux : la cible ne peut pas être sous la valeur de référence.")
                    )
                if indicator.direction == IndicatorDirection.LOWER and value > baseline:
                    self.add_error(
                        name, _("Plus bas est mieux : la cible ne peut pas dépasser la valeur de référence.")
                    )
        return cleaned

    def line(self):
        cleaned = self.cleaned_data
        return {
            "indicator": cleaned["indicator_obj"],
            "baseline": cleaned.get("baseline"),
            "points": cleaned.get("points") or Decimal("0"),
            "targets": {year: cleaned.get(f"target_{year}") for year in self.years},
        }


class BaseIndicatorLineFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            if form.cleaned_data.get("DELETE") or not form.cleaned_data.get("indicator_obj"):
                continue
            pk = form.cleaned_data["indicator_obj"].pk
            if pk in seen:
                raise forms.ValidationError(_("Un même indicateur figure deux fois dans cet objectif."))
            seen.add(pk)
        if not seen:
            raise forms.ValidationError(_("Choisissez au moins un indicateur pour cet objectif."))

    def lines(self):
        return [
            form.line()
            for form in self.forms
            if form.cleaned_data.get("indicator_obj") and not form.cleaned_data.get("DELETE")
        ]


IndicatorLineFormSet = forms.formset_factory(
    IndicatorLineForm, formset=BaseIndicatorLineFormSet, extra=2, can_delete=True, max_num=30, validate_max=True
)


def line_initial(convention_indicator, years) -> dict:
    targets = {t.year: t.value for t in convention_indicator.targets.all()}
    return {
        "indicator": str(convention_indicator.indicator_id),
        "baseline": plain(convention_indicator.baseline),
        "points": plain(convention_indicator.points),
        **{f"target_{year}": plain(targets.get(year)) for year in years},
    }


class SignatureForm(forms.Form):
    """Who signs and in what capacity: the same for the convention and its avenants, for either party."""

    signatory_name = forms.CharField(
        label=_("Nom et prénom du signataire"),
        max_length=200,
        error_messages={"required": _("Indiquez le nom et le prénom du signataire.")},
    )
    signatory_capacity = forms.CharField(
        label=_("Qualité du signataire"),
        max_length=200,
        help_text=_("Par exemple : directrice, président de l'association, coordinateur."),
        error_messages={"required": _("Indiquez la qualité du signataire.")},
    )


class StructureSignatureForm(SignatureForm):
    consent = forms.BooleanField(
        label=_(
            "J'ai lu la convention et j'accepte ses termes au nom de la structure, que j'ai qualité pour engager."
        ),
        error_messages={"required": _("Cochez cette case pour signer : elle vaut consentement de la structure.")},
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": _("Un motif écrit est obligatoire.")},
        help_text=_("Il sera visible des gestionnaires de la structure et conservé dans l'historique."),
    )


class TerminateForm(ReasonForm):
    """The reason and the last day in force (today by default): the money follows that date."""

    terminated_on = forms.DateField(
        label=_("Dernier jour en vigueur"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Indiquez le dernier jour en vigueur."),
            "invalid": _("Saisissez une date valide."),
        },
        help_text=_(
            "Aujourd'hui si vous le laissez vide. La dotation de l'année est ramenée aux jours couverts ; "
            "le trop-versé fait l'objet d'un ordre de reversement."
        ),
    )
