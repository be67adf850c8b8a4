"""Structures.

``StructureFactory`` walks the real services (create, fill, submit, take, decide), so every invariant holds:

    StructureFactory(manager=manager)                                # a draft with only its name
    StructureFactory(manager=manager, complete=True)                 # a draft that passes the pre-check
    StructureFactory(manager=manager, eligible=True, reviewer=ars)   # also: submitted, withdrawn, in_review,
                                                                     # ineligible, changes_requested

Every state past the draft implies ``complete``. The reviewer defaults to a new ARS agent of the commune's region.

``FundedStructureFactory`` writes an eligible structure with its declared figures and team straight to the tables:
the money tests (campaigns, dotations, payments) start from there without the review workflow.
"""

import itertools
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from secpa_portal.reference.identifiers import make_finess, make_siren, make_siret
from secpa_portal.reference.models import Departement
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
from structures.models import Membership, Structure, TeamLine

from .users import UserFactory

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


TEAM_LINES = [
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


def fill_structure(structure, user, commune_code="93066"):
    """Fill every part the pre-check asks for, through the services."""
    services.structure_update(structure=structure, user=user, fields=identity_fields(commune_code))
    services.team_replace(structure=structure, user=user, lines=TEAM_LINES)
    services.missions_replace(structure=structure, user=user, lines=mission_lines())
    for kind in (DocumentKind.STATUTES, DocumentKind.HEALTH_PROJECT):
        services.document_add(structure=structure, user=user, kind=kind, uploaded_file=pdf_upload(f"{kind}.pdf"))
    structure.refresh_from_db()
    return structure


def region_of(commune_code):
    return Departement.objects.get(code=commune_code[:2]).region_id


def ars_agent_for(commune_code):
    return UserFactory(ars=True, region_id=region_of(commune_code))


DECISIONS = {
    StructureStatus.ELIGIBLE: ("declare_eligible", ""),
    StructureStatus.INELIGIBLE: ("declare_ineligible", "Le territoire desservi ne relève pas du dispositif."),
    StructureStatus.CHANGES_REQUESTED: ("request_changes", "Merci de joindre les statuts signés."),
}


class StructureFactory(DjangoModelFactory):
    class Meta:
        model = Structure

    class Params:
        submitted = factory.Trait(state=StructureStatus.SUBMITTED)
        withdrawn = factory.Trait(state=StructureStatus.WITHDRAWN)
        in_review = factory.Trait(state=StructureStatus.IN_REVIEW)
        eligible = factory.Trait(state=StructureStatus.ELIGIBLE)
        ineligible = factory.Trait(state=StructureStatus.INELIGIBLE)
        changes_requested = factory.Trait(state=StructureStatus.CHANGES_REQUESTED)

    manager = factory.SubFactory(UserFactory)
    state = StructureStatus.DRAFT
    name = factory.LazyFunction(lambda: f"Centre de santé participatif n° {next(_sequence)}")
    commune_code = "93066"
    reviewer = None
    complete = None

    @classmethod
    def _create(cls, model_class, *, manager, state, name, commune_code, reviewer, complete: bool | None):
        structure = services.structure_create(user=manager, name=name)
        if complete is None:
            complete = state != StructureStatus.DRAFT
        if complete:
            fill_structure(structure, manager, commune_code)
        if state == StructureStatus.DRAFT:
            return structure
        services.structure_submit(structure=structure, user=manager)
        if state == StructureStatus.SUBMITTED:
            return _fresh(structure)
        if state == StructureStatus.WITHDRAWN:
            services.structure_withdraw(structure=structure, user=manager, reason="Projet suspendu")
            return _fresh(structure)
        reviewer = reviewer or ars_agent_for(commune_code)
        services.structure_take(structure=structure, user=reviewer)
        if state == StructureStatus.IN_REVIEW:
            return _fresh(structure)
        decision, reason = DECISIONS[state]
        services.structure_decide(structure=structure, user=reviewer, decision=decision, reason=reason)
        return _fresh(structure)


class MembershipFactory(DjangoModelFactory):
    """One more manager of a structure (get or create)."""

    class Meta:
        model = Membership
        django_get_or_create = ("structure", "user")

    structure = factory.SubFactory(StructureFactory)
    user = factory.SubFactory(UserFactory)


def _fresh(structure):
    return Structure.objects.get(pk=structure.pk)


# The funded structure's team (FTE per category) and declared figures, which the barème of
# tests.factories.dotations turns into EXPECTED_TOTAL.
FUNDED_TEAM = {
    ProfessionalCategory.GENERAL_PRACTITIONER.value: Decimal("3.20"),
    ProfessionalCategory.PSYCHOLOGIST.value: Decimal("0.80"),
    ProfessionalCategory.HEALTH_MEDIATOR.value: Decimal("1.50"),
}
FIGURES = {
    "declared_file_active": 3200,
    "declared_patientele_mt": 2100,
    "declared_precarity_share": Decimal("42.5"),
    "declared_interpreting_hours": 300,
}


class FundedStructureFactory(DjangoModelFactory):
    """An eligible structure written to the tables (no review workflow): ``region`` "11" (Saint-Denis) or another
    (Lyon), ``team`` {category: FTE} (default FUNDED_TEAM), any declared figure as a keyword."""

    class Meta:
        model = Structure

    manager = None
    region = "11"
    team = None
    name = factory.LazyFunction(lambda: f"Centre de santé participatif {next(_sequence):03d}")

    @classmethod
    def _create(cls, model_class, *, manager, region, team, name, **fields):
        n = next(_sequence)
        structure = model_class.objects.create(
            name=name,
            kind=StructureKind.CDS,
            finess_et=fields.pop("finess_et", f"93{n:07d}"),
            commune_name="Saint-Denis" if region == "11" else "Lyon",
            region_id=region,
            status=StructureStatus.ELIGIBLE,
            submitted_at=timezone.now(),
            **{**FIGURES, **fields},
        )
        TeamLine.objects.bulk_create(
            TeamLine(structure=structure, category=category, headcount=2, fte=fte)
            for category, fte in (FUNDED_TEAM if team is None else team).items()
        )
        if manager is not None:
            Membership.objects.create(user=manager, structure=structure)
        return structure
