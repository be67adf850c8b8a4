"""Random input on the campaign form, the barème editor and the dotation workflow forms never gives a 500."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dotations.enums import CampaignStatus, DotationStatus
from dotations.models import Campaign, Dotation
from dotations.services import compute, dotations
from tests.conftest import client_for
from tests.factories import CampaignFactory, FundedConventionFactory
from tests.special_numbers import special_numbers

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

anything = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789 ,.-€%", max_size=20),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    special_numbers,
    st.sampled_from(["", " ", "\x00", "1e999", "NaN", "-0", "per_fte", "flat", "health_mediator", "31/02/2026"]),
)

CAMPAIGN = ["year", "envelope", "advance_share", "advance_due_date", "balance_due_date", "balance_floor", "region_11"]
COMPONENT = ["code", "label", "basis", "key", "rate", "quantity_cap", "amount_cap", "modulated", "DELETE"]
BAND = ["lower", "upper", "coefficient", "DELETE"]


def _fields(names, prefix=""):
    return st.fixed_dictionaries({}, optional={f"{prefix}{name}": anything for name in names})


@st.composite
def bareme_posts(draw):
    data = {
        "reference_patients": draw(anything),
        "version": draw(st.one_of(st.just("1"), anything)),
        "components-TOTAL_FORMS": draw(st.one_of(st.sampled_from(["0", "1", "2"]), anything)),
        "components-INITIAL_FORMS": "0",
        "bands-TOTAL_FORMS": draw(st.one_of(st.sampled_from(["0", "1", "2"]), anything)),
        "bands-INITIAL_FORMS": draw(st.sampled_from(["0", "1", "x"])),
    }
    for index in range(2):
        data.update(draw(_fields(COMPONENT, f"components-{index}-")))
        data.update(draw(_fields(BAND, f"bands-{index}-")))
    return data


@FUZZ
@given(data=_fields(CAMPAIGN))
def test_campaign_form(cnam, data):
    response = client_for(cnam).post(reverse("dotations:campaign_create"), data)
    assert response.status_code in (200, 302)


@FUZZ
@given(data=bareme_posts())
def test_bareme_editor(cnam, data):
    if not Campaign.objects.filter(year=2026).exists():
        CampaignFactory(status=CampaignStatus.DRAFT, bareme=False)
    response = client_for(cnam).post(reverse("dotations:bareme_edit", args=[2026]), data)
    assert response.status_code in (200, 302)


@FUZZ
@given(propose=_fields(["adjustment", "reason", "version"]), opinion=_fields(["favourable", "comment"]))
def test_workflow_forms(cnam, ars_idf, propose, opinion):
    if not Dotation.objects.exists():
        campaign = CampaignFactory()
        FundedConventionFactory(region="11")
        FundedConventionFactory(region="11")
        compute.run_compute(campaign_id=campaign.pk, user_id=cnam.pk)
        dotations.dotation_propose(dotation=Dotation.objects.order_by("pk").last(), user=cnam)
    computed = Dotation.objects.filter(status=DotationStatus.COMPUTED).first()
    proposed = Dotation.objects.filter(status=DotationStatus.PROPOSED).first()
    if computed is not None:
        response = client_for(cnam).post(reverse("dotations:dotation_propose", args=[computed.pk]), propose)
        assert response.status_code in (200, 302)
    if proposed is not None:
        response = client_for(ars_idf).post(reverse("dotations:dotation_opinion", args=[proposed.pk]), opinion)
        assert response.status_code in (200, 302)
        response = client_for(cnam).post(reverse("dotations:dotation_return", args=[proposed.pk]), propose)
        assert response.status_code in (200, 302)
