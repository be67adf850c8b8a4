"""Annual report workflow: who may do what in which state, journal, e-mails, pre-filling, validation."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail

from conventions.enums import ReportStatus
from conventions.models import AnnualReport, ReportValue
from conventions.services import reports as services
from conventions.signals import report_validated
from secpa_portal.core.errors import ActionRefused, DomainError
from secpa_portal.journal.models import Event
from tests.conftest import make_user
from tests.factories import (
    ACTIVITY,
    AFTER_2026,
    DEFAULT_INDICATORS,
    FTE,
    LAW_INDICATORS,
    TODAY,
    ConventionFactory,
    ReportFactory,
    complete_figures,
    fill,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def after_2026(time_machine):
    """These tests file 2026 reports: the clock is pinned after the year (the timeline has its own tests)."""
    time_machine.move_to(AFTER_2026, tick=False)


@pytest.fixture
def convention(manager, ars_idf, cnam, cnam2):
    return ConventionFactory(manager=manager, ars=ars_idf, cnam=cnam, cnam2=cnam2, active=True)


def values_by_code(report):
    return {v.indicator.code: v.value for v in ReportValue.objects.filter(report=report).select_related("indicator")}


def test_opening_creates_one_report_per_year_with_a_line_per_indicator(convention, manager):
    report = services.report_open(convention=convention, year=2026, user=manager, today=TODAY)
    assert report.status == ReportStatus.DRAFT
    assert report.due_date == datetime.date(2027, 3, 31)
    assert set(values_by_code(report)) == set(ACTIVITY) | set(DEFAULT_INDICATORS) | set(LAW_INDICATORS.values())
    again = services.report_open(convention=convention, year=2026, user=manager, today=TODAY)
    assert again.pk == report.pk
    assert AnnualReport.objects.filter(convention=convention).count() == 1
    assert Event.objects.filter(verb="report_opened", object_id=str(report.pk)).count() == 1


def test_a_year_outside_the_convention_or_not_begun_is_refused(convention, manager):
    with pytest.raises(ActionRefused, match="2025"):
        services.report_open(convention=convention, year=2025, user=manager, today=TODAY)
    with pytest.raises(ActionRefused, match="2028"):
        services.report_open(convention=convention, year=2028, user=manager, today=TODAY)


@pytest.mark.parametrize("who", ["ars_idf", "cnam", "other_manager"])
def test_only_a_manager_of_the_structure_opens_a_report(convention, who, request):
    user = make_user("autre@test.example") if who == "other_manager" else request.getfixturevalue(who)
    with pytest.raises(ActionRefused):
        services.report_open(convention=convention, year=2026, user=user, today=TODAY)


def test_new_report_is_prefilled_from_last_year_values_and_fte(convention, manager, ars_idf):
    last = ReportFactory(convention=convention, manager=manager, year=2026, validated=True, ars=ars_idf)
    ReportValue.objects.filter(report=last, indicator__code="file_active").update(comment="Année pleine")
    report = services.report_open(convention=convention, year=2027, user=manager, today=datetime.date(2027, 6, 1))
    assert values_by_code(report) == values_by_code(last)
    assert {line.category: line.fte for line in report.fte_lines.all()} == FTE
    # Comments describe one year: they are not carried over.
    assert not ReportValue.objects.filter(report=report).exclude(comment="").exists()


def test_first_report_starts_empty(convention, manager):
    report = services.report_open(convention=convention, year=2026, user=manager, today=TODAY)
    assert set(values_by_code(report).values()) == {None}


def test_saving_keeps_typed_values_comments_and_fte(convention, manager):
    report = services.report_open(convention=convention, year=2026, user=manager, today=TODAY)
    values, _, fte = complete_figures(report)
    file_active = next(pk for pk, v in values.items() if v == ACTIVITY["file_active"])
    report = services.report_save(
        report=report, user=manager, values=values, comments={file_active: " Estimé "}, fte=fte
    )
    assert values_by_code(report)["file_active"] == Decimal("2400")
    assert ReportValue.objects.get(report=report, indicator_id=file_active).comment == "Estimé"
    assert report.version == 2


def test_saving_with_a_stale_version_is_a_conflict(convention, manager):
    report = services.report_open(convention=convention, year=2026, user=manager, today=TODAY)
    values, comments, fte = complete_figures(report)
    services.report_save(report=report, user=manager, values=values, fte=fte, expected_version=1)
    with pytest.raises(DomainError, match="modifié par une autre personne"):
        services.report_save(report=report, user=manager, values=values, fte=fte, expected_version=1)


def test_an_invalid_value_is_refused_with_the_field_message(convention, manager):
    report = services.report_open(convention=convention, year=2026, user=manager, today=TODAY)
    values, comments, fte = complete_figures(report, precarity_share=Decimal("120"))
    with pytest.raises(services.ReportInvalid) as refused:
        services.report_save(report=report, user=manager, values=values, fte=fte)
    assert list(refused.value.errors.values()) == [
        "La part de patients bénéficiaires de la C2S ou de l'AME est comprise entre 0 et 100 %."
    ]


def test_filing_requires_every_value(convention, manager):
    report = services.report_open(convention=convention, year=2026, user=manager, today=TODAY)
    fill(report, manager, coordination_meetings=None)
    with pytest.raises(services.ReportInvalid) as refused:
        services.report_submit(report=report, user=manager)
    assert list(refused.value.errors.values()) == [
        "Renseignez « Réunions de coordination pluriprofessionnelles tenues » avant de déposer le rapport."
    ]
    assert AnnualReport.objects.get(pk=report.pk).status == ReportStatus.DRAFT


def test_filing_tells_the_region_agents(convention, manager, ars_idf, ars_ara, django_capture_on_commit_callbacks):
    report = ReportFactory(convention=convention, manager=manager)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_submit(report=report, user=manager)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.submitted_by == manager
    assert [m.to for m in mail.outbox] == [[ars_idf.email]]
    assert "rapport annuel 2026 à valider" in mail.outbox[0].subject
    assert f"/conventions/rapports/{report.pk}/validation/" in mail.outbox[0].body
    event = Event.objects.get(verb="report_submitted")
    assert (event.from_state, event.to_state, event.actor_id) == ("draft", "submitted", manager.pk)


def test_validation_fixes_attainment_sends_the_signal_and_tells_managers(
    convention, manager, ars_idf, django_capture_on_commit_callbacks
):
    report = ReportFactory(convention=convention, manager=manager, submitted=True)
    received = []

    def listener(sender, report, user, **kwargs):
        received.append((sender, report.pk, user.pk, report.status))

    report_validated.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.report_validate(report=report, user=ars_idf)
    finally:
        report_validated.disconnect(listener)
    report.refresh_from_db()
    assert report.status == ReportStatus.VALIDATED
    # The sample values meet every target.
    assert report.weighted_attainment == Decimal("1")
    assert received == [(AnnualReport, report.pk, ars_idf.pk, ReportStatus.VALIDATED)]
    assert [m.to for m in mail.outbox] == [[manager.email]]
    assert "validé" in mail.outbox[0].subject
    assert Event.objects.get(verb="report_validated").payload["weighted_attainment"] == "1.0000"


def test_return_requires_a_reason_and_tells_managers(convention, manager, ars_idf, django_capture_on_commit_callbacks):
    report = ReportFactory(convention=convention, manager=manager, submitted=True)
    with pytest.raises(DomainError, match="motif écrit est obligatoire"):
        services.report_return(report=report, user=ars_idf, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_return(report=report, user=ars_idf, reason="La file active paraît sous-estimée.")
    report.refresh_from_db()
    assert (report.status, report.return_reason) == (ReportStatus.RETURNED, "La file active paraît sous-estimée.")
    assert [m.to for m in mail.outbox] == [[manager.email]]
    assert "La file active paraît sous-estimée." in mail.outbox[0].body
    assert Event.objects.get(verb="report_returned").reason == "La file active paraît sous-estimée."
    # The manager corrects and files again.
    fill(report, manager)
    services.report_submit(report=report, user=manager)
    assert AnnualReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


# --- The transitions matrix: every action × every state × every actor ----------------------------------------

ACTIONS = {
    "submit": lambda report, user: services.report_submit(report=report, user=user),
    "validate": lambda report, user: services.report_validate(report=report, user=user),
    "return": lambda report, user: services.report_return(report=report, user=user, reason="À revoir."),
    "save": lambda report, user: fill(report, user),
}
ALLOWED = {
    "submit": ({"draft", "returned"}, "manager"),
    "save": ({"draft", "returned"}, "manager"),
    "validate": ({"submitted"}, "ars_idf"),
    "return": ({"submitted"}, "ars_idf"),
}
ACTORS = ["manager", "ars_idf", "ars_ara", "cnam", "other_manager"]


@pytest.mark.parametrize("state", ["draft", "submitted", "validated", "returned"])
@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("actor", ACTORS)
def test_transitions_matrix(convention, manager, ars_idf, state, action, actor, request):
    report = ReportFactory(convention=convention, manager=manager, state=state, ars=ars_idf)
    user = make_user("autre@test.example") if actor == "other_manager" else request.getfixturevalue(actor)
    states, allowed_actor = ALLOWED[action]
    events = Event.objects.count()
    if state in states and actor == allowed_actor:
        ACTIONS[action](report, user)
        assert Event.objects.count() > events or action == "save"
    else:
        with pytest.raises(DomainError) as refused:
            ACTIONS[action](report, user)
        assert refused.value.message  # a French sentence, shown as it is
        assert AnnualReport.objects.get(pk=report.pk).status == state
        assert Event.objects.count() == events
