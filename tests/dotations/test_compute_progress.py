"""The campaign page while a computation runs: the progress bar, its counts and percentage, then the finished state.

With the Dummy task backend the queued computation stays queued, as it does in production until a worker takes
it, so the page shows the running state; the test then runs the queued task itself.
"""

import pytest
from django.tasks import default_task_backend
from django.urls import reverse
from pytest_django.asserts import assertInHTML

from dotations.enums import ComputeState
from dotations.models import Campaign
from tests.conftest import client_for
from tests.factories import CampaignFactory, FundedConventionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    return default_task_backend


def _page(client, year=2026):
    response = client.get(reverse("dotations:campaign_detail", args=[year]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_the_progress_while_the_computation_runs_then_the_result(
    cnam, queued_tasks, django_capture_on_commit_callbacks
):
    campaign = CampaignFactory()
    for region in ("11", "84", "11"):
        FundedConventionFactory(region=region)
    client = client_for(cnam)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dotations:campaign_compute", args=[2026]))
    assert response.status_code == 302
    [queued] = queued_tasks.results
    assert queued.task.name == "compute_campaign"
    campaign.refresh_from_db()
    assert (campaign.compute_state, campaign.compute_done, campaign.compute_total) == (ComputeState.RUNNING, 0, 3)

    content = _page(client)
    assert "Le calcul de la campagne 2026 est lancé." in content
    progress_url = reverse("dotations:campaign_progress", args=[2026])
    assert f'data-progress-url="{progress_url}"' in content
    # A DSFR-looking bar, accessible as a progressbar with its value, its counts and its percentage.
    assert (
        'id="compute-bar" role="progressbar" aria-labelledby="compute-progress-label" aria-valuemin="0" '
        'aria-valuemax="3" aria-valuenow="0" aria-valuetext="0 / 3 dotations calculées — 0\u00a0%"'
    ) in content
    assert '<progress class="secpa-progress__bar" max="3" value="0" aria-hidden="true">' in content
    assert "État du calcul : <strong>Calcul en cours</strong>" in content
    assert ">0 / 3 dotations calculées — 0\u00a0%</p>" in content
    assert "Rechargez la page pour suivre l'avancement" in content
    # No second computation is offered while one runs, and the campaign cannot be closed meanwhile.
    assert "Calculer la campagne</button>" not in content and "Recalculer la campagne" not in content
    assert "Clore la campagne" not in content
    close_url = reverse("dotations:campaign_close", args=[2026])
    assert client.get(close_url).status_code == 302
    client.post(close_url)
    campaign.refresh_from_db()
    assert campaign.status == "open"

    # A batch is done: the bar and its text move on.
    Campaign.objects.filter(pk=campaign.pk).update(compute_done=2)
    content = _page(client)
    assert 'aria-valuenow="2" aria-valuetext="2 / 3 dotations calculées — 66\u00a0%"' in content
    assert '<progress class="secpa-progress__bar" max="3" value="2"' in content
    assert ">2 / 3 dotations calculées — 66\u00a0%</p>" in content
    assert client.get(progress_url).json() == {
        "state": "running",
        "label": "Calcul en cours",
        "done": 2,
        "total": 3,
        "error": "",
        "percent": 66,
        "text": "2 / 3 dotations calculées — 66\u00a0%",
    }

    # The worker runs the queued task: the page shows the finished state, without the bar.
    queued.task.call(*queued.args, **queued.kwargs)
    content = _page(client)
    assert "<progress" not in content and "data-progress-url" not in content
    assert "État du calcul : <strong>Calculée</strong> — dernier calcul le" in content
    assert "dotations calculées —" not in content
    assert "Recalculer la campagne" in content and "Clore la campagne" in content
    assert client.get(progress_url).json()["state"] == "done"
    assert campaign.dotations.count() == 3


def test_a_failed_computation_shows_its_message_and_offers_to_compute_again(cnam):
    campaign = CampaignFactory()
    Campaign.objects.filter(pk=campaign.pk).update(
        compute_state=ComputeState.FAILED, compute_done=1, compute_total=3, compute_error="Le calcul a échoué : test."
    )
    content = _page(client_for(cnam))
    assert "<progress" not in content
    assert "État du calcul : <strong>Échec du calcul</strong>" in content
    assertInHTML('<div class="fr-alert fr-alert--error fr-alert--sm"><p>Le calcul a échoué : test.</p></div>', content)
    assert "Relancer le calcul</button>" in content, "a failed run is offered again, as a restart"


def test_an_ars_agent_sees_no_progress_bar(ars_idf):
    campaign = CampaignFactory()
    Campaign.objects.filter(pk=campaign.pk).update(compute_state=ComputeState.RUNNING, compute_total=3)
    content = _page(client_for(ars_idf))
    assert "<progress" not in content  # the computation block is for CNAM agents
