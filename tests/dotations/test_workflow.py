"""The dotation workflow: propose with an adjustment, four-eyes approval within the envelopes, return with a
reason, the ARS opinion, journal and e-mail; an approved dotation never changes afterwards."""

from decimal import Decimal

import pytest
from django.core import mail

from dotations.enums import DotationStatus
from dotations.models import BaremeComponent, Dotation, RegionalEnvelope
from dotations.services import compute, dotations
from dotations.signals import dotation_approved
from dotations.workflow import TransitionError
from secpa_portal.core.errors import ActionRefused, ConflictError
from secpa_portal.journal.models import Event
from tests.factories import EXPECTED_TOTAL, CampaignFactory, FundedConventionFactory, ValidatedReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(cnam, manager, django_capture_on_commit_callbacks):
    """An open campaign with one computed dotation of 227,800.00 € in Île-de-France, managed by ``manager``."""
    campaign = CampaignFactory()
    FundedConventionFactory(manager=manager, region="11")
    with django_capture_on_commit_callbacks(execute=True):
        compute.campaign_compute_start(campaign=campaign, user=cnam)
    return Dotation.objects.select_related("campaign").get()


def test_propose_with_an_adjustment_needs_a_reason(computed, cnam):
    with pytest.raises(ActionRefused, match="motif"):
        dotations.dotation_propose(dotation=computed, user=cnam, adjustment=Decimal("-7800"))
    dotations.dotation_propose(
        dotation=computed, user=cnam, adjustment=Decimal("-7800"), reason="Poste de médiateur vacant 3 mois."
    )
    computed.refresh_from_db()
    assert computed.status == DotationStatus.PROPOSED
    assert computed.total == Decimal("220000.00") == computed.computed_total + computed.adjustment
    assert computed.prepared_by == cnam
    event = Event.objects.get(verb="dotation_proposed")
    assert event.reason == "Poste de médiateur vacant 3 mois."
    assert event.structure_id == computed.structure_id


def test_an_adjustment_cannot_make_the_dotation_negative(computed, cnam):
    with pytest.raises(ActionRefused, match="négative"):
        dotations.dotation_propose(dotation=computed, user=cnam, adjustment=-EXPECTED_TOTAL - 1, reason="x")


def test_the_preparer_cannot_approve_another_agent_can(
    computed, cnam, cnam2, manager, django_capture_on_commit_callbacks
):
    dotations.dotation_propose(dotation=computed, user=cnam)
    with pytest.raises(ActionRefused, match="un autre agent"):
        dotations.dotation_approve(dotation=computed, user=cnam)
    received = []

    def receiver(sender, dotation, user, **kwargs):
        received.append((dotation.pk, dotation.status, user))

    dotation_approved.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            dotations.dotation_approve(dotation=computed, user=cnam2)
    finally:
        dotation_approved.disconnect(receiver)
    computed.refresh_from_db()
    assert computed.status == DotationStatus.APPROVED
    assert (computed.approved_by, computed.prepared_by) == (cnam2, cnam)
    assert received == [(computed.pk, DotationStatus.APPROVED, cnam2)]
    event = Event.objects.get(verb="dotation_approved")
    assert event.amount == EXPECTED_TOTAL and not event.internal
    (message,) = [m for m in mail.outbox if "approuvée" in m.subject]
    assert message.to == [manager.email]
    assert "227\u202f800,00\u00a0€" in message.body
    assert "dotation 2026 " in message.body
    with pytest.raises(TransitionError):
        dotations.dotation_approve(dotation=computed, user=cnam2)


@pytest.mark.parametrize("who", ["manager", "ars_idf"])
def test_only_cnam_agents_propose_and_approve(computed, cnam, who, request):
    user = request.getfixturevalue(who)
    with pytest.raises(ActionRefused):
        dotations.dotation_propose(dotation=computed, user=user)
    dotations.dotation_propose(dotation=computed, user=cnam)
    with pytest.raises(ActionRefused):
        dotations.dotation_approve(dotation=computed, user=user)


def test_approval_within_the_national_envelope(computed, cnam, cnam2):
    campaign = computed.campaign
    campaign.envelope = EXPECTED_TOTAL - Decimal("0.01")
    campaign.save()
    dotations.dotation_propose(dotation=computed, user=cnam)
    with pytest.raises(ActionRefused, match="enveloppe nationale"):
        dotations.dotation_approve(dotation=computed, user=cnam2)
    computed.refresh_from_db()
    assert computed.status == DotationStatus.PROPOSED


def test_approval_within_the_regional_envelope(computed, cnam, cnam2):
    RegionalEnvelope.objects.create(campaign=computed.campaign, region_id="11", amount=Decimal("200000"))
    dotations.dotation_propose(dotation=computed, user=cnam)
    with pytest.raises(ActionRefused, match="enveloppe régionale"):
        dotations.dotation_approve(dotation=computed, user=cnam2)
    RegionalEnvelope.objects.update(amount=EXPECTED_TOTAL)
    dotations.dotation_approve(dotation=computed, user=cnam2)


def test_return_needs_a_reason_and_drops_the_adjustment(computed, cnam, cnam2):
    dotations.dotation_propose(dotation=computed, user=cnam, adjustment=Decimal("1000"), reason="Local")
    with pytest.raises(TransitionError, match="motif"):
        dotations.dotation_return(dotation=computed, user=cnam2, reason="  ")
    dotations.dotation_return(dotation=computed, user=cnam2, reason="Vérifier les ETP de médiation.")
    computed.refresh_from_db()
    assert computed.status == DotationStatus.COMPUTED
    assert computed.total == computed.computed_total == EXPECTED_TOTAL
    assert computed.return_reason == "Vérifier les ETP de médiation."
    assert Event.objects.filter(verb="dotation_returned", reason="Vérifier les ETP de médiation.").exists()


def test_a_stale_version_is_a_conflict(computed, cnam):
    with pytest.raises(ConflictError):
        dotations.dotation_propose(dotation=computed, user=cnam, expected_version=computed.version - 1)


def test_ars_agent_of_the_region_gives_an_opinion_on_a_proposed_dotation(computed, cnam, ars_idf, ars_ara):
    with pytest.raises(ActionRefused):
        dotations.dotation_give_opinion(dotation=computed, user=ars_idf, favourable=True)
    dotations.dotation_propose(dotation=computed, user=cnam)
    with pytest.raises(ActionRefused):
        dotations.dotation_give_opinion(dotation=computed, user=ars_ara, favourable=True)
    with pytest.raises(ActionRefused, match="commentaire"):
        dotations.dotation_give_opinion(dotation=computed, user=ars_idf, favourable=False)
    opinion = dotations.dotation_give_opinion(
        dotation=computed, user=ars_idf, favourable=False, comment="File active surévaluée."
    )
    assert computed.opinions.get() == opinion
    assert Event.objects.get(verb="dotation_opinion").internal


def test_an_approved_dotation_does_not_change_when_its_report_or_the_bareme_changes(
    computed, cnam, cnam2, django_capture_on_commit_callbacks
):
    dotations.dotation_propose(dotation=computed, user=cnam)
    dotations.dotation_approve(dotation=computed, user=cnam2)
    before = Dotation.objects.get(pk=computed.pk)
    lines_before = list(before.lines.values_list("code", "quantity", "amount"))

    ValidatedReportFactory(
        convention=computed.convention, year=2025, fte={"health_mediator": "4"}, activity={"interpreting_hours": 3000}
    )
    BaremeComponent.objects.filter(code="coordination").update(rate=Decimal("90000"))
    with django_capture_on_commit_callbacks(execute=True):
        compute.campaign_compute_start(campaign=computed.campaign, user=cnam)

    after = Dotation.objects.get(pk=computed.pk)
    assert after.total == before.total == EXPECTED_TOTAL
    assert after.inputs == before.inputs
    assert after.version == before.version
    assert list(after.lines.values_list("code", "quantity", "amount")) == lines_before
