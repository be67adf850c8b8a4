"""Demo campaign for ``manage.py seed_demo``: the 2026 campaign (14,000,000 €) with an illustrative barème,
labelled « barème de démonstration », the FISS paying up to 31 October and the FIR after, and dotations in every
state.

Runs after structures.demo and conventions.demo. Idempotent: an existing 2026 campaign keeps its barème, and
the dotations are only moved through the workflow the first time they are computed. With no convention in
force there is simply nothing to compute.
"""

import datetime
from decimal import Decimal

from secpa_portal.accounts.enums import Role
from secpa_portal.accounts.models import User
from structures.enums import ActivityFigure
from structures.enums import ProfessionalCategory as Cat

from .enums import CampaignStatus
from .models import Campaign, Dotation
from .selectors import campaign_gauge
from .services import campaigns as campaign_services
from .services import compute
from .services import dotations as dotation_services

YEAR = 2026
# domain.md: in 2026 the experiment's fund (FISS) pays up to 31 October, then the ARS's regional fund (FIR):
# the advance (due 31 March) is a FISS payment, the balance (due 30 April 2027) a FIR one.
FISS_END = datetime.date(YEAR, 10, 31)
PREPARER = "cnam@secpa.example"
APPROVER = "cnam.validation@secpa.example"

# Illustrative rates, chosen so that a demo structure gets 0.3 to 0.7 M€: they reflect no arrêté.
COMPONENTS = [
    {"code": "coordination", "label": "Coordination du projet de santé", "basis": "flat", "rate": "120000"},
    {
        "code": "coordinateur",
        "label": "Poste de coordination",
        "basis": "per_fte",
        "key": Cat.COORDINATOR.value,
        "rate": "70000",
        "quantity_cap": "1.5",
    },
    {
        "code": "mediation",
        "label": "Médiation en santé",
        "basis": "per_fte",
        "key": Cat.HEALTH_MEDIATOR.value,
        "rate": "62000",
        "quantity_cap": "4",
        "modulated": True,
    },
    {
        "code": "psychologie",
        "label": "Soutien psychologique",
        "basis": "per_fte",
        "key": Cat.PSYCHOLOGIST.value,
        "rate": "70000",
        "quantity_cap": "3",
    },
    {
        "code": "accompagnement-social",
        "label": "Accompagnement social",
        "basis": "per_fte",
        "key": Cat.SOCIAL_WORKER.value,
        "rate": "58000",
        "quantity_cap": "2",
    },
    {
        "code": "interpretariat",
        "label": "Interprétariat professionnel",
        "basis": "per_unit",
        "key": ActivityFigure.INTERPRETING_HOURS.value,
        "rate": "48",
        "quantity_cap": "3000",
        "amount_cap": "140000",
    },
    {
        "code": "participation",
        "label": "Démarche participative",
        "basis": "flat",
        "rate": "45000",
        "modulated": True,
    },
    {
        "code": "patientele",
        "label": "Patientèle médecin traitant",
        "basis": "per_patient",
        "rate": "90000",
        "quantity_cap": "1.5",
        "modulated": True,
    },
]
BANDS = [
    {"lower": "0", "upper": "30", "coefficient": "1.00"},
    {"lower": "30", "upper": "50", "coefficient": "1.10"},
    {"lower": "50", "upper": None, "coefficient": "1.20"},
]
REGIONAL = {"11": Decimal("4200000"), "84": Decimal("2100000")}


def _decimal_rows(rows):
    return [
        {
            key: (Decimal(value) if isinstance(value, str) and key not in ("code", "label", "basis", "key") else value)
            for key, value in row.items()
        }
        for row in rows
    ]


def open_demo_campaign(
    cnam: User, year: int, *, fiss_end_date: datetime.date, regional: dict | None = None
) -> Campaign:
    """A demo campaign opened on the demo terms (14 M€, a 60 % advance on 31 March, the balance on 30 April of the
    next year, a 50 % floor), marked as a demonstration so that it is labelled « barème de démonstration », with the
    illustrative barème: the 2025 and 2026 campaigns differ only by their year, FISS end date and regional
    envelopes."""
    campaign = campaign_services.campaign_create(
        user=cnam,
        year=year,
        fields={
            "envelope": Decimal("14000000.00"),
            "advance_share": Decimal("0.60"),
            "advance_due_date": datetime.date(year, 3, 31),
            "balance_due_date": datetime.date(year + 1, 4, 30),
            "balance_floor": Decimal("0.50"),
            "fiss_end_date": fiss_end_date,
        },
        regional=regional,
    )
    Campaign.objects.filter(pk=campaign.pk).update(is_demonstration=True)
    campaign.refresh_from_db()
    components = [
        {"key": "", "quantity_cap": None, "amount_cap": None, "modulated": False, **row} for row in COMPONENTS
    ]
    campaign_services.bareme_replace(
        campaign=campaign,
        user=cnam,
        components=_decimal_rows(components),
        bands=_decimal_rows(BANDS),
        reference_patients=4000,
    )
    campaign_services.campaign_open(campaign=campaign, user=cnam)
    return Campaign.objects.get(pk=campaign.pk)


def _campaign(cnam) -> Campaign:
    campaign = Campaign.objects.filter(year=YEAR).first()
    if campaign is not None:
        return campaign
    return open_demo_campaign(cnam, YEAR, fiss_end_date=FISS_END, regional=REGIONAL)


def _region_agent(region_id):
    return User.objects.filter(role=Role.ARS_AGENT, region_id=region_id, is_active=True).order_by("pk").first()


def _special(dotation, campaign) -> bool:
    convention = dotation.convention
    return convention.advance_share != campaign.advance_share or convention.start_date.year == campaign.year


def _walk(campaign, cnam, cnam2):
    """Move freshly computed dotations through the workflow: approved, proposed (with an opinion), returned,
    left computed; one proposal carries an adjustment."""
    dotations = list(
        Dotation.objects.filter(campaign=campaign, errors=[])
        .select_related("convention")
        .order_by("structure__name", "pk")
    )
    # The conventions whose own terms differ from the campaign's (a 50 % advance, a start on 1 July) come first,
    # so that they are approved and their schedules show it.
    dotations.sort(key=lambda d: not _special(d, campaign))
    for index, dotation in enumerate(dotations):
        step = index % 5
        if step == 4:
            continue
        adjustment, reason = Decimal("0"), ""
        if index == 2:
            adjustment, reason = Decimal("-15000"), "Poste de médiateur vacant de janvier à mars."
        dotation_services.dotation_propose(dotation=dotation, user=cnam, adjustment=adjustment, reason=reason)
        if step in (0, 1):
            dotation_services.dotation_approve(dotation=dotation, user=cnam2)
        elif step == 2:
            agent = _region_agent(dotation.region_id)
            if agent is not None:
                dotation_services.dotation_give_opinion(
                    dotation=dotation,
                    user=agent,
                    favourable=True,
                    comment="Montant cohérent avec l'activité déclarée.",
                )
        elif step == 3:
            dotation_services.dotation_return(
                dotation=dotation, user=cnam2, reason="Vérifier les ETP de médiation déclarés avant de proposer."
            )


def seed(users: dict) -> None:
    cnam, cnam2 = users[PREPARER], users[APPROVER]
    campaign = _campaign(cnam)
    if campaign.status != CampaignStatus.OPEN:
        return
    if Dotation.objects.filter(campaign=campaign).exists():
        return
    counts = compute.run_compute(campaign_id=campaign.pk, user_id=cnam.pk)
    if not counts["computed"]:
        return
    campaign.refresh_from_db()
    if campaign_gauge(campaign).total > campaign.envelope:
        compute.campaign_fit(campaign=campaign, user=cnam)
    _walk(campaign, cnam, cnam2)
