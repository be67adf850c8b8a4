"""Computing a campaign: one dotation per active convention, a snapshot of its inputs, listed anomalies,
a bounded number of queries, and fitting to the envelope."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conventions.enums import ConventionStatus
from conventions.models import Convention
from dotations.enums import CampaignStatus, ComputeState, DotationStatus
from dotations.models import Campaign, Dotation, DotationLine
from dotations.services import compute, dotations
from secpa_portal.core.errors import ActionRefused, ConflictError
from secpa_portal.journal.models import Event
from tests.factories import EXPECTED_TOTAL, CampaignFactory, FundedConventionFactory, ValidatedReportFactory

pytestmark = pytest.mark.django_db


def run(campaign, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        compute.campaign_compute_start(campaign=campaign, user=user)
    campaign.refresh_from_db()
    return campaign


def test_one_dotation_per_active_convention_with_lines_and_snapshot(cnam, django_capture_on_commit_callbacks):
    campaign = CampaignFactory()
    convention = FundedConventionFactory(region="11")
    draft = FundedConventionFactory(region="84")
    draft.status = ConventionStatus.DRAFT
    draft.save()
    ended = FundedConventionFactory(region="84", start_year=2021, years=3)  # ended 31 Dec 2023

    campaign = run(campaign, cnam, django_capture_on_commit_callbacks)

    assert campaign.compute_state == ComputeState.DONE
    assert (campaign.compute_done, campaign.compute_total) == (1, 1)
    dotation = Dotation.objects.get()
    assert dotation.convention == convention
    assert not Dotation.objects.filter(convention__in=[draft, ended]).exists()
    assert dotation.status == DotationStatus.COMPUTED
    assert dotation.total == dotation.computed_total == EXPECTED_TOTAL
    assert dotation.precarity_coefficient == Decimal("1.100")
    assert [line.code for line in dotation.lines.all()] == [
        "coordination",
        "mediation",
        "psychology",
        "interpreting",
        "patientele",
    ]
    assert sum(line.amount for line in dotation.lines.all()) == dotation.total
    assert dotation.inputs["source"] == "registration"
    assert dotation.inputs["fte"]["health_mediator"] == "1.50"
    assert dotation.inputs["activity"]["interpreting_hours"] == "300"
    assert "enregistrement" in dotation.inputs_source
    assert Event.objects.filter(verb="campaign_computed", object_id=str(campaign.pk)).exists()


def test_inputs_come_from_the_latest_validated_report(cnam, django_capture_on_commit_callbacks):
    campaign = CampaignFactory()
    convention = FundedConventionFactory(start_year=2024)
    ValidatedReportFactory(
        convention=convention, year=2024, fte={"health_mediator": "1"}, activity={"interpreting_hours": 10}
    )
    ValidatedReportFactory(
        convention=convention,
        year=2025,
        fte={"health_mediator": "2", "psychologist": "1"},
        activity={"interpreting_hours": 1000, "patientele_mt": 4000, "precarity_share": "55"},
    )
    run(campaign, cnam, django_capture_on_commit_callbacks)
    dotation = Dotation.objects.get()
    assert dotation.inputs["source"] == "report"
    assert dotation.inputs_source.startswith("rapport annuel 2025, validé le")
    # 60,000 + 2 × 55,000 × 1.2 + 65,000 + 1000 × 45 + 1 × 20,000 × 1.2 = 326,000.00
    assert dotation.total == Decimal("326000.00")


def test_missing_inputs_are_listed_on_the_dotation_never_a_silent_zero(cnam, django_capture_on_commit_callbacks):
    campaign = CampaignFactory()
    FundedConventionFactory(structure__team={}, structure__declared_interpreting_hours=None)
    run(campaign, cnam, django_capture_on_commit_callbacks)
    dotation = Dotation.objects.get()
    assert dotation.total == 0
    assert not dotation.lines.exists()
    (message,) = dotation.errors
    assert "ETP « health_mediator »" in message
    assert "ETP « psychologist »" in message
    assert "interpreting_hours" in message
    with pytest.raises(ActionRefused, match="données manquantes"):
        dotations.dotation_propose(dotation=dotation, user=cnam)


def test_a_category_absent_from_a_listed_team_counts_as_zero(cnam, django_capture_on_commit_callbacks):
    campaign = CampaignFactory()
    FundedConventionFactory(structure__team={"health_mediator": Decimal("1")})
    run(campaign, cnam, django_capture_on_commit_callbacks)
    dotation = Dotation.objects.get()
    assert dotation.errors == []
    assert dotation.inputs["fte"]["psychologist"] == "0"
    assert dotation.lines.get(code="psychology").amount == 0


def test_recompute_updates_computed_dotations_and_leaves_proposed_ones(cnam, django_capture_on_commit_callbacks):
    campaign = CampaignFactory()
    first = FundedConventionFactory()
    second = FundedConventionFactory()
    run(campaign, cnam, django_capture_on_commit_callbacks)
    proposed = Dotation.objects.get(convention=second)
    dotations.dotation_propose(dotation=proposed, user=cnam)
    for convention in (first, second):
        ValidatedReportFactory(
            convention=convention,
            year=2025,
            fte={"health_mediator": "1"},
            activity={"interpreting_hours": 0, "patientele_mt": 0, "precarity_share": 10},
        )
    run(campaign, cnam, django_capture_on_commit_callbacks)
    recomputed = Dotation.objects.get(convention=first)
    assert recomputed.total == Decimal("115000.00")  # 60,000 + 55,000
    assert recomputed.lines.count() == 5
    proposed.refresh_from_db()
    assert proposed.total == EXPECTED_TOTAL
    assert proposed.status == DotationStatus.PROPOSED


def test_only_cnam_on_an_open_campaign_computes(manager, ars_idf, cnam):
    campaign = CampaignFactory(status=CampaignStatus.DRAFT)
    for user in (manager, ars_idf, cnam):
        with pytest.raises(ActionRefused):
            compute.campaign_compute_start(campaign=campaign, user=user)


def test_a_running_computation_cannot_be_started_twice(cnam):
    campaign = CampaignFactory()
    Campaign.objects.filter(pk=campaign.pk).update(compute_state=ComputeState.RUNNING)
    with pytest.raises(ConflictError):
        compute.campaign_compute_start(campaign=campaign, user=cnam)


def _compute_queries(n, cnam):
    campaign = CampaignFactory()
    conventions = [FundedConventionFactory(region="11" if i % 2 else "84") for i in range(n)]
    for convention in conventions[::2]:
        ValidatedReportFactory(
            convention=convention, year=2025, fte={"health_mediator": "1"}, activity={"interpreting_hours": 5}
        )
    with CaptureQueriesContext(connection) as first:
        compute.run_compute(campaign_id=campaign.pk, user_id=cnam.pk)
    with CaptureQueriesContext(connection) as again:
        compute.run_compute(campaign_id=campaign.pk, user_id=cnam.pk)
    assert Dotation.objects.filter(campaign=campaign).count() == n
    return len(first.captured_queries), len(again.captured_queries)


def test_computing_a_campaign_takes_the_same_queries_for_2_and_30_conventions(cnam):
    small = _compute_queries(2, cnam)
    Dotation.objects.all().delete()
    Campaign.objects.all().delete()
    Convention.objects.update(status=ConventionStatus.TERMINATED)
    large = _compute_queries(30, cnam)
    assert small == large
    assert max(large) <= 30


def test_fit_to_envelope_applies_one_coefficient_and_is_journaled(cnam, django_capture_on_commit_callbacks):
    campaign = CampaignFactory(envelope=Decimal("500000.00"))
    for _ in range(3):
        FundedConventionFactory()
    run(campaign, cnam, django_capture_on_commit_callbacks)
    preview = compute.fit_preview(campaign)
    assert preview.unreduced_total == 3 * EXPECTED_TOTAL
    assert preview.coefficient == Decimal("0.731635")  # 500,000 / 683,400 rounded down
    assert preview.reduced_total <= Decimal("500000.00")

    coefficient = compute.campaign_fit(campaign=campaign, user=cnam, expected_coefficient=preview.coefficient)

    assert coefficient == preview.coefficient
    total = sum(d.total for d in Dotation.objects.all())
    assert total == preview.reduced_total <= campaign.envelope
    for dotation in Dotation.objects.prefetch_related("lines"):
        assert dotation.reduction == coefficient
        assert all(line.reduction == coefficient for line in dotation.lines.all())
        assert sum(line.amount for line in dotation.lines.all()) == dotation.total
    event = Event.objects.get(verb="campaign_fitted")
    assert event.payload["coefficient"] == str(coefficient)
    campaign.refresh_from_db()
    assert campaign.reduction == coefficient

    # A recomputation keeps the coefficient.
    run(campaign, cnam, django_capture_on_commit_callbacks)
    assert sum(d.total for d in Dotation.objects.all()) == preview.reduced_total


def test_fit_is_refused_once_proposed_dotations_alone_exceed_the_envelope(cnam, django_capture_on_commit_callbacks):
    # Proposed dotations keep their amounts (the coefficient applies to computed ones only): when they alone reach
    # the envelope, the refusal says what to do instead.
    campaign = CampaignFactory(envelope=Decimal("100000.00"))
    FundedConventionFactory()
    FundedConventionFactory()
    run(campaign, cnam, django_capture_on_commit_callbacks)
    dotations.dotation_propose(dotation=Dotation.objects.order_by("pk").first(), user=cnam)
    with pytest.raises(ActionRefused, match="Retournez des dotations proposées .* ou relevez l'enveloppe"):
        compute.campaign_fit(campaign=campaign, user=cnam)
    assert not Dotation.objects.exclude(reduction=1).exists()


def test_fit_with_a_stale_preview_is_a_conflict(cnam, django_capture_on_commit_callbacks):
    campaign = CampaignFactory(envelope=Decimal("100000.00"))
    FundedConventionFactory()
    run(campaign, cnam, django_capture_on_commit_callbacks)
    with pytest.raises(ConflictError):
        compute.campaign_fit(campaign=campaign, user=cnam, expected_coefficient=Decimal("0.5"))


def test_a_failed_computation_is_shown_on_the_campaign(cnam, monkeypatch, django_capture_on_commit_callbacks):
    campaign = CampaignFactory()
    FundedConventionFactory()

    def broken(*args, **kwargs):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(compute.engine, "compute", broken)
    campaign = run(campaign, cnam, django_capture_on_commit_callbacks)
    assert campaign.compute_state == ComputeState.FAILED
    assert campaign.compute_error == (
        "Le calcul a échoué après 0\u00a0convention sur 1 : panne simulée. Les dotations déjà recalculées sont "
        "enregistrées, les autres gardent leur résultat précédent : relancez le calcul."
    )
    # Nothing half-done: the batch rolled back.
    assert not Dotation.objects.exists()


def _reference_lines(campaign, convention):
    """The lines and total computed the way the campaign did before it read its inputs as values: from the model
    instances (the report's ``activity_inputs``, the structure's team lines and ``declared_figures``)."""
    from dotations import bareme as bareme_module
    from dotations import coverage, engine
    from dotations.inputs import SOURCE_REGISTRATION, SOURCE_REPORT, Snapshot, _decimals

    report = convention.reports.filter(status="validated", year__lt=campaign.year).order_by("-year").first()
    if report is not None:
        fte, activity = report.activity_inputs()
        snapshot = Snapshot(SOURCE_REPORT, "", _decimals(fte), _decimals(activity), report.pk)
    else:
        team = {}
        for line in convention.structure.team_lines.all():
            team[line.category] = team.get(line.category, Decimal("0")) + line.fte
        snapshot = Snapshot(SOURCE_REGISTRATION, "", team, _decimals(convention.structure.declared_figures()))
    bareme = bareme_module.load(campaign)
    snapshot = snapshot.with_zero_fte(bareme)
    days, year_days = coverage.days_covered(convention, campaign.year)
    result = engine.compute(
        bareme, snapshot.engine_inputs(), campaign.reduction, coverage.coefficient(days, year_days)
    )
    lines = [
        (row.order, row.code, row.basis, row.key, row.quantity, row.rate, row.coefficient, row.amount)
        for row in DotationLine.from_engine(None, result.lines)
    ]
    return snapshot.as_json()["fte"], snapshot.as_json()["activity"], result.total, lines


def test_the_computed_lines_are_those_of_the_model_instances_on_a_sample(cnam, django_capture_on_commit_callbacks):
    """Reading the inputs as values changed no amount: every dotation of a mixed sample (registration figures,
    reports with several FTE categories and figures, a prorated convention, one ending mid-year) has the lines the
    former reading gave."""
    campaign = CampaignFactory()
    conventions = [FundedConventionFactory(region="11" if i % 2 else "84") for i in range(4)]
    conventions.append(FundedConventionFactory(start_year=2026, years=1))  # a whole year
    ValidatedReportFactory(
        convention=conventions[0],
        year=2025,
        fte={"health_mediator": "2.5", "psychologist": "0.75"},
        activity={"interpreting_hours": 1234, "patientele_mt": 4321, "precarity_share": "37.5"},
    )
    ValidatedReportFactory(
        convention=conventions[1],
        year=2025,
        fte={"health_mediator": "1"},
        activity={"interpreting_hours": 7, "patientele_mt": 150, "precarity_share": "80"},
    )
    Convention.objects.filter(pk=conventions[2].pk).update(start_date="2026-03-15")
    Convention.objects.filter(pk=conventions[3].pk).update(end_date="2026-08-31")
    run(campaign, cnam, django_capture_on_commit_callbacks)
    for convention in Convention.objects.filter(pk__in=[c.pk for c in conventions]).select_related("structure"):
        dotation = Dotation.objects.get(convention=convention)
        fte, activity, total, lines = _reference_lines(campaign, convention)
        assert (dotation.inputs["fte"], dotation.inputs["activity"], dotation.total) == (fte, activity, total)
        assert [
            (row.order, row.code, row.basis, row.key, row.quantity, row.rate, row.coefficient, row.amount)
            for row in dotation.lines.all()
        ] == lines


def test_proposed_and_approved_dotations_are_left_out_before_their_inputs_are_read(
    cnam, django_capture_on_commit_callbacks
):
    campaign = CampaignFactory()
    FundedConventionFactory()
    second = FundedConventionFactory()
    ValidatedReportFactory(
        convention=second,
        year=2025,
        fte={"health_mediator": "1"},
        activity={"interpreting_hours": 5, "patientele_mt": 150, "precarity_share": "20"},
    )
    run(campaign, cnam, django_capture_on_commit_callbacks)
    dotations.dotation_propose(dotation=Dotation.objects.get(convention=second), user=cnam)
    with CaptureQueriesContext(connection) as queries:
        counts = compute.run_compute(campaign_id=campaign.pk, user_id=cnam.pk)
    assert (counts["computed"], counts["skipped"]) == (1, 1)
    # Only the first convention's structure is read (registration figures); no report is read at all.
    sql = "\n".join(q["sql"] for q in queries.captured_queries)
    assert "conventions_reportvalue" not in sql
    assert "conventions_reportfte" not in sql
