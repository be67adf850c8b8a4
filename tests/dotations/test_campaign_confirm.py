"""Opening and closing a campaign go through one confirmation (secpa_portal/core/confirm.py): the campaign page
offers a link to the confirmation page with the same text in a DSFR modal; GET shows the page and changes
nothing, POST of its form acts."""

import pytest
from django.urls import reverse

from dotations.enums import CampaignStatus, ComputeState
from dotations.models import Campaign
from secpa_portal.journal.models import Event
from tests.conftest import client_for
from tests.factories import CampaignFactory
from tests.forms import rendered_form

pytestmark = pytest.mark.django_db

DETAIL = reverse("dotations:campaign_detail", args=[2026])
OPEN = reverse("dotations:campaign_open", args=[2026])
CLOSE = reverse("dotations:campaign_close", args=[2026])


def _page(client, url=DETAIL):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_opening_is_a_link_to_its_confirmation_then_a_post(cnam, django_assert_max_num_queries):
    CampaignFactory(status=CampaignStatus.DRAFT)
    client = client_for(cnam)
    page = _page(client)
    assert "data-confirm=" not in page  # the browser's confirm() is gone
    assert f'<a class="fr-btn" href="{OPEN}" data-secpa-confirm="confirm-campaign-open">Ouvrir la campagne</a>' in page
    assert '<dialog id="confirm-campaign-open" class="fr-modal" aria-labelledby="confirm-campaign-open-title"' in page
    assert f'<form method="post" action="{OPEN}" novalidate data-secpa-confirm-form>' in page  # in the modal

    with django_assert_max_num_queries(12):
        confirmation = _page(client, OPEN)
    assert "<h1>Ouvrir la campagne 2026 ?</h1>" in confirmation
    assert "Le barème sera figé" in confirmation
    assert f'<a class="fr-btn fr-btn--secondary" href="{DETAIL}">Annuler</a>' in confirmation
    assert Campaign.objects.get().status == CampaignStatus.DRAFT  # GET changes nothing

    response = client.post(OPEN, rendered_form(confirmation, "data-secpa-confirm-form"))
    assert response.status_code == 302 and response["Location"] == DETAIL
    assert Campaign.objects.get().status == CampaignStatus.OPEN
    assert Event.objects.filter(verb="campaign_opened").count() == 1


def test_closing_is_a_link_to_its_confirmation_then_a_post(cnam):
    CampaignFactory()
    client = client_for(cnam)
    page = _page(client)
    assert f'href="{CLOSE}" data-secpa-confirm="confirm-campaign-close">Clore la campagne</a>' in page
    confirmation = _page(client, CLOSE)
    assert "<h1>Clore la campagne 2026 ?</h1>" in confirmation and "ne peut pas être annulée" in confirmation
    assert 'class="fr-btn secpa-btn--danger">Clore la campagne</button>' in confirmation
    assert Campaign.objects.get().status == CampaignStatus.OPEN
    client.post(CLOSE, rendered_form(confirmation, "data-secpa-confirm-form"))
    assert Campaign.objects.get().status == CampaignStatus.CLOSED


def test_closing_is_neither_offered_nor_done_while_a_computation_runs(cnam):
    campaign = CampaignFactory()
    Campaign.objects.filter(pk=campaign.pk).update(compute_state=ComputeState.RUNNING, compute_total=5)
    client = client_for(cnam)
    assert "Clore la campagne" not in _page(client)
    response = client.get(CLOSE)
    assert response.status_code == 302 and response["Location"] == DETAIL
    response = client.post(CLOSE, follow=True)
    assert "Un calcul des dotations est en cours" in response.content.decode()
    assert Campaign.objects.get().status == CampaignStatus.OPEN


@pytest.mark.parametrize("who", ["ars_idf", "manager"])
def test_who_may_not_open_gets_no_confirmation(who, request):
    CampaignFactory(status=CampaignStatus.DRAFT)
    client = client_for(request.getfixturevalue(who))
    assert client.get(OPEN).status_code in (302, 404)
    assert client.post(OPEN).status_code in (302, 404)
    assert Campaign.objects.get().status == CampaignStatus.DRAFT
