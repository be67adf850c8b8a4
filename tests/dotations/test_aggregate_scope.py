"""An ARS agent's campaign totals cover their region only (issue 10): one structure per region shows it."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from dotations.enums import DotationStatus
from dotations.models import RegionalEnvelope
from tests.conftest import client_for
from tests.factories import CampaignFactory, DotationFactory, FundedConventionFactory, FundedStructureFactory

pytestmark = pytest.mark.django_db

IDF = Decimal("123456.78")
ARA = Decimal("987654.32")  # unapproved: another region's agent must never read it


@pytest.fixture
def campaign(cnam):
    campaign = CampaignFactory(year=2026, bareme=False)
    DotationFactory(
        convention=FundedConventionFactory(
            structure=FundedStructureFactory(region="11"), prepared_by=cnam, start_year=2026
        ),
        campaign=campaign,
        total=IDF,
        cnam=cnam,
    )
    DotationFactory(
        convention=FundedConventionFactory(
            structure=FundedStructureFactory(region="84"), prepared_by=cnam, start_year=2026
        ),
        campaign=campaign,
        total=ARA,
        cnam=cnam,
    )
    RegionalEnvelope.objects.create(campaign=campaign, region_id="11", amount=Decimal("5000000.00"))
    RegionalEnvelope.objects.create(campaign=campaign, region_id="84", amount=Decimal("4321000.00"))
    return campaign


def _digits(amount: Decimal) -> str:
    """The amount as the page writes it, spaces aside: 987654,32."""
    return f"{amount:.2f}".replace(".", ",")


def _text(response) -> str:
    html = response.content.decode()
    return re.sub(r"[\s\u202f\u00a0]", "", html)


def test_campaign_page_shows_an_ars_agent_their_region_only(campaign, ars_idf):
    response = client_for(ars_idf).get(reverse("dotations:campaign_detail", args=[2026]))
    assert response.status_code == 200
    text = _text(response)
    assert _digits(IDF) in text
    assert _digits(ARA) not in text, "another region's unapproved dotation shows"
    assert _digits(IDF + ARA) not in text
    assert "4321000" not in text, "another region's envelope shows"
    assert "Auvergne-Rhône-Alpes" not in response.content.decode()
    gauge, regions = response.context["gauge"], response.context["regions"]
    assert (gauge.proposed, gauge.counts["count"], gauge.envelope) == (IDF, 1, Decimal("5000000.00"))
    assert gauge.scope == "Île-de-France"
    assert [(row.code, row.proposed) for row in regions] == [("11", IDF)]
    assert "Enveloppe 2026 — Île-de-France" in response.content.decode()


def test_the_cnam_still_sees_every_region(campaign, cnam):
    response = client_for(cnam).get(reverse("dotations:campaign_detail", args=[2026]))
    gauge, regions = response.context["gauge"], response.context["regions"]
    assert gauge.proposed == IDF + ARA and gauge.envelope == campaign.envelope and gauge.scope == ""
    assert {row.code for row in regions} == {"11", "84"}


def test_a_region_without_its_own_envelope(campaign, ars_ara):
    RegionalEnvelope.objects.filter(region_id="84").delete()
    response = client_for(ars_ara).get(reverse("dotations:campaign_detail", args=[2026]))
    assert "pas d'enveloppe régionale fixée" in response.content.decode()
    assert response.context["gauge"].proposed == ARA
    assert _digits(IDF) not in _text(response)


def test_campaign_list_totals_are_the_agents_region(campaign, ars_idf, cnam):
    campaign.dotations.update(status=DotationStatus.APPROVED)
    text = _text(client_for(ars_idf).get(reverse("dotations:campaign_list")))
    assert _digits(IDF) in text and _digits(ARA) not in text and _digits(IDF + ARA) not in text
    assert _digits(IDF + ARA) in _text(client_for(cnam).get(reverse("dotations:campaign_list")))


@pytest.mark.parametrize("count", [2, 30])
def test_the_scoped_campaign_page_query_count(count, cnam, ars_idf, django_assert_max_num_queries):
    campaign = CampaignFactory(year=2026, bareme=False)
    for index in range(count):
        region = "11" if index % 2 else "84"
        DotationFactory(
            convention=FundedConventionFactory(
                structure=FundedStructureFactory(region=region), prepared_by=cnam, start_year=2026
            ),
            campaign=campaign,
            cnam=cnam,
        )
    client = client_for(ars_idf)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("dotations:campaign_detail", args=[2026])).status_code == 200


def test_fund_totals_on_the_campaign_page_are_the_agents_region(manager, cnam, cnam2, ars_idf):
    from tests.conftest import make_user
    from tests.factories import DotationFactory

    idf = DotationFactory(
        manager=manager, cnam=cnam, approver=cnam2, approved=True, total=Decimal("100000.00"), region="11"
    )
    DotationFactory(
        manager=make_user("ara@test.example"),
        cnam=cnam,
        approver=cnam2,
        approved=True,
        total=Decimal("300000.00"),
        region="84",
    )
    funds = (
        client_for(ars_idf).get(reverse("dotations:campaign_detail", args=[idf.campaign.year])).context["fund_totals"]
    )
    assert funds["fiss"] + funds["fir"] == Decimal("60000.00")  # the advance of the IdF dotation only
    national = client_for(cnam).get(reverse("dotations:campaign_detail", args=[idf.campaign.year])).context
    assert national["fund_totals"]["fiss"] + national["fund_totals"]["fir"] == Decimal("240000.00")
