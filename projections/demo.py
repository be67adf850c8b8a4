"""The demo's two projection scenarios (issue 13 §4), computed by the services like any other."""

from decimal import Decimal

from dotations.models import Campaign
from structures.enums import StructureStatus, TerritoryType
from structures.models import Structure

from . import population, services
from .enums import Profile
from .models import Scenario

YEAR = 2026
AUTHOR = "cnam@secpa.example"
# The bill's explanatory memorandum: the 26 dotations (about 14 M€) are 0.005 % of the assurance maladie's
# spending, that is about 280 Md€.
SPENDING = Decimal("280000000000.00")
SOURCE = "Exposé des motifs de la PPL n° 2504 : 14 M€ = 0,005 % des dépenses de l'assurance maladie"
PLFSS = "PLFSS 2027 : les 60 structures existantes et 20 nouvelles en QPV et zones rurales"
RENEWED = "Périmètre 2026 reconduit"
# Twenty new structures: ten in QPV, ten in rural areas short of doctors (ZIP/ZAC), in five regions.
NEW_GROUPS = [
    ("11", TerritoryType.QPV, 4),
    ("93", TerritoryType.QPV, 3),
    ("32", TerritoryType.QPV, 3),
    ("84", TerritoryType.RURAL, 4),
    ("75", TerritoryType.RURAL, 3),
    ("44", TerritoryType.RURAL, 3),
]


# About 60 SECPA exist nationally (domain.md); those not registered in the portal yet are entered as groups of
# existing QPV structures with the median profile, so that the scenario counts 60 existing structures.
EXISTING = 60
UNREGISTERED_REGIONS = [("11", 10), ("84", 6), ("93", 6), ("32", 6), ("75", 4), ("44", 4), ("76", 4)]


def _unregistered(known: int) -> list[dict]:
    missing = max(EXISTING - known, 0)
    groups = []
    for region, count in UNREGISTERED_REGIONS:
        count = min(count, missing - sum(g["count"] for g in groups))
        if count > 0:
            groups.append({"region_id": region, "territory_type": TerritoryType.QPV, "count": count})
    left = missing - sum(g["count"] for g in groups)
    if left > 0:
        groups.append({"region_id": "11", "territory_type": TerritoryType.QPV, "count": left})
    return [{**g, "profile": Profile.MEDIAN, "already_open": True} for g in groups]


def _base(campaign) -> dict:
    return {
        "first_year": YEAR + 1,
        "campaign": campaign,
        "spending": SPENDING,
        "spending_source": SOURCE,
    }


def seed(users: dict) -> None:
    campaign = Campaign.objects.filter(year=YEAR).first()
    author = users.get(AUTHOR)
    if campaign is None or author is None:
        return
    if not Scenario.objects.filter(name=RENEWED).exists():
        services.create_scenario(
            user=author,
            data={
                **_base(campaign),
                "name": RENEWED,
                "horizon": 1,
                "include_conventioned": True,
                "indexation": Decimal("0"),
                "ramp_up": Decimal("100"),
                "attrition": Decimal("0"),
                "notes": "Les structures sous convention en 2026, avec le barème 2026, sans indexation.",
            },
            groups=[],
        )
    if not Scenario.objects.filter(name=PLFSS).exists():
        known = Structure.objects.filter(status__in=[StructureStatus.ELIGIBLE, *population.IN_REVIEW]).count()
        services.create_scenario(
            user=author,
            data={
                **_base(campaign),
                "name": PLFSS,
                "horizon": 3,
                "include_conventioned": True,
                "include_eligible": True,
                "include_in_review": True,
                "indexation": Decimal("1.5"),
                "ramp_up": Decimal("50"),
                "attrition": Decimal("2"),
                "notes": (
                    "Les structures connues du portail (sous convention, éligibles, en instruction) et celles qui "
                    "existent sans y être encore enregistrées (saisies en QPV au profil médian, déjà ouvertes : "
                    "60 existantes en tout), plus vingt nouvelles au profil médian de leur territoire, financées à "
                    "50 % la première année ; barème 2026 indexé de 1,5 % par an, attrition de 2 % par an."
                ),
            },
            groups=_unregistered(known)
            + [
                {"region_id": region, "territory_type": territory, "count": count, "profile": Profile.MEDIAN}
                for region, territory, count in NEW_GROUPS
            ],
        )
