"""A computation that fails mid-way (issue 10): consistent dotations, a failure event, a page offering to restart."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from dotations import engine
from dotations.enums import ComputeState
from dotations.models import Campaign, Dotation
from dotations.services import compute
from secpa_portal.journal.models import Event
from tests.conftest import client_for
from tests.factories import CampaignFactory, FundedConventionFactory

pytestmark = pytest.mark.django_db

CONVENTIONS = 5


@pytest.fixture
def computed(cnam, django_capture_on_commit_callbacks):
    """A campaign computed once, in full: the results a failed run must not leave half-replaced."""
    campaign = CampaignFactory()
    for index in range(CONVENTIONS):
        FundedConventionFactory(region="11" if index % 2 else "84")
    with django_capture_on_commit_callbacks(execute=True):
        compute.campaign_compute_start(campaign=campaign, user=cnam)
    campaign.refresh_from_db()
    assert campaign.compute_state == ComputeState.DONE
    return campaign


def _raise_on_call(monkeypatch, n):
    real, calls = engine.compute, {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == n:
            raise RuntimeError("panne simulée")
        return real(*args, **kwargs)

    monkeypatch.setattr(compute.engine, "compute", flaky)


def _assert_consistent(campaign):
    for dotation in Dotation.objects.filter(campaign=campaign).prefetch_related("lines"):
        lines = dotation.lines.aggregate(total=Sum("amount"))["total"] or Decimal("0")
        assert lines == dotation.computed_total, f"dotation {dotation.pk}: its lines are another run's"


def test_a_run_failing_on_the_fourth_convention(computed, cnam, monkeypatch, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    before = dict(Dotation.objects.filter(campaign=computed).values_list("pk", "computed_at"))
    compute.campaign_compute_start(campaign=computed, user=cnam)
    _raise_on_call(monkeypatch, 4)

    with pytest.raises(RuntimeError):
        compute.run_compute(campaign_id=computed.pk, user_id=cnam.pk, batch_size=2)

    campaign = Campaign.objects.get(pk=computed.pk)
    assert campaign.compute_state == ComputeState.FAILED
    assert campaign.compute_done == 2
    assert "Le calcul a échoué après 2\u00a0conventions sur 5" in campaign.compute_error
    after = dict(Dotation.objects.filter(campaign=computed).values_list("pk", "computed_at"))
    assert after.keys() == before.keys()
    assert sum(after[pk] != before[pk] for pk in before) == 2, "the first batch is this run's, the rest the previous"
    _assert_consistent(campaign)
    [event] = Event.objects.filter(verb="campaign_compute_failed")
    assert event.payload["done"] == 2 and "panne simulée" in event.payload["error"]
    assert event.internal

    content = client_for(cnam).get(reverse("dotations:campaign_detail", args=[2026])).content.decode()
    assert "État du calcul : <strong>Échec du calcul</strong>" in content
    assert "les autres gardent leur résultat précédent : relancez le calcul" in content
    assert "Relancer le calcul</button>" in content


def test_restarting_after_a_failure_completes_the_run(computed, cnam, monkeypatch, django_capture_on_commit_callbacks):
    original = monkeypatch.context()
    with original as patch:
        _raise_on_call(patch, 1)
        with pytest.raises(RuntimeError):
            compute.run_compute(campaign_id=computed.pk, user_id=cnam.pk, batch_size=2)
    assert Campaign.objects.get(pk=computed.pk).compute_state == ComputeState.FAILED
    started = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cnam).post(reverse("dotations:campaign_compute", args=[2026]))
    assert response.status_code == 302
    campaign = Campaign.objects.get(pk=computed.pk)
    assert (campaign.compute_state, campaign.compute_done, campaign.compute_error) == (ComputeState.DONE, 5, "")
    assert not Dotation.objects.filter(campaign=campaign, computed_at__lt=started).exists()
    _assert_consistent(campaign)


def test_a_killed_run_is_shown_as_interrupted_and_journaled_at_restart(
    computed, cnam, django_capture_on_commit_callbacks
):
    long_ago = timezone.now() - compute.STALE_AFTER - datetime.timedelta(minutes=1)
    Campaign.objects.filter(pk=computed.pk).update(
        compute_state=ComputeState.RUNNING, compute_done=3, compute_total=5, updated_at=long_ago
    )
    client = client_for(cnam)
    content = client.get(reverse("dotations:campaign_detail", args=[2026])).content.decode()
    assert "État du calcul : <strong>Calcul interrompu</strong>" in content
    assert "Le calcul s'est interrompu sans se terminer (3 conventions sur 5)" in content
    assert "Relancer le calcul</button>" in content and "<progress" not in content

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("dotations:campaign_compute", args=[2026]))
    [event] = Event.objects.filter(verb="campaign_compute_interrupted")
    assert event.payload == {"done": 3, "total": 5, "error": ""}
    assert Campaign.objects.get(pk=computed.pk).compute_state == ComputeState.DONE


def test_a_live_run_is_not_interrupted(computed, cnam):
    Campaign.objects.filter(pk=computed.pk).update(compute_state=ComputeState.RUNNING, updated_at=timezone.now())
    content = client_for(cnam).get(reverse("dotations:campaign_detail", args=[2026])).content.decode()
    assert "Calcul interrompu" not in content and "Relancer le calcul" not in content
