"""``manage.py seed_volume``: refused in production, counts that follow the requested size, rows that pass the
models' own validation, a second run that changes nothing, --reset, and pages that still render at volume."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from conventions.enums import ConventionStatus, ReportStatus
from conventions.models import AnnualReport, Convention, ConventionIndicator, ReportValue, Target
from dotations.enums import DotationStatus, PaymentKind
from dotations.models import Campaign, Dotation, DotationLine, Payment
from secpa_portal.reference.identifiers import validate_commune_code, validate_finess, validate_siret
from secpa_portal.site import volume
from structures.enums import StructureStatus
from structures.models import Membership, MissionLine, Structure, TeamLine
from tests.conftest import client_for

SIZE = 20


def _seed(**options):
    out = StringIO()
    call_command("seed_volume", structures=SIZE, force=True, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def seeded(db):
    _seed()


def test_refused_without_debug_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_volume", structures=SIZE, stdout=StringIO())
    assert not Structure.objects.exists()


def test_counts_follow_the_requested_size(seeded):
    structures = volume.volume_structures()
    assert structures.count() == SIZE
    eligible = structures.filter(status=StructureStatus.ELIGIBLE).count()
    assert eligible == 16
    assert structures.values("departement").distinct().count() == SIZE  # one per département, in order
    assert Membership.objects.filter(structure__in=structures).count() == SIZE
    assert TeamLine.objects.filter(structure__in=structures).count() == SIZE * len(volume.TEAM)
    assert MissionLine.objects.filter(structure__in=structures).count() == SIZE * 7
    assert Convention.objects.filter(status=ConventionStatus.ACTIVE).count() == eligible
    assert AnnualReport.objects.count() == eligible * 5
    assert AnnualReport.objects.filter(status=ReportStatus.VALIDATED).count() >= eligible * 3
    assert Dotation.objects.count() == eligible
    assert set(Dotation.objects.values_list("status", flat=True)) == set(DotationStatus.values)
    approved = Dotation.objects.filter(status=DotationStatus.APPROVED).count()
    assert Payment.objects.filter(kind=PaymentKind.ADVANCE).count() == approved
    assert Campaign.objects.get(year=volume.YEAR).envelope >= sum(Dotation.objects.values_list("total", flat=True))


def test_every_convention_follows_three_objective_indicators_with_targets_and_reports_have_values(seeded):
    for convention in Convention.objects.all():
        with_objective = ConventionIndicator.objects.filter(convention=convention, objective__isnull=False)
        assert with_objective.count() >= 3
        assert Target.objects.filter(convention_indicator__in=with_objective).count() == with_objective.count() * 5
        followed = ConventionIndicator.objects.filter(convention=convention).count()
        for report in convention.reports.all():
            assert ReportValue.objects.filter(report=report).count() == followed


def test_rows_pass_model_validation_and_identifiers_are_valid(seeded):
    for structure in volume.volume_structures():
        structure.full_clean()
        validate_finess(structure.finess_et)
        validate_siret(structure.siret)
        assert validate_commune_code(structure.commune_code).startswith(structure.departement_id[:2])
    for model in (Convention, AnnualReport, Dotation, Payment):
        for row in model.objects.all():
            row.full_clean()
    for dotation in Dotation.objects.prefetch_related("lines"):
        assert dotation.total == sum(line.amount for line in dotation.lines.all())


def test_second_run_changes_nothing_and_reset_replaces(seeded):
    before = (Structure.objects.count(), DotationLine.objects.count(), ReportValue.objects.count())
    assert "déjà chargé" in _seed()
    assert (Structure.objects.count(), DotationLine.objects.count(), ReportValue.objects.count()) == before
    _seed(reset=True)
    assert (Structure.objects.count(), DotationLine.objects.count(), ReportValue.objects.count()) == before


@pytest.mark.parametrize(
    "url",
    [
        reverse("structures:list"),
        reverse("conventions:list"),
        reverse("conventions:report_list"),
        reverse("dotations:dotation_list"),
        reverse("dotations:payments"),
        reverse("dotations:campaign_detail", args=[volume.YEAR]),
        reverse("dashboard"),
    ],
)
def test_pages_render_for_a_cnam_agent(seeded, cnam, url):
    response = client_for(cnam).get(url)
    assert response.status_code == 200


def test_indicator_export_streams_every_value_of_the_year(seeded, cnam):
    year = volume.YEAR - 2
    response = client_for(cnam).get(reverse("conventions:national_export", args=["csv"]), {"annee": year})
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) - 1 == ReportValue.objects.filter(report__year=year).count()
