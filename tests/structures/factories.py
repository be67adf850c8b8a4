"""Structures in any workflow state, built through the services so that every invariant holds.

    structure = make_structure(manager, state="in_review", reviewer=ars_idf, commune_code="93066")

``complete=True`` (implied by every state past ``draft``) fills every part the pre-check asks for.
"""

import itertools
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from secpa_portal.reference.identifiers import make_finess, make_siren, make_siret
from structures import services
from structures.enums import (
    MANDATORY_MISSIONS,
    DeliveryMode,
    DocumentKind,
    ProfessionalCategory,
    StructureKind,
    StructureStatus,
    TerritoryType,
)
from structures.models import Membership, Structure

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
_sequence = itertools.count(1)

# Commune → (name, postal code, QPV code of that commune's département)
COMMUNES = {
    "93066": ("Saint-Denis", "93200", "QN09301M"),
    "75119": ("Paris 19e Arrondissement", "75019", "QN07520M"),
    "63113": ("Clermont-Ferrand", "63000", "QN06302M"),
    "69123": ("Lyon", "69008", "QN06902M"),
    "13055": ("Marseille", "13015", "QN01305M"),
}


def pdf_upload(name="statuts.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def identity_fields(commune_code="93066", n=None):
    n = n if n is not None else next(_sequence)
    dep = commune_code[:2]
    commune_name, postal_code, qpv = COMMUNES.get(commune_code, ("Commune", commune_code, "QN09301M"))
    siren = make_siren(f"{dep}{n:06d}"[:8])
    return {
        "kind": StructureKind.CDS,
        "finess_et": make_finess(f"{dep}0{n:05d}"[:8]),
        "finess_ej": make_finess(f"{dep}1{n:05d}"[:8]),
        "siret": make_siret(siren, "0012"),
        "legal_form": "Association loi 1901",
        "address": f"{n} rue de la République",
        "postal_code": postal_code,
        "commune_name": commune_name,
        "commune_code": commune_code,
        "territory_type": TerritoryType.QPV,
        "qpv_codes": [qpv],
        "attests_tiers_payant": True,
        "attests_no_overbilling": True,
        "attests_open_to_all": True,
        "attests_general_medicine": True,
        "declared_file_active": 3200,
        "declared_patientele_mt": 2100,
        "declared_precarity_share": Decimal("42.5"),
        "declared_interpreting_hours": 300,
        "declared_mediation_acts": 800,
        "declared_psy_sessions": 450,
        "declared_participatory_actions": 12,
        "declared_participants": 140,
    }


TEAM = [
    {"category": ProfessionalCategory.GENERAL_PRACTITIONER, "headcount": 4, "fte": Decimal("3.20")},
    {"category": ProfessionalCategory.NURSE, "headcount": 2, "fte": Decimal("1.80")},
    {"category": ProfessionalCategory.PSYCHOLOGIST, "headcount": 1, "fte": Decimal("0.80")},
    {"category": ProfessionalCategory.HEALTH_MEDIATOR, "headcount": 2, "fte": Decimal("1.50")},
]


def mission_lines():
    return [
        {
            "mission": mission,
            "delivery_mode": DeliveryMode.IN_HOUSE,
            "in_house_fte": Decimal("0.50"),
            "partner_name": "",
            "description": f"Organisation de la mission « {mission.label} » au sein de l'équipe.",
        }
        for mission in MANDATORY_MISSIONS
    ]


def complete(structure, user, commune_code="93066"):
    services.structure_update(structure=structure, user=user, fields=identity_fields(commune_code))
    services.team_replace(structure=structure, user=user, lines=TEAM)
    services.missions_replace(structure=structure, user=user, lines=mission_lines())
    for kind in (DocumentKind.STATUTES, DocumentKind.HEALTH_PROJECT):
        services.document_add(structure=structure, user=user, kind=kind, uploaded_file=pdf_upload(f"{kind}.pdf"))
    structure.refresh_from_db()
    return structure


def make_structure(
    manager, *, state="draft", name=None, commune_code="93066", reviewer=None, complete_=None, cnam=None
):
    """A structure owned by ``manager`` in ``state``; ``reviewer`` (an ARS agent of the region) for review states."""
    name = name or f"Centre de santé participatif n° {next(_sequence)}"
    structure = services.structure_create(user=manager, name=name)
    if complete_ is None:
        complete_ = state != "draft"
    if complete_:
        complete(structure, manager, commune_code)
    if state == "draft":
        return structure
    services.structure_submit(structure=structure, user=manager)
    if state == StructureStatus.SUBMITTED:
        return _fresh(structure)
    if state == StructureStatus.WITHDRAWN:
        services.structure_withdraw(structure=structure, user=manager, reason="Projet suspendu")
        return _fresh(structure)
    assert reviewer is not None, f"state {state!r} needs a reviewer"
    services.structure_take(structure=structure, user=reviewer)
    if state == StructureStatus.IN_REVIEW:
        return _fresh(structure)
    decisions = {
        StructureStatus.ELIGIBLE: ("declare_eligible", ""),
        StructureStatus.INELIGIBLE: ("declare_ineligible", "Le territoire desservi ne relève pas du dispositif."),
        StructureStatus.CHANGES_REQUESTED: ("request_changes", "Merci de joindre les statuts signés."),
    }
    decision, reason = decisions[state]
    services.structure_decide(structure=structure, user=reviewer, decision=decision, reason=reason)
    return _fresh(structure)


def add_manager(structure, user):
    Membership.objects.get_or_create(structure=structure, user=user)


def _fresh(structure):
    return Structure.objects.get(pk=structure.pk)
