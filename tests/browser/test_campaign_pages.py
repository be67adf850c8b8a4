"""The campaign and dotation pages in a real browser: barème editor refusal, compute, propose, approve by the
other agent; axe finds no serious or critical violation on any of them."""

import pytest

from dotations.enums import CampaignStatus, DotationStatus
from dotations.models import Dotation
from tests.browser.conftest import assert_accessible, login, logout
from tests.browser.journeys import shot
from tests.dotations.reference_data import reference_regions  # noqa: F401  (autouse: regions after a flush)
from tests.factories import CampaignFactory, FundedConventionFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_campaign_journey_pages_are_accessible(page, manager, cnam, cnam2, ars_idf):
    CampaignFactory(status=CampaignStatus.DRAFT)
    FundedConventionFactory(manager=manager, region="11")
    FundedConventionFactory(region="84")

    login(page, cnam.email)
    page.goto("/financements/campagnes/")
    assert_accessible(page)
    page.get_by_role("link", name="Campagne 2026").click()
    page.get_by_role("link", name="Modifier le barème").click()
    page.locator("#id_components-0-rate").fill("-5")
    page.get_by_role("button", name="Enregistrer le barème").click()
    assert page.get_by_text("Le barème n'a pas été enregistré").is_visible()
    assert page.locator("#id_components-0-rate").input_value() == "-5"
    shot(page, "bareme-errors")
    assert_accessible(page)
    page.goto("/financements/campagnes/2026/")
    # One confirmation pattern: the link became a button opening a DSFR modal that posts the same form.
    page.get_by_role("button", name="Ouvrir la campagne").click()
    modal = page.get_by_role("dialog", name="Ouvrir la campagne 2026 ?")
    modal.wait_for(state="visible")
    assert modal.get_by_text("Le barème sera figé").is_visible()
    shot(page, "campaign-open-modal")
    assert_accessible(page)
    modal.get_by_role("button", name="Annuler").click()
    modal.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.textContent") == "Ouvrir la campagne"  # focus back on the trigger
    page.get_by_role("button", name="Ouvrir la campagne").click()
    modal.get_by_role("button", name="Ouvrir la campagne").click()
    assert page.get_by_text("son barème est figé").is_visible()
    page.get_by_role("button", name="Calculer la campagne").click()
    page.wait_for_selector("text=Calculée")
    shot(page, "campaign")
    assert_accessible(page)

    dotation = Dotation.objects.get(structure__memberships__user=manager)
    page.goto(f"/financements/dotations/{dotation.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Proposer").click()
    page.get_by_label("Ajustement (€)").fill("-2 000")
    page.get_by_label("Motif de l'ajustement").fill("Locaux partagés avec la PMI.")
    assert_accessible(page)
    page.get_by_role("button", name="Proposer la dotation").click()
    assert page.get_by_text("La dotation est proposée").is_visible()
    assert page.get_by_role("button", name="Approuver").is_disabled()
    shot(page, "dotation-proposed")
    assert_accessible(page)
    logout(page)

    login(page, cnam2.email)
    page.goto(f"/financements/dotations/{dotation.pk}/approuver/")
    assert_accessible(page)
    page.get_by_role("button", name="Approuver la dotation").click()
    assert page.get_by_text("La dotation est approuvée").is_visible()
    dotation.refresh_from_db()
    assert dotation.status == DotationStatus.APPROVED
    page.goto("/financements/dotations/")
    shot(page, "dotation-list")
    assert_accessible(page)
    logout(page)

    login(page, manager.email)
    page.goto(f"/financements/dotations/{dotation.pk}/")
    assert page.locator("#dotation-total").inner_text().startswith("Montant")
    assert_accessible(page)


def test_the_progress_bar_follows_a_running_computation_then_shows_the_result(page, cnam):
    from django.utils import timezone

    from dotations.enums import ComputeState
    from dotations.models import Campaign

    campaign = CampaignFactory()
    Campaign.objects.filter(pk=campaign.pk).update(compute_state=ComputeState.RUNNING, compute_done=1, compute_total=3)
    login(page, cnam.email)
    page.goto("/financements/campagnes/2026/")
    bar = page.get_by_role("progressbar", name="Avancement du calcul")
    assert (bar.get_attribute("aria-valuenow"), bar.get_attribute("aria-valuemax")) == ("1", "3")
    assert page.locator("#compute-progress-text").inner_text() == "1 / 3 dotations calculées — 33\u00a0%"
    assert page.get_by_role("button", name="Clore la campagne").count() == 0  # never while computing
    shot(page, "campaign-computing")
    assert_accessible(page)
    # A batch is done: static/js/dotations.js polls the progress and moves the bar and its text.
    Campaign.objects.filter(pk=campaign.pk).update(compute_done=2)
    page.wait_for_selector("#compute-progress-text:has-text('2 / 3 dotations calculées')")
    assert bar.get_attribute("aria-valuenow") == "2"
    assert page.eval_on_selector("#compute-bar progress", "bar => bar.value") == 2
    # Finished: the page reloads by itself and shows the result, without the bar.
    Campaign.objects.filter(pk=campaign.pk).update(
        compute_state=ComputeState.DONE, compute_done=3, computed_at=timezone.now()
    )
    page.wait_for_selector("#compute-status:has-text('Calculée')")
    assert page.locator("#compute-bar").count() == 0
    assert page.get_by_role("button", name="Clore la campagne").is_visible()
    assert page.get_by_role("button", name="Calculer la campagne").is_visible()
    shot(page, "campaign-computed")


def test_fit_to_envelope_is_applied_from_the_page(page, cnam):
    """The agent previews the coefficient and applies it with the page's own form (a localised hidden value was
    refused before); the campaign page then shows the coefficient."""
    from decimal import Decimal

    from dotations.models import Campaign
    from dotations.services import compute

    campaign = CampaignFactory(envelope=Decimal("400000.00"))
    FundedConventionFactory(region="11")
    FundedConventionFactory(region="84")
    compute.run_compute(campaign_id=campaign.pk, user_id=cnam.pk)
    login(page, cnam.email)
    page.goto("/financements/campagnes/2026/")
    page.get_by_role("link", name="Ajuster à l'enveloppe").click()
    assert page.get_by_text("Coefficient proposé : 0,877963").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Appliquer le coefficient 0,877963").click()
    assert page.get_by_text("Coefficient 0,877963 appliqué").is_visible()
    assert Campaign.objects.get(pk=campaign.pk).reduction == Decimal("0.877963")
    assert_accessible(page)
