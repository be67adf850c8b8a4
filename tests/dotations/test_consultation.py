"""The consultation on a campaign's draft barème (issue 13 §3): every transition with every actor and every state,
the journal and the e-mail recipients, opinions and comments, the deadline that closes it (pinned clock), the
campaign that cannot open while it takes opinions, and the projected effect equal to the engine's result."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from dotations import bareme as bareme_module
from dotations import consultation_selectors, coverage, engine, inputs
from dotations.consultation_workflow import CONSULTATION_WORKFLOW
from dotations.enums import CampaignStatus, ConsultationStatus, Verdict
from dotations.models import BaremeComponent, Consultation, ConsultationOpinion, Dotation
from dotations.services import campaigns as campaign_services
from dotations.services import compute
from dotations.services import consultations as services
from dotations.services import dotations as dotation_services
from secpa_portal.core.errors import ActionRefused, DomainError
from secpa_portal.core.models import OutboxMail
from secpa_portal.journal.models import Event
from tests.factories import EXPECTED_TOTAL, CampaignFactory, FundedConventionFactory

from .consultation_builders import DEADLINE, TODAY, consultation_in, draft_campaign, make_has

pytestmark = pytest.mark.django_db
STATES = [ConsultationStatus.DRAFT, ConsultationStatus.OPEN, ConsultationStatus.CLOSED]


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(TODAY, tick=False)
    return time_machine


@pytest.fixture
def has(db):
    return make_has()


@pytest.fixture
def people(cnam, cnam2, ars_idf, ars_ara, manager, has):
    return {"cnam": cnam, "cnam2": cnam2, "ars_idf": ars_idf, "ars_ara": ars_ara, "manager": manager, "has": has}


def _recipients(template):
    return sorted(OutboxMail.objects.filter(template=template).values_list("to", flat=True))


def _open(consultation, user):
    return services.consultation_open(consultation=consultation, user=user)


def _close(consultation, user):
    return services.consultation_close(consultation=consultation, user=user, reason="Avis suffisants.")


MOVES = {"open": _open, "close": _close}


def test_the_table_has_three_transitions():
    assert set(CONSULTATION_WORKFLOW.transitions) == {"open", "close", "expire"}


@pytest.mark.parametrize("name", ["open", "close"])
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("who", ["cnam", "ars_idf", "has", "manager"])
def test_every_actor_in_every_state(name, state, who, people):
    """Only a CNAM agent moves it, and only from the table's source state; every refusal writes nothing."""
    FundedConventionFactory(manager=people["manager"], region="11")
    consultation = consultation_in(state, people["cnam2"])
    events, mails = Event.objects.count(), OutboxMail.objects.count()
    allowed = who == "cnam" and CONSULTATION_WORKFLOW.allows(name, state)
    if not allowed:
        with pytest.raises(DomainError) as refused:
            MOVES[name](consultation, people[who])
        assert refused.value.message  # French, shown as it is
        consultation.refresh_from_db()
        assert consultation.status == state
        assert (Event.objects.count(), OutboxMail.objects.count()) == (events, mails)
        return
    OutboxMail.objects.all().delete()
    moved = MOVES[name](consultation, people[who])
    assert moved.status == CONSULTATION_WORKFLOW[name].target
    event = Event.objects.filter(object_type="dotations.consultation").latest("id")
    assert (event.from_state, event.to_state, event.actor) == (state, moved.status, people["cnam"])
    if name == "open":
        assert event.verb == "consultation_opened"
        assert _recipients("consultation_opened") == sorted(
            [people["ars_idf"].email, people["ars_ara"].email, people["has"].email, people["manager"].email]
        )
        assert [c["code"] for c in moved.bareme["components"]][0] == "coordination"
        assert moved.bareme["components"][0]["rate"] == "70000.00"
    else:
        assert (event.verb, event.reason) == ("consultation_closed", "Avis suffisants.")
        assert _recipients("consultation_closed") == sorted(
            [
                people["cnam"].email,
                people["cnam2"].email,
                "preparation@test.example",  # the CNAM agent of the builders' conventions
                people["ars_idf"].email,
                people["ars_ara"].email,
                people["has"].email,
            ]
        )


def test_closing_early_needs_a_reason(cnam):
    consultation = consultation_in(ConsultationStatus.OPEN, cnam)
    with pytest.raises(DomainError, match="motif"):
        services.consultation_close(consultation=consultation, user=cnam, reason="  ")


@pytest.mark.parametrize("who", ["cnam", "ars_idf", "has", "manager"])
def test_only_cnam_agents_prepare(who, people):
    campaign = draft_campaign()
    if who == "cnam":
        consultation = services.consultation_prepare(campaign=campaign, user=people[who], deadline=DEADLINE)
        assert consultation.status == ConsultationStatus.DRAFT
        assert Event.objects.filter(verb="consultation_prepared").exists()
        return
    with pytest.raises(ActionRefused, match="CNAM"):
        services.consultation_prepare(campaign=campaign, user=people[who], deadline=DEADLINE)
    assert not Consultation.objects.exists()


def test_a_past_deadline_and_an_open_campaign_are_refused(cnam):
    campaign = draft_campaign()
    with pytest.raises(ActionRefused, match="passée"):
        services.consultation_prepare(campaign=campaign, user=cnam, deadline=datetime.date(2026, 12, 3))
    opened = CampaignFactory(year=2028)
    with pytest.raises(ActionRefused, match="CNAM"):
        services.consultation_prepare(campaign=opened, user=cnam, deadline=DEADLINE)


def test_an_empty_or_incoherent_bareme_is_not_submitted(cnam):
    campaign = CampaignFactory(year=2027, status=CampaignStatus.DRAFT, bareme=False)
    consultation = services.consultation_prepare(campaign=campaign, user=cnam, deadline=DEADLINE)
    with pytest.raises(ActionRefused, match="aucune composante"):
        services.consultation_open(consultation=consultation, user=cnam)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("who", ["cnam", "ars_idf", "has", "manager"])
def test_opinions_from_the_ars_and_the_has_while_open(state, who, people):
    consultation = consultation_in(state, people["cnam"])
    OutboxMail.objects.all().delete()
    give = lambda: services.opinion_give(  # noqa: E731
        consultation=consultation,
        user=people[who],
        verdict=Verdict.RESERVATIONS,
        comment="Le forfait de coordination augmente trop vite.",
        remarks={"coordination": "Indexer plutôt sur l'inflation.", "inconnue": "ignorée"},
    )
    if who not in ("ars_idf", "has") or state != ConsultationStatus.OPEN:
        with pytest.raises(ActionRefused, match="ARS et de la HAS"):
            give()
        assert not ConsultationOpinion.objects.exists()
        return
    opinion = give()
    assert opinion.region_id == ("11" if who == "ars_idf" else None)
    assert opinion.remarks == {"coordination": "Indexer plutôt sur l'inflation."}
    assert opinion.body == ("ARS Île-de-France" if who == "ars_idf" else "HAS")
    event = Event.objects.get(verb="consultation_opinion_given")
    assert event.internal and event.actor == people[who]
    assert _recipients("consultation_opinion_given") == [people["cnam"].email]


def test_one_opinion_per_ars_revised_by_another_agent_of_the_same_ars(cnam, ars_idf):
    from tests.conftest import make_user

    colleague = make_user("ars.idf2@test.example", role="ars_agent", region_code="11")
    consultation = consultation_in(ConsultationStatus.OPEN, cnam)
    services.opinion_give(consultation=consultation, user=ars_idf, verdict=Verdict.FAVOURABLE)
    revised = services.opinion_give(
        consultation=consultation, user=colleague, verdict=Verdict.UNFAVOURABLE, comment="Enveloppe insuffisante."
    )
    assert ConsultationOpinion.objects.get() == revised
    assert (revised.verdict, revised.author) == (Verdict.UNFAVOURABLE, colleague)
    assert Event.objects.filter(verb="consultation_opinion_revised").count() == 1


@pytest.mark.parametrize("verdict", [Verdict.RESERVATIONS, Verdict.UNFAVOURABLE])
def test_reservations_and_unfavourable_opinions_must_say_why(verdict, cnam, has):
    consultation = consultation_in(ConsultationStatus.OPEN, cnam)
    with pytest.raises(ActionRefused, match="motivé"):
        services.opinion_give(consultation=consultation, user=has, verdict=verdict, comment=" ")
    with pytest.raises(ActionRefused, match="Choisissez"):
        services.opinion_give(consultation=consultation, user=has, verdict="sans avis")


@pytest.mark.parametrize("who", ["cnam", "ars_idf", "has", "manager"])
def test_managers_comment_for_their_structure(who, people):
    convention = FundedConventionFactory(manager=people["manager"], region="11")
    consultation = consultation_in(ConsultationStatus.OPEN, people["cnam"])
    post = lambda **kw: services.comment_post(  # noqa: E731
        consultation=consultation, user=people[who], structure=convention.structure, text="Merci.", **kw
    )
    if who != "manager":
        with pytest.raises(ActionRefused, match="gestionnaires"):
            post()
        return
    comment = post(component_code="mediation")
    assert comment.structure == convention.structure
    assert Event.objects.get(verb="consultation_commented").structure_id == convention.structure_id
    with pytest.raises(ActionRefused, match="composante"):
        post(component_code="absente")
    other = FundedConventionFactory(manager=None, region="84")
    with pytest.raises(ActionRefused, match="que vous gérez"):
        services.comment_post(consultation=consultation, user=people["manager"], structure=other.structure, text="x")


def test_the_deadline_closes_it(cnam, ars_idf, has, clock, capsys):
    consultation = consultation_in(ConsultationStatus.OPEN, cnam, deadline=datetime.date(2026, 12, 10))
    clock.move_to(datetime.datetime(2026, 12, 10, 22, 30, tzinfo=datetime.UTC))  # 23:30 in Paris: still the 10th
    services.opinion_give(consultation=consultation, user=ars_idf, verdict=Verdict.FAVOURABLE)
    assert services.consultations_close_expired() == []
    clock.move_to(datetime.datetime(2026, 12, 10, 23, 30, tzinfo=datetime.UTC))  # 00:30 on the 11th in Paris
    with pytest.raises(ActionRefused):
        services.opinion_give(consultation=consultation, user=has, verdict=Verdict.FAVOURABLE)
    OutboxMail.objects.all().delete()
    call_command("close_consultations")
    assert "1 consultation close." in capsys.readouterr().out
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.CLOSED and consultation.closed_by is None
    event = Event.objects.get(verb="consultation_closed")
    assert event.actor is None and "à sa date limite" in event.summary
    assert cnam.email in _recipients("consultation_closed")
    assert services.consultations_close_expired() == []  # once


def test_the_campaign_does_not_open_while_its_consultation_takes_opinions(cnam, clock):
    consultation = consultation_in(ConsultationStatus.OPEN, cnam)
    campaign = consultation.campaign
    with pytest.raises(ActionRefused, match="consultation sur le barème est ouverte jusqu'au 15 janvier 2027"):
        campaign_services.campaign_open(campaign=campaign, user=cnam)
    with pytest.raises(ActionRefused, match="soumis à consultation"):
        campaign_services.bareme_replace(campaign=campaign, user=cnam, components=[], bands=[])
    clock.move_to(datetime.datetime(2027, 1, 16, 9, tzinfo=datetime.UTC))
    campaign_services.campaign_open(campaign=campaign, user=cnam)
    consultation.refresh_from_db()
    campaign.refresh_from_db()
    assert (consultation.status, campaign.status) == (ConsultationStatus.CLOSED, CampaignStatus.OPEN)


def test_after_closing_the_bareme_may_change_and_the_submitted_one_is_kept(cnam):
    consultation = consultation_in(ConsultationStatus.CLOSED, cnam)
    BaremeComponent.objects.filter(campaign=consultation.campaign, code="coordination").update(rate=Decimal("65000"))
    consultation.refresh_from_db()
    assert consultation_selectors.submitted_bareme(consultation)["components"][0]["rate"] == "70000.00"


def test_outcome_counts(cnam, ars_idf, ars_ara, has):
    consultation = consultation_in(ConsultationStatus.OPEN, cnam)
    services.opinion_give(consultation=consultation, user=ars_idf, verdict=Verdict.FAVOURABLE)
    services.opinion_give(consultation=consultation, user=ars_ara, verdict=Verdict.UNFAVOURABLE, comment="Trop cher.")
    services.opinion_give(consultation=consultation, user=has, verdict=Verdict.UNFAVOURABLE, comment="Indicateurs.")
    counts = consultation_selectors.verdict_counts(consultation)
    assert (counts["total"], counts["favourable"], counts["reservations"], counts["unfavourable"]) == (3, 1, 0, 2)


def test_the_projected_effect_is_the_engines_result(cnam, cnam2, manager, django_capture_on_commit_callbacks):
    """Last dotation 2026: 227,800.00 € (builders). The 2027 draft raises coordination from 60,000 to 70,000 €:
    237,800.00 € for the same figures, a whole year in force — and exactly what the engine computes."""
    convention = FundedConventionFactory(manager=manager, region="11")
    FundedConventionFactory(manager=None, region="84", start_year=2027, years=1)  # new in 2027: no earlier dotation
    campaign_2026 = CampaignFactory(year=2026)
    with django_capture_on_commit_callbacks(execute=True):
        compute.campaign_compute_start(campaign=campaign_2026, user=cnam)
    dotation = Dotation.objects.get(convention=convention)
    dotation_services.dotation_propose(dotation=dotation, user=cnam)
    dotation_services.dotation_approve(dotation=dotation, user=cnam2)
    consultation = consultation_in(ConsultationStatus.OPEN, cnam)
    effect = consultation_selectors.projected_effect(consultation)
    rows = {row.convention.pk: row for row in effect.rows}
    row = rows[convention.pk]
    assert (row.last_year, row.last_total) == (2026, EXPECTED_TOTAL)
    assert row.draft_total == Decimal("237800.00")
    assert row.difference == Decimal("10000.00")
    # The engine on the same inputs and days, for every row.
    bareme = bareme_module.load(consultation.campaign)
    conventions = list(inputs.conventions_for_year(2027))
    snapshots = inputs.gather([inputs.row_of(convention) for convention in conventions])
    for each in conventions:
        days, in_year = coverage.days_covered(each, 2027)
        expected = engine.compute(
            bareme,
            snapshots[each.pk].with_zero_fte(bareme).engine_inputs(),
            Decimal(1),
            coverage.coefficient(days, in_year),
        ).total
        assert rows[each.pk].draft_total == expected
    assert effect.draft_total == sum(r.draft_total for r in effect.rows)
    assert (effect.up, effect.down, effect.new, effect.last_total) == (1, 0, 1, EXPECTED_TOTAL)


def test_the_effect_is_the_same_batch_after_batch(cnam):
    """Computed in batches (500 in production): 5 conventions in batches of 2 give the rows of a single batch."""
    for region in ("11", "84", "11", "84", "11"):
        FundedConventionFactory(manager=None, region=region)
    consultation = consultation_in(ConsultationStatus.OPEN, cnam)
    whole = consultation_selectors.projected_effect(consultation)
    batched = consultation_selectors.projected_effect(consultation, batch_size=2)
    assert [(r.convention.pk, r.draft_total) for r in batched.rows] == [
        (r.convention.pk, r.draft_total) for r in whole.rows
    ]
    assert batched.draft_total == whole.draft_total == 5 * Decimal("237800.00")
