"""The campaign form (envelope, shares, due dates, regional envelopes) and the barème editor's formsets."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from structures.enums import ActivityFigure, ProfessionalCategory

from .. import engine
from ..bareme import build
from ..enums import BalanceRule, BasisChoices
from .fields import FrenchDecimalField, FrenchIntegerField, money, percent

HUNDRED = Decimal("100")
DATE_ERRORS = {"invalid": _("Saisissez une date au format JJ/MM/AAAA, par exemple 31/03/2026.")}


def _date(label, help_text):
    return forms.DateField(label=label, help_text=help_text, error_messages=DATE_ERRORS)


class CampaignForm(forms.Form):
    year = forms.IntegerField(
        label=_("Année de la campagne"),
        min_value=2020,
        max_value=2100,
        help_text=_("4 chiffres, par exemple 2026."),
        error_messages={"invalid": _("Saisissez une année sur 4 chiffres, par exemple 2026.")},
    )
    envelope = money(_("Enveloppe nationale (€)"), help_text=_("Par exemple 14 000 000."))
    advance_share = percent(
        _("Part de la dotation versée en avance (%)"), initial=60, help_text=_("Entre 0 et 100, par exemple 60.")
    )
    advance_due_date = _date(_("Échéance de l'avance"), _("Format JJ/MM/AAAA, par exemple 31/03/2026."))
    balance_due_date = _date(_("Échéance du solde"), _("Format JJ/MM/AAAA, par exemple 30/04/2027."))
    balance_floor = percent(
        _("Plancher du solde (%)"),
        initial=50,
        help_text=_("Part minimale du solde versée quelle que soit l'atteinte des objectifs, par exemple 50."),
    )
    balance_rule = forms.ChoiceField(
        label=_("Règle du solde"),
        choices=BalanceRule.choices,
        initial=BalanceRule.FLOOR,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "L'atteinte pondérée des objectifs n'est jamais arrondie avant le calcul ; le solde l'est au centime."
        ),
    )
    fiss_end_date = forms.DateField(
        label=_("Fin du financement par le FISS"),
        required=False,
        help_text=_(
            "Les versements dont l'échéance tombe jusqu'à cette date incluse sont payés par le FISS, les suivants "
            "par le FIR. Une date de l'année de la campagne, par exemple 31/10/2026 ; laisser vide si le FIR paie "
            "toute la campagne."
        ),
        error_messages=DATE_ERRORS,
    )
    copy_previous = forms.BooleanField(
        label=_("Reprendre le barème et les enveloppes régionales de la campagne précédente"),
        required=False,
        help_text=_(
            "Les enveloppes régionales et la fin du financement par le FISS laissées vides sont reprises, "
            "la date étant reportée sur l'année de la nouvelle campagne."
        ),
    )

    def __init__(self, *args, regions, campaign=None, **kwargs):
        self.regions = list(regions)
        self.campaign = campaign
        if campaign is not None:
            kwargs.setdefault("initial", {}).update(self.initial_from(campaign))
        super().__init__(*args, **kwargs)
        if campaign is not None:
            del self.fields["year"]
            del self.fields["copy_previous"]
        else:
            year = timezone.localdate().year + 1
            self.fields["year"].initial = year
        for region in self.regions:
            self.fields[f"region_{region.code}"] = money(
                region.name, required=False, help_text=_("Laisser vide : pas d'enveloppe propre à la région.")
            )

    @staticmethod
    def initial_from(campaign) -> dict:
        initial = {
            "envelope": campaign.envelope,
            "advance_share": campaign.advance_share * HUNDRED,
            "advance_due_date": campaign.advance_due_date,
            "balance_due_date": campaign.balance_due_date,
            "balance_floor": campaign.balance_floor * HUNDRED,
            "balance_rule": campaign.balance_rule,
            "fiss_end_date": campaign.fiss_end_date,
        }
        for envelope in campaign.regional_envelopes.all():
            initial[f"region_{envelope.region_id}"] = envelope.amount
        return initial

    def region_fields(self):
        return [self[f"region_{region.code}"] for region in self.regions]

    def main_fields(self):
        return [field for field in self if not field.name.startswith("region_")]

    def clean(self):
        data = super().clean()
        advance, balance = data.get("advance_due_date"), data.get("balance_due_date")
        if advance and balance and balance < advance:
            self.add_error("balance_due_date", _("L'échéance du solde ne peut pas précéder celle de l'avance."))
        year = self.campaign.year if self.campaign is not None else data.get("year")
        fiss_end = data.get("fiss_end_date")
        if fiss_end and year and fiss_end.year != year:
            self.add_error(
                "fiss_end_date",
                _("La fin du financement par le FISS doit tomber dans l'année de la campagne (%(year)s).")
                % {"year": year},
            )
        envelope = data.get("envelope")
        regional = sum((amount for amount in self.regional().values()), Decimal("0"))
        if envelope is not None and regional > envelope:
            raise forms.ValidationError(
                _("La somme des enveloppes régionales dépasse l'enveloppe nationale."), code="regional_over"
            )
        return data

    def campaign_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "envelope": data["envelope"],
            "advance_share": (data["advance_share"] / HUNDRED).quantize(Decimal("0.01")),
            "advance_due_date": data["advance_due_date"],
            "balance_due_date": data["balance_due_date"],
            "balance_floor": (data["balance_floor"] / HUNDRED).quantize(Decimal("0.01")),
            "balance_rule": data.get("balance_rule")
            or (self.campaign.balance_rule if self.campaign is not None else BalanceRule.FLOOR),
            "fiss_end_date": data.get("fiss_end_date"),
        }

    def regional(self) -> dict:
        data = getattr(self, "cleaned_data", {})
        return {
            region.code: data[f"region_{region.code}"]
            for region in self.regions
            if data.get(f"region_{region.code}") is not None
        }


def key_choices():
    return [
        ("", _("— aucune (forfait ou par patient) —")),
        (_("Catégorie professionnelle (par ETP)"), list(ProfessionalCategory.choices)),
        (_("Donnée d'activité (par unité)"), list(ActivityFigure.choices)),
    ]


class ComponentForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"),
        max_length=40,
        help_text=_("Lettres, chiffres, tirets, par exemple mediation."),
        error_messages={"invalid": _("Lettres sans accent, chiffres, tirets ou soulignés uniquement.")},
    )
    label = forms.CharField(label=_("Libellé"), max_length=200)
    # The first choice is what a browser sends for an untouched extra row: as the initial, that row stays blank.
    basis = forms.ChoiceField(label=_("Base de calcul"), choices=BasisChoices.choices, initial=BasisChoices.FLAT)
    key = forms.ChoiceField(label=_("Catégorie ou donnée d'activité"), choices=key_choices, required=False)
    rate = FrenchDecimalField(label=_("Taux (€)"), help_text=_("Par ETP, par unité, par patientèle de référence."))
    quantity_cap = FrenchDecimalField(label=_("Plafond de quantité"), required=False, decimal_places=4, max_digits=12)
    amount_cap = FrenchDecimalField(label=_("Plafond de montant (€)"), required=False)
    modulated = forms.BooleanField(label=_("Modulée selon la précarité"), required=False)

    def clean(self):
        data = super().clean()
        basis, key = data.get("basis"), data.get("key") or ""
        if basis == BasisChoices.PER_FTE and key and key not in ProfessionalCategory.values:
            self.add_error("key", _("Une composante par ETP se rapporte à une catégorie professionnelle."))
        if basis == BasisChoices.PER_UNIT and key and key not in ActivityFigure.values:
            self.add_error("key", _("Une composante par unité se rapporte à une donnée d'activité."))
        if data.get("rate") is not None and data["rate"] < 0:
            self.add_error("rate", _("Le taux ne peut pas être négatif."))
        return data


class BandForm(forms.Form):
    lower = percent(_("À partir de (%)"))
    upper = percent(_("Jusqu'à (%, exclu)"), required=False, help_text=_("Vide pour la dernière tranche."))
    coefficient = FrenchDecimalField(
        label=_("Coefficient"), decimal_places=3, max_digits=5, help_text=_("Par exemple 1,1.")
    )


class _BaremeFormSet(forms.BaseFormSet):
    def live_forms(self):
        """Existing rows unless deleted, and the blank extra rows the user filled in."""
        initial = self.initial_form_count()
        return [
            form
            for index, form in enumerate(self.forms)
            if not self._should_delete_form(form) and (index < initial or form.has_changed())
        ]

    def rows(self) -> list[dict]:
        return [f.cleaned_data for f in self.live_forms()]


# Bounded, so that a forged TOTAL_FORMS cannot make the server build thousands of forms.
ComponentFormSet = forms.formset_factory(
    ComponentForm, formset=_BaremeFormSet, extra=2, can_delete=True, max_num=40, absolute_max=40, validate_max=True
)
BandFormSet = forms.formset_factory(
    BandForm, formset=_BaremeFormSet, extra=1, can_delete=True, max_num=10, absolute_max=10, validate_max=True
)


class BaremeForm(forms.Form):
    reference_patients = FrenchIntegerField(
        label=_("Patientèle de référence"),
        min_value=1,
        help_text=_("Nombre de patients médecin traitant d'une structure de référence, par exemple 4 000."),
        error_messages={
            "min_value": _("La patientèle de référence doit être strictement positive."),
            "invalid": _("Saisissez un nombre entier de patients, par exemple 4 000."),
        },
    )


def bareme_errors(form, components, bands) -> list[str]:
    """Every inconsistency of the whole barème (engine rules), once each form is valid on its own."""
    if not (form.is_valid() and components.is_valid() and bands.is_valid()):
        return []
    try:
        bareme = build(
            components=components.rows(),
            bands=bands.rows(),
            reference_patients=form.cleaned_data["reference_patients"],
        )
    except (TypeError, ValueError) as exc:
        return [str(exc)]
    return engine.validate_bareme(bareme)
