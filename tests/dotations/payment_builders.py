"""Approved dotations and validated reports, built with the models, for the payment tests.

The approval and validation workflows belong to other modules; these builders reach their end states
directly and send the same signals, inside a transaction, as those workflows do.
"""

import datetime
import itertools
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from conventions.enums import ConventionStatus, ReportStatus
from conventions.models import AnnualReport, Convention
from conventions.signals import report_validated
from dotations.enums import CampaignStatus, DotationStatus
from dotations.models import Campaign, Dotation
from dotations.signals import dotation_approved
from dotations.terms import campaign_defaults
from structures.enums import StructureKind, StructureStatus
from structures.models import Membership, Structure

_sequence = itertools.count(1)


def make_campaign(year=2026, **fields) -> Campaign:
    defaults = {
        "status": CampaignStatus.OPEN,
        "envelope": Decimal("14000000.00"),
        "advance_due_date": datetime.date(year, 3, 31),
        "balance_due_date": datetime.date(year + 1, 4, 30),
        **fields,
    }
    campaign, _ = Campaign.objects.get_or_create(year=year, defaults=defaults)
    return campaign


def make_funded_structure(manager=None, *, region="11", name=None) -> Structure:
    n = next(_sequence)
    structure = Structure.objects.create(
        name=name or f"Centre de santé participatif {n:03d}",
        kind=StructureKind.CDS,
        finess_et=f"93{n:07d}",
        commune_name="Saint-Denis" if region == "11" else "Lyon",
        region_id=region,
        status=StructureStatus.ELIGIBLE,
        submitted_at=timezone.now(),
    )
    if manager is not None:
        Membership.objects.create(user=manager, structure=structure)
    return structure


def make_convention(structure, cnam, *, start_year=2026, years=3, **terms) -> Convention:
    start = datetime.date(start_year, 1, 1)
    return Convention.objects.create(
        **terms,
        structure=structure,
        reference=f"SECPA-TEST-{next(_sequence):05d}",
        status=ConventionStatus.ACTIVE,
        start_date=start,
        duration_years=years,
        end_date=Convention.compute_end_date(start, years),
        prepared_by=cnam,
    )


def make_dotation(convention, campaign, *, total=Decimal("400000.00"), status=DotationStatus.PROPOSED, cnam=None):
    structure = convention.structure
    return Dotation.objects.create(
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


def approve(dotation, approver) -> Dotation:
    """What the approval service does, as far as payments are concerned: approve and send the signal."""
    with transaction.atomic():
        dotation.status = DotationStatus.APPROVED
        dotation.approved_by = approver
        dotation.approved_at = timezone.now()
        dotation.save()
        dotation_approved.send(sender=Dotation, dotation=dotation, user=approver)
    return dotation


def approved_dotation(manager, cnam, cnam2, *, total=Decimal("400000.00"), year=2026, region="11", **campaign):
    structure = make_funded_structure(manager, region=region)
    campaign = make_campaign(year, **campaign)
    # A convention prepared for this campaign starts with its terms (dotations.terms.campaign_defaults).
    convention = make_convention(structure, cnam, start_year=year, **campaign_defaults(campaign))
    dotation = make_dotation(convention, campaign, total=total, cnam=cnam)
    return approve(dotation, cnam2)


def validate_report(convention, year, ars_agent, *, weighted_attainment) -> AnnualReport:
    """A validated annual report carrying its weighted attainment; sends report_validated."""
    with transaction.atomic():
        report = AnnualReport.objects.create(
            convention=convention,
            year=year,
            status=ReportStatus.VALIDATED,
            due_date=AnnualReport.default_due_date(year),
            validated_at=timezone.now(),
            validated_by=ars_agent,
            weighted_attainment=weighted_attainment,
        )
        report_validated.send(sender=AnnualReport, report=report, user=ars_agent)
    return report
