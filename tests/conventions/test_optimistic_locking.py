"""Two agents open the same edit form; the second save is refused, nothing of the first is overwritten (issue 10)."""

import re

import pytest
from django.urls import reverse

from conventions.models import Amendment, Convention, Indicator, Objective
from conventions.services import amendments as amendment_services
from dotations.enums import CampaignStatus
from dotations.models import BaremeComponent, Campaign
from tests.conftest import client_for
from tests.factories import CampaignFactory, ConventionFactory, IndicatorFactory, StructureFactory
from tests.forms import form_holding

pytestmark = pytest.mark.django_db

CONFLICT = "modifié par une autre personne"
CONFLICT_CONVENTION = "modifiée par une autre personne"


def main_text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[html.find("<main") : html.find("</main>")]))


def two_agents_post(first, second, url, *, having, change_first, change_second):
    """Both open ``url``; ``first`` saves, then ``second`` saves what their page showed. Returns the answers."""
    client_a, client_b = client_for(first), client_for(second)
    form_a = form_holding(client_a.get(url), having)
    form_b = form_holding(client_b.get(url), having)
    assert "version" in form_a, "the form renders the version it was opened at"
    change_first(form_a)
    change_second(form_b)
    saved = client_a.post(url, form_a)
    assert saved.status_code == 302, "the first save passes: " + main_text(saved)
    return client_b.post(url, form_b)


def assert_conflict(response, text=CONFLICT):
    assert response.status_code == 200
    html = response.content.decode()
    assert text in html and "rechargez la page" in html


def test_indicator(cnam, cnam2):
    indicator = IndicatorFactory(code="lost_update_probe", label="Libellé d'origine")
    refused = two_agents_post(
        cnam,
        cnam2,
        reverse("conventions:indicator_edit", args=[indicator.pk]),
        having="label",
        change_first=lambda form: form.update(label="Libellé de l'agent A"),
        change_second=lambda form: form.update(description="Description de l'agent B"),
    )
    assert_conflict(refused)
    indicator = Indicator.objects.get(pk=indicator.pk)
    assert (indicator.label, indicator.description) == ("Libellé de l'agent A", "")


def test_indicator_without_version_is_refused(cnam):
    indicator = IndicatorFactory(code="lost_update_probe2", label="Libellé d'origine")
    url = reverse("conventions:indicator_edit", args=[indicator.pk])
    client = client_for(cnam)
    form = form_holding(client.get(url), "label")
    del form["version"]
    form["label"] = "Sans version"
    response = client.post(url, form)
    assert response.status_code == 200
    assert "version du dossier absente" in response.content.decode()
    assert Indicator.objects.get(pk=indicator.pk).label == "Libellé d'origine"


@pytest.fixture
def amendment(manager, ars_idf, cnam, cnam2):
    structure = StructureFactory(manager=manager, reviewer=ars_idf, eligible=True)
    convention = ConventionFactory(structure=structure, cnam=cnam, cnam2=cnam2, manager=manager, active=True)
    return amendment_services.amendment_save(
        convention=convention,
        user=cnam,
        summary="Objet initial",
        new_end_date=convention.end_date.replace(month=6, day=30),
    )


def test_amendment(amendment, cnam, cnam2):
    refused = two_agents_post(
        cnam,
        cnam2,
        reverse("conventions:amendment_edit", args=[amendment.convention_id, amendment.number]),
        having="summary",
        change_first=lambda form: form.update(summary="Objet de l'agent A"),
        change_second=lambda form: form.update(summary="Objet de l'agent B"),
    )
    assert_conflict(refused)
    assert Amendment.objects.get(pk=amendment.pk).summary == "Objet de l'agent A"


@pytest.fixture
def draft(manager, ars_idf, cnam):
    return ConventionFactory(structure=StructureFactory(manager=manager, reviewer=ars_idf, eligible=True), cnam=cnam)


def test_convention_draft_terms(draft, cnam, cnam2):
    refused = two_agents_post(
        cnam,
        cnam2,
        reverse("conventions:edit", args=[draft.pk]),
        having="advance_share",
        change_first=lambda form: form.update(advance_share="50"),
        change_second=lambda form: form.update(advance_share="70"),
    )
    assert_conflict(refused, CONFLICT_CONVENTION)
    assert Convention.objects.get(pk=draft.pk).advance_share in (50, 0.5)


def test_objectives(draft, cnam, cnam2):
    objective = Objective.objects.filter(convention=draft).first()
    refused = two_agents_post(
        cnam,
        cnam2,
        reverse("conventions:objective_edit", args=[draft.pk, objective.pk]),
        having="title",
        change_first=lambda form: form.update(title="Titre de l'agent A"),
        change_second=lambda form: form.update(title="Titre de l'agent B"),
    )
    assert_conflict(refused, CONFLICT_CONVENTION)
    assert Objective.objects.get(pk=objective.pk).title == "Titre de l'agent A"


def test_campaign(cnam, cnam2):
    campaign = CampaignFactory(year=2026)
    refused = two_agents_post(
        cnam,
        cnam2,
        reverse("dotations:campaign_edit", args=[campaign.year]),
        having="version",
        change_first=lambda form: form.update(envelope="15000000"),
        change_second=lambda form: form.update(envelope="16000000"),
    )
    assert refused.status_code == 200
    assert "modifié" in refused.content.decode() and "rechargez la page" in refused.content.decode()
    assert Campaign.objects.get(pk=campaign.pk).envelope == 15000000


def test_bareme(cnam, cnam2):
    campaign = CampaignFactory(year=2026, status=CampaignStatus.DRAFT)
    url = reverse("dotations:bareme_edit", args=[campaign.year])
    first_rate = next(name for name in form_holding(client_for(cnam).get(url), "version") if "rate" in name)
    refused = two_agents_post(
        cnam,
        cnam2,
        url,
        having="version",
        change_first=lambda form: form.update({first_rate: "11111"}),
        change_second=lambda form: form.update({first_rate: "22222"}),
    )
    assert refused.status_code == 200
    assert "rechargez la page" in refused.content.decode()
    assert BaremeComponent.objects.filter(campaign=campaign, rate=11111).exists()
    assert not BaremeComponent.objects.filter(campaign=campaign, rate=22222).exists()
