"""Campaigns, dotations and payments.

    campaign = CampaignFactory()                                   # 2026, open, the barème below
    campaign = CampaignFactory(year=2027, bareme=False, status=CampaignStatus.DRAFT)
    dotation = DotationFactory(convention=convention, campaign=campaign, cnam=cnam)   # proposed
    dotation = DotationFactory(approved=True, manager=manager, cnam=cnam, approver=cnam2, total=Decimal("1000"))

A campaign is got or created by year. ``DotationFactory`` writes the proposed dotation to the tables (its
computation has its own tests); ``approved=True`` then approves it through the real service
(``dotation_approve``: four eyes, envelopes, journal, signal, e-mail), which schedules its payments. Without a
convention it builds a funded one for the campaign's year with the campaign's terms; ``campaign__balance_rule=…``
sets a campaign field.
"""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from dotations.enums import CampaignStatus, DotationStatus
from dotations.models import BaremeComponent, Campaign, Dotation, PrecarityBand
from dotations.services.dotations import dotation_approve
from dotations.terms import campaign_defaults
from structures.enums import ProfessionalCategory

from .conventions import FundedConventionFactory
from .structures import FundedStructureFactory
from .users import UserFactory

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
# With FUNDED_TEAM and FIGURES (tests.factories.structures):
#   60,000 + 1.5 × 55,000 × 1.1 + 0.8 × 65,000 + 300 × 45 + 2100/4000 × 20,000 × 1.1
#   = 60,000 + 90,750 + 52,000 + 13,500 + 11,550 = 227,800.00 €
EXPECTED_TOTAL = Decimal("227800.00")


class CampaignFactory(DjangoModelFactory):
    class Meta:
        model = Campaign

    year = 2026
    status = CampaignStatus.OPEN
    envelope = Decimal("14000000.00")
    advance_due_date = factory.LazyAttribute(lambda o: datetime.date(o.year, 3, 31))
    balance_due_date = factory.LazyAttribute(lambda o: datetime.date(o.year + 1, 4, 30))
    bareme = True

    @classmethod
    def _create(cls, model_class, *, year, bareme, **fields):
        existing = model_class.objects.filter(year=year).first()
        if existing is not None:
            return existing
        campaign = model_class.objects.create(year=year, **fields)
        if bareme:
            for order, component in enumerate(COMPONENTS, start=1):
                BaremeComponent.objects.create(campaign=campaign, order=order, **component)
            for band in BANDS:
                PrecarityBand.objects.create(campaign=campaign, **band)
        return campaign


class DotationFactory(DjangoModelFactory):
    class Meta:
        model = Dotation

    class Params:
        approved = factory.Trait(approve=True)

    campaign = factory.SubFactory(CampaignFactory, bareme=False)
    convention = None
    manager = None
    region = "11"
    cnam = None
    approver = None
    total = Decimal("400000.00")
    status = DotationStatus.PROPOSED
    approve = False

    @classmethod
    def _create(cls, model_class, *, campaign, convention, manager, region, cnam, approver, total, status, approve):
        if convention is None:
            cnam = cnam or UserFactory(cnam=True)
            convention = FundedConventionFactory(
                structure=FundedStructureFactory(manager=manager, region=region),
                prepared_by=cnam,
                start_year=campaign.year,
                # A convention prepared for this campaign starts with its terms.
                **campaign_defaults(campaign),
            )
        structure = convention.structure
        dotation = model_class.objects.create(
            campaign=campaign,
            convention=convention,
            structure=structure,
            region_id=structure.region_id,
            status=status,
            computed_total=total,
            total=total,
            inputs_source="chiffres déclarés à l'enregistrement",
            computed_at=timezone.now(),
            prepared_by=cnam,
            proposed_at=timezone.now(),
        )
        if approve:
            dotation = approve_dotation(dotation, approver or UserFactory(cnam=True))
        return dotation


def approve_dotation(dotation, approver) -> Dotation:
    """Approve a proposed dotation through the real service (which schedules its payments)."""
    return dotation_approve(dotation=dotation, user=approver)
