"""Fast builders for the campaign and dotation tests: funded structures, active conventions and validated
reports made directly with the models (the convention and report workflows have their own factories and
tests), and campaigns with a realistic barème.

    campaign = make_campaign(cnam)                      # open, SECPA barème
    convention = make_funded_convention(manager, region="11")
    make_validated_report(convention, 2025, fte={"psychologist": "1.0"}, activity={"interpreting_hours": 900})
"""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from conventions.catalogue import seed_catalogue
from conventions.enums import ConventionStatus, ReportStatus
from conventions.models import AnnualReport, Convention, Indicator, ReportFte, ReportValue
from dotations.enums import CampaignStatus
from dotations.models import BaremeComponent, Campaign, PrecarityBand
from structures.enums import ProfessionalCategory, StructureKind, StructureStatus
from structures.models import Membership, Structure, TeamLine

_sequence = itertools.count(1)

COMPONENTS = [
    {"code": "coordination", "label": "Coordination", "basis": "flat", "rate": Decimal("60000.00")},
    {
        "code": "mediation",
        "label": "Médiation en santé",
        "basis": "per_fte",
        "key": ProfessionalCategory.HEALTH_MEDIATOR.value,
        "rate": Decimal("55000.00"),
        "quantity_cap": Decimal("4"),
        "modulated": True,
    },
    {
        "code": "psychology",
        "label": "Soutien psychologique",
        "basis": "per_fte",
        "key": ProfessionalCategory.PSYCHOLOGIST.value,
        "rate": Decimal("65000.00"),
        "quantity_cap": Decimal("2"),
    },
    {
        "code": "interpreting",
        "label": "Interprétariat professionnel",
        "basis": "per_unit",
        "key": "interpreting_hours",
        "rate": Decimal("45.00"),
        "quantity_cap": Decimal("3000"),
    },
    {
        "code": "patientele",
        "label": "Patientèle médecin traitant",
        "basis": "per_patient",
        "rate": Decimal("20000.00"),
        "quantity_cap": Decimal("1.5"),
        "modulated": True,
    },
]
BANDS = [
    {"lower": Decimal("0"), "upper": Decimal("30"), "coefficient": Decimal("1.000")},
    {"lower": Decimal("30"), "upper": Decimal("50"), "coefficient": Decimal("1.100")},
    {"lower": Decimal("50"), "upper": None, "coefficient": Decimal("1.200")},
]
# With TEAM and FIGURES below: 60,000 + 1.5 × 55,000 × 1.1 + 0.8 × 65,000 + 300 × 45 + 2100/4000 × 20,000 × 1.1
#   = 60,000 + 90,750 + 52,000 + 13,500 + 11,550 = 227,800.00 €
EXPECTED_TOTAL = Decimal("227800.00")
TEAM = {
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


def make_campaign(year=2026, *, status=CampaignStatus.OPEN, envelope=Decimal("14000000.00"), bareme=True, **fields):
    campaign = Campaign.objects.create(
        year=year,
        status=status,
        envelope=envelope,
        advance_due_date=datetime.date(year, 3, 31),
        balance_due_date=datetime.date(year + 1, 4, 30),
        **fields,
    )
    if bareme:
        for order, component in enumerate(COMPONENTS, start=1):
            BaremeComponent.objects.create(campaign=campaign, order=order, **component)
        for band in BANDS:
            PrecarityBand.objects.create(campaign=campaign, **band)
    return campaign


def make_funded_structure(manager=None, *, region="11", name=None, team=None, **figures) -> Structure:
    n = next(_sequence)
    structure = Structure.objects.create(
        name=name or f"Centre de santé participatif {n:03d}",
        kind=StructureKind.CDS,
        commune_name="Saint-Denis" if region == "11" else "Lyon",
        region_id=region,
        status=StructureStatus.ELIGIBLE,
        submitted_at=timezone.now(),
        **{**FIGURES, **figures},
    )
    TeamLine.objects.bulk_create(
        TeamLine(structure=structure, category=category, headcount=2, fte=fte)
        for category, fte in (TEAM if team is None else team).items()
    )
    if manager is not None:
        Membership.objects.create(user=manager, structure=structure)
    return structure


def make_funded_convention(manager=None, *, cnam=None, region="11", start_year=2025, years=3, **kwargs) -> Convention:
    from secpa_portal.accounts.enums import Role
    from secpa_portal.accounts.models import User

    if cnam is None:
        cnam, _ = User.objects.get_or_create(email="preparation@test.example", defaults={"role": Role.CNAM_AGENT})
    structure = make_funded_structure(manager, region=region, **kwargs)
    start = datetime.date(start_year, 1, 1)
    return Convention.objects.create(
        structure=structure,
        reference=f"SECPA-DOT-{next(_sequence):05d}",
        status=ConventionStatus.ACTIVE,
        start_date=start,
        duration_years=years,
        end_date=Convention.compute_end_date(start, years),
        prepared_by=cnam,
    )


def make_validated_report(convention, year, *, fte=None, activity=None) -> AnnualReport:
    seed_catalogue(Indicator)
    report = AnnualReport.objects.create(
        convention=convention,
        year=year,
        status=ReportStatus.VALIDATED,
        due_date=AnnualReport.default_due_date(year),
        validated_at=timezone.now(),
    )
    ReportFte.objects.bulk_create(
        ReportFte(report=report, category=category, fte=Decimal(str(value))) for category, value in (fte or {}).items()
    )
    indicators = {i.activity_figure: i for i in Indicator.objects.exclude(activity_figure="")}
    ReportValue.objects.bulk_create(
        ReportValue(report=report, indicator=indicators[code], value=Decimal(str(value)))
        for code, value in (activity or {}).items()
    )
    return report
