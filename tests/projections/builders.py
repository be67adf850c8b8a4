"""The worked example's population: three existing structures and two groups of new ones (by hand in
test_scenarios.py)."""

from decimal import Decimal

from django.utils import timezone

from projections.enums import Profile
from projections.models import NewStructureGroup, Scenario
from structures.enums import StructureKind, StructureStatus, TerritoryType
from structures.models import Structure
from tests.factories import CampaignFactory, FundedConventionFactory, FundedStructureFactory

D = Decimal
SPENDING = D("280000000000.00")


TWO, TEN, FIFTY = D("2"), D("10"), D("50")


def worked_example(cnam, *, horizon=2, indexation=TWO, attrition=TEN, ramp_up=FIFTY):
    campaign = CampaignFactory(year=2026)
    a = FundedConventionFactory(region="11", structure__name="A").structure  # under convention, the builder's figures
    b = FundedStructureFactory(
        region="84",
        name="B",
        team={"health_mediator": D("1.0"), "psychologist": D("0.5")},
        declared_patientele_mt=1001,
        declared_precarity_share=D("20"),
        declared_interpreting_hours=100,
    )  # eligible, no convention
    c = FundedStructureFactory(
        region="11",
        name="C",
        team={"health_mediator": D("2.0"), "psychologist": D("1.0")},
        declared_patientele_mt=3000,
        declared_precarity_share=D("55"),
        declared_interpreting_hours=1000,
    )
    Structure.objects.filter(pk=a.pk).update(territory_type=TerritoryType.QPV, kind=StructureKind.CDS)
    Structure.objects.filter(pk=b.pk).update(territory_type=TerritoryType.RURAL, kind=StructureKind.MSP)
    Structure.objects.filter(pk=c.pk).update(
        territory_type=TerritoryType.QPV, status=StructureStatus.IN_REVIEW, submitted_at=timezone.now()
    )
    scenario = Scenario.objects.create(
        name="Exemple calculé à la main",
        first_year=2027,
        horizon=horizon,
        include_conventioned=True,
        include_eligible=True,
        include_in_review=True,
        campaign=campaign,
        indexation=indexation,
        ramp_up=ramp_up,
        attrition=attrition,
        spending=SPENDING,
        spending_source="Exposé des motifs de la PPL n° 2504",
        created_by=cnam,
    )
    NewStructureGroup.objects.create(
        scenario=scenario, order=1, region_id="84", territory_type=TerritoryType.QPV, count=2, profile=Profile.MEDIAN
    )
    NewStructureGroup.objects.create(
        scenario=scenario,
        order=2,
        region_id="84",
        territory_type=TerritoryType.RURAL,
        count=1,
        profile=Profile.TYPED,
        fte={"health_mediator": "1.5", "psychologist": "1.0"},
        file_active=2000,
        precarity_share=D("60"),
    )
    return scenario, (a, b, c)
