"""POST data for each step of the registration form, as a browser would send it."""

from structures.enums import MANDATORY_MISSIONS, Mission, ProfessionalCategory
from structures.forms.missions import MISSIONS
from structures.forms.team import CATEGORIES
from tests.factories import identity_fields

QPV_SAINT_DENIS = "QN09301M"


def identity(n=None, **overrides):
    fields = identity_fields("93066", n=n)
    data = {
        "name": "Centre de santé communautaire du Franc-Moisin",
        "kind": fields["kind"].value,
        "finess_et": fields["finess_et"],
        "finess_ej": fields["finess_ej"],
        "siret": fields["siret"],
        "legal_form": "Association loi 1901",
    }
    return {**data, **overrides}


def location(**overrides):
    data = {
        "address": "12 rue de la République",
        "postal_code": "93200",
        "commune_name": "Saint-Denis",
        "commune_code": "93066",
        "territory_type": "qpv",
        "qpv_codes": f"{QPV_SAINT_DENIS}, QP093028",
        "territory_justification": "",
    }
    return {**data, **overrides}


def _management(prefix, count):
    return {
        f"{prefix}-TOTAL_FORMS": str(count),
        f"{prefix}-INITIAL_FORMS": str(count),
        f"{prefix}-MIN_NUM_FORMS": str(count),
        f"{prefix}-MAX_NUM_FORMS": str(count),
    }


def team(lines=None, **activity):
    """``lines`` maps a category to (headcount, fte) as typed; the rest of the categories are left blank."""
    lines = (
        lines
        if lines is not None
        else {
            ProfessionalCategory.GENERAL_PRACTITIONER: ("3", "2,5"),
            ProfessionalCategory.NURSE: ("2", "1,8"),
            ProfessionalCategory.PSYCHOLOGIST: ("1", "0,8"),
        }
    )
    data = _management("equipe", len(CATEGORIES))
    for index, category in enumerate(CATEGORIES):
        headcount, fte = lines.get(category, ("", ""))
        data[f"equipe-{index}-headcount"] = headcount
        data[f"equipe-{index}-fte"] = fte
    figures = {
        "declared_file_active": "3 200",
        "declared_patientele_mt": "2100",
        "declared_precarity_share": "42,5",
        "declared_interpreting_hours": "300",
        "declared_mediation_acts": "800",
        "declared_psy_sessions": "450",
        "declared_participatory_actions": "12",
        "declared_participants": "140",
        "other_funding_amount": "73 500",
    }
    return {**data, **figures, **activity}


def missions(lines=None):
    """``lines`` maps a mission to its typed fields; by default the seven mandatory ones, in-house."""
    if lines is None:
        lines = {
            mission: {
                "delivery_mode": "in_house",
                "in_house_fte": "0,5",
                "description": f"Organisation : {mission.label}.",
            }
            for mission in MANDATORY_MISSIONS
        }
    data = _management("missions", len(MISSIONS))
    for index, mission in enumerate(MISSIONS):
        typed = {"delivery_mode": "", "in_house_fte": "", "partner_name": "", "description": ""}
        typed.update(lines.get(mission, {}))
        for name, value in typed.items():
            if name == "delivery_mode" and not value:
                continue  # an unchecked radio is not sent
            data[f"missions-{index}-{name}"] = value
    return data


def attestations(checked=True):
    names = ["attests_tiers_payant", "attests_no_overbilling", "attests_open_to_all", "attests_general_medicine"]
    return {name: "on" for name in names} if checked else {}


def mission_index(mission: Mission) -> int:
    return MISSIONS.index(mission)


def category_index(category: ProfessionalCategory) -> int:
    return CATEGORIES.index(category)
