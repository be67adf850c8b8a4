"""The identity, location, attestations and activity steps of the registration form.

Nothing is required at draft stage but the name: a draft may be saved half-filled and resumed. What is
typed must be well-formed, though (identifiers, codes, numbers); what is still missing for a submission
is listed by the pre-check on the summary step.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from secpa_portal.reference.communes import check_commune, commune_warnings
from secpa_portal.reference.identifiers import (
    FINESS_EXAMPLE,
    SIRET_EXAMPLE,
    commune_departement_code,
    finess_departement_code,
    finess_warnings,
    parse_qpv_codes,
    validate_finess,
    validate_siret,
)
from secpa_portal.reference.models import Departement
from secpa_portal.reference.qpv import check_qpv_codes

from ..enums import StructureKind, TerritoryType
from ..models import Structure
from .fields import TEXT_MAX_LENGTH, CountField, FrenchDecimalField, text

POSTAL_CODE = re.compile(r"^\d{5}$")
IDENTIFIER_MAX_LENGTH = 40


def finess_commune_warnings(finess_et, commune_code) -> list[str]:
    """The FINESS number starts with the département: say so when it differs from the commune's."""
    if not (finess_et and commune_code):
        return []
    try:
        finess_dep, commune_dep = finess_departement_code(finess_et), commune_departement_code(commune_code)
    except ValidationError:
        return []
    if finess_dep == commune_dep:
        return []
    return [
        _(
            "Le numéro FINESS de l'établissement désigne le département %(finess)s, mais la commune est dans "
            "le département %(commune)s : vérifiez l'un et l'autre."
        )
        % {"finess": finess_dep, "commune": commune_dep}
    ]


class VersionForm(forms.Form):
    """The structure's version when the page was opened: a save based on an older one is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2_000_000_000)


def _identifier(label, help_text):
    return text(label, max_length=IDENTIFIER_MAX_LENGTH, help_text=help_text)


class IdentityForm(forms.Form):
    name = text(
        _("Nom de la structure"),
        required=True,
        help_text=_("Tel qu'il figure dans les statuts, ex. Centre de santé communautaire du Franc-Moisin."),
    )
    kind = forms.ChoiceField(
        label=_("Type de structure"),
        choices=StructureKind.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": _("Choisissez centre de santé ou maison de santé pluriprofessionnelle.")},
    )
    finess_et = _identifier(
        _("Numéro FINESS de l'établissement"), _("9 caractères, ex. %(ex)s (2A ou 2B en tête en Corse).")
    )
    finess_ej = _identifier(
        _("Numéro FINESS de l'entité juridique"), _("9 caractères : celui de l'organisme gestionnaire, ex. %(ex)s.")
    )
    siret = _identifier(_("Numéro SIRET"), _("14 chiffres : SIREN puis NIC, ex. %(ex)s."))
    legal_form = text(
        _("Forme juridique"), max_length=120, help_text=_("Ex. association loi 1901, SISA, collectivité, mutuelle.")
    )

    field_order = ["name", "kind", "finess_et", "finess_ej", "siret", "legal_form"]

    def __init__(self, *args, structure=None, **kwargs):
        self.structure = structure
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = _("Indiquez le nom de la structure.")
        for name in ("finess_et", "finess_ej"):
            self.fields[name].help_text = self.fields[name].help_text % {"ex": FINESS_EXAMPLE}
        self.fields["siret"].help_text = self.fields["siret"].help_text % {"ex": SIRET_EXAMPLE}
        self.warnings: list[str] = []

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Indiquez le nom de la structure."))
        return name

    def _finess(self, name):
        value = self.cleaned_data.get(name, "").strip()
        if not value:
            return ""
        number = validate_finess(value)
        for warning in finess_warnings(number):
            self.warnings.append(f"{self.fields[name].label} : {warning}")
        return number

    def clean_finess_et(self):
        number = self._finess("finess_et")
        if number:
            others = Structure.objects.filter(finess_et=number)
            if self.structure is not None:
                others = others.exclude(pk=self.structure.pk)
            if others.exists():
                raise ValidationError(_("Une structure est déjà enregistrée avec ce numéro FINESS."))
        return number

    def clean_finess_ej(self):
        return self._finess("finess_ej")

    def clean_siret(self):
        value = self.cleaned_data.get("siret", "").strip()
        return validate_siret(value) if value else ""

    def clean_legal_form(self):
        return self.cleaned_data["legal_form"].strip()

    def clean(self):
        cleaned = super().clean()
        if self.structure is not None:
            self.warnings += finess_commune_warnings(cleaned.get("finess_et"), self.structure.commune_code)
        return cleaned


class LocationForm(forms.Form):
    address = text(_("Adresse"), max_length=250, help_text=_("Numéro et voie, ex. 12 rue de la République."))
    postal_code = text(_("Code postal"), max_length=IDENTIFIER_MAX_LENGTH, help_text=_("5 chiffres, ex. 93200."))
    commune_name = text(_("Commune"), max_length=120, help_text=_("Ex. Saint-Denis."))
    commune_code = text(
        _("Code commune INSEE"),
        max_length=IDENTIFIER_MAX_LENGTH,
        help_text=_(
            "5 caractères, ex. 93066 pour Saint-Denis ; ce n'est pas le code postal. "
            "Le département et la région en sont déduits."
        ),
    )
    territory_type = forms.ChoiceField(
        label=_("Territoire desservi"),
        choices=TerritoryType.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": _("Choisissez un des territoires proposés.")},
    )
    qpv_codes = text(
        _("Codes des quartiers prioritaires (QPV)"),
        max_length=2000,
        textarea=True,
        help_text=_(
            "Un ou plusieurs codes, séparés par des virgules ou des retours à la ligne : "
            "liste 2024 (ex. QN09301M) ou liste 2015 (ex. QP093028). "
            "Obligatoire pour un QPV ; utile aussi pour un quartier voisin."
        ),
    )
    territory_justification = text(
        _("Justification du territoire"),
        max_length=TEXT_MAX_LENGTH,
        textarea=True,
        help_text=_(
            "Obligatoire sauf en QPV : quartier vécu et sa population, zonage ZIP ou ZAC de l'ARS, "
            "ou toute autre raison de desservir ce territoire."
        ),
    )

    def __init__(self, *args, structure=None, **kwargs):
        self.structure = structure
        self.commune = None
        super().__init__(*args, **kwargs)
        self.warnings: list[str] = []

    def clean(self):
        cleaned = super().clean()
        if self.structure is not None:
            self.warnings += finess_commune_warnings(self.structure.finess_et, cleaned.get("commune_code"))
        if cleaned.get("qpv_codes"):
            # The same check as the pre-check's: membership of the loaded list, 2015 codes, département.
            commune_code = cleaned.get("commune_code", self.structure.commune_code if self.structure else "")
            findings = check_qpv_codes(cleaned["qpv_codes"], commune_code)
            for error in findings.errors:
                self.add_error("qpv_codes", error)
            self.warnings += findings.warnings
        if self.commune is not None:
            # The official name fills an empty « Commune »; a different one is pointed out.
            if "commune_name" in cleaned and not cleaned["commune_name"]:
                cleaned["commune_name"] = self.commune.name
            self.warnings += commune_warnings(
                self.commune, typed_name=cleaned.get("commune_name", ""), postal_code=cleaned.get("postal_code", "")
            )
        return cleaned

    def clean_postal_code(self):
        value = re.sub(r"\s+", "", self.cleaned_data["postal_code"])
        if value and not POSTAL_CODE.match(value):
            raise ValidationError(_("Le code postal comporte 5 chiffres, ex. 93200."))
        return value

    def clean_commune_code(self):
        value = self.cleaned_data["commune_code"].strip()
        if not value:
            return ""
        commune = check_commune(value)
        if not Departement.objects.filter(code=commune.departement_code).exists():
            # Saint-Pierre-et-Miquelon has its own social security fund and no ARS (docs/decisions.md).
            raise ValidationError(
                _(
                    "%(name)s (%(code)s) ne relève d'aucune ARS : le portail ne peut pas instruire le dossier "
                    "d'une structure de cette collectivité."
                )
                % {"name": commune.name, "code": commune.code}
            )
        self.commune = commune
        return commune.code

    def clean_qpv_codes(self):
        return parse_qpv_codes(self.cleaned_data["qpv_codes"])

    def clean_address(self):
        return self.cleaned_data["address"].strip()

    def clean_commune_name(self):
        return self.cleaned_data["commune_name"].strip()

    def clean_territory_justification(self):
        return self.cleaned_data["territory_justification"].strip()


class AttestationsForm(forms.Form):
    attests_tiers_payant = forms.BooleanField(
        label=_("Les médecins de la structure pratiquent le tiers payant"),
        help_text=_("Les patients n'avancent pas les frais de consultation."),
        required=False,
    )
    attests_no_overbilling = forms.BooleanField(
        label=_("Aucun dépassement d'honoraires n'est pratiqué"),
        help_text=_("Les tarifs facturés sont ceux de la convention avec l'assurance maladie."),
        required=False,
    )
    attests_open_to_all = forms.BooleanField(
        label=_("La structure accueille toute personne qui le demande"),
        help_text=_("Dans la limite des compétences de ses professionnels."),
        required=False,
    )
    attests_general_medicine = forms.BooleanField(
        label=_("La médecine générale est l'activité principale de la structure"),
        help_text=_("Avec une activité paramédicale."),
        required=False,
    )


def _count(label, help_text=""):
    return CountField(label=label, help_text=help_text)


class ActivityForm(forms.Form):
    """The activity figures declared at registration: the first dotation uses them until an annual report."""

    declared_file_active = _count(_("File active"), _("Patients distincts vus sur les 12 derniers mois, ex. 3200."))
    declared_patientele_mt = _count(
        _("Patientèle médecin traitant"),
        _("Patients ayant déclaré un médecin de la structure comme médecin traitant."),
    )
    declared_precarity_share = FrenchDecimalField(
        label=_("Part de patients bénéficiaires de la C2S ou de l'AME (%)"),
        min_value=0,
        max_value=100,
        max_digits=5,
        help_text=_("Entre 0 et 100, ex. 42,5."),
    )
    declared_interpreting_hours = _count(_("Heures d'interprétariat professionnel"), _("Sur 12 mois, ex. 300."))
    declared_mediation_acts = _count(_("Actes de médiation en santé"), _("Sur 12 mois, ex. 800."))
    declared_psy_sessions = _count(_("Séances de soutien psychologique"), _("Sur 12 mois, ex. 450."))
    declared_participatory_actions = _count(_("Actions participatives"), _("Sur 12 mois, ex. 12."))
    declared_participants = _count(_("Participants aux actions participatives"), _("Sur 12 mois, ex. 140."))
    other_funding_amount = FrenchDecimalField(
        label=_("Autres financements de l'assurance maladie (€ par an)"),
        min_value=0,
        max_digits=12,
        help_text=_("Montant annuel de l'ACI (MSP) ou de l'accord national des centres de santé, ex. 73 500."),
    )


def structure_initial(structure, form_class) -> dict:
    """The structure's current values for the fields of ``form_class``."""
    initial = {name: getattr(structure, name) for name in form_class.base_fields if hasattr(structure, name)}
    if "qpv_codes" in initial:
        initial["qpv_codes"] = ", ".join(structure.qpv_codes or [])
    return initial
