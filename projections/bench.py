"""Time a scenario over ``n`` structures, for the volume benchmark (``make benchmark``).

``measure(n)`` adds ``n`` eligible structures with a team and their declared figures, a campaign with a barème
when none exists, and a scenario funding them all plus one group of new ones; times ``compute.results``,
counts its queries, then rolls everything back (the database is left as it was)."""

import time
from decimal import Decimal

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dotations.models import BaremeComponent, Campaign
from structures.enums import ProfessionalCategory, StructureKind, StructureStatus, TerritoryType
from structures.models import Structure, TeamLine

from . import compute, population
from .enums import Profile
from .models import NewStructureGroup, Scenario

REGIONS = ("11", "84", "93", "32", "75", "44", "76", "53", "28", "24", "27", "52", "94")
COMPONENTS = [
    ("coordination", "flat", "", Decimal("60000")),
    ("mediation", "per_fte", ProfessionalCategory.HEALTH_MEDIATOR.value, Decimal("55000")),
    ("psychology", "per_fte", ProfessionalCategory.PSYCHOLOGIST.value, Decimal("65000")),
    ("interpreting", "per_unit", "interpreting_hours", Decimal("45")),
]


class _Rollback(Exception):
    pass


def _campaign() -> Campaign:
    campaign = Campaign.objects.order_by("-year").first()
    if campaign is not None:
        return campaign
    campaign = Campaign.objects.create(
        year=2026,
        envelope=Decimal("14000000"),
        advance_due_date=timezone.localdate().replace(year=2026, month=3, day=31),
        balance_due_date=timezone.localdate().replace(year=2027, month=4, day=30),
    )
    for order, (code, basis, key, rate) in enumerate(COMPONENTS, start=1):
        BaremeComponent.objects.create(
            campaign=campaign, order=order, code=code, label=code, basis=basis, key=key, rate=rate
        )
    return campaign


def _structures(n: int) -> None:
    now = timezone.now()
    structures = Structure.objects.bulk_create(
        Structure(
            name=f"Structure de mesure {i:05d}",
            kind=StructureKind.CDS if i % 2 else StructureKind.MSP,
            region_id=REGIONS[i % len(REGIONS)],
            territory_type=TerritoryType.QPV if i % 3 else TerritoryType.RURAL,
            status=StructureStatus.ELIGIBLE,
            submitted_at=now,
            declared_file_active=2000 + i % 1500,
            declared_patientele_mt=1500 + i % 1000,
            declared_precarity_share=Decimal(20 + i % 50),
            declared_interpreting_hours=100 + i % 800,
        )
        for i in range(n)
    )
    TeamLine.objects.bulk_create(
        TeamLine(structure=s, category=category, headcount=2, fte=fte)
        for s in structures
        for category, fte in (
            (ProfessionalCategory.GENERAL_PRACTITIONER, Decimal("2.4")),
            (ProfessionalCategory.HEALTH_MEDIATOR, Decimal("1.5")),
            (ProfessionalCategory.PSYCHOLOGIST, Decimal("0.8")),
        )
    )


def measure(n_structures: int, *, batch_size: int = population.BATCH_SIZE) -> dict:
    """{"structures", "seconds", "queries", "total"} of one scenario over ``n_structures`` added structures."""
    figures = {}
    try:
        with transaction.atomic():
            _structures(n_structures)
            scenario = Scenario.objects.create(
                name="Mesure",
                first_year=2027,
                horizon=5,
                include_conventioned=True,
                include_eligible=True,
                include_in_review=True,
                campaign=_campaign(),
                indexation=Decimal("1.5"),
                ramp_up=Decimal("50"),
                attrition=Decimal("2"),
                spending=Decimal("280000000000"),
                spending_source="mesure",
            )
            NewStructureGroup.objects.create(
                scenario=scenario, region_id="11", territory_type=TerritoryType.QPV, count=20, profile=Profile.MEDIAN
            )
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                results = compute.results(scenario, batch_size=batch_size)
            figures = {
                "structures": Structure.objects.filter(status=StructureStatus.ELIGIBLE).count(),
                "seconds": round(time.perf_counter() - start, 3),
                "queries": len(queries),
                "total": sum(Decimal(v) for v in results["totals"].values()),
            }
            raise _Rollback
    except _Rollback:
        pass
    return figures
