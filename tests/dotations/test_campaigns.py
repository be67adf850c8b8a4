"""Campaign services and the barème editor: creation, copy from last year, envelopes, refusals in French."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from dotations.enums import CampaignStatus
from dotations.models import BaremeComponent, Campaign, PrecarityBand, RegionalEnvelope
from dotations.services import campaigns as services
from secpa_portal.core.errors import ActionRefused
from secpa_portal.journal.models import Event
from tests.conftest import client_for
from tests.factories import BANDS, COMPONENTS, CampaignFactory
from tests.html import elements

pytestmark = pytest.mark.django_db

FIELDS = {
    "envelope": Decimal("14000000.00"),
    "advance_share": Decimal("0.60"),
    "advance_due_date": datetime.date(2027, 3, 31),
    "balance_due_date": datetime.date(2028, 4, 30),
    "balance_floor": Decimal("0.50"),
}


def test_create_copies_the_previous_years_bareme_and_regional_envelopes(cnam):
    previous = CampaignFactory(year=2026, is_demonstration=True, reference_patients=3500)
    RegionalEnvelope.objects.create(campaign=previous, region_id="11", amount=Decimal("3000000"))
    campaign = services.campaign_create(user=cnam, year=2027, fields=FIELDS, copy_previous=True)
    assert campaign.status == CampaignStatus.DRAFT
    assert campaign.is_demonstration and campaign.reference_patients == 3500
    assert list(campaign.components.values_list("code", "rate")) == [(c["code"], c["rate"]) for c in COMPONENTS]
    assert campaign.precarity_bands.count() == len(BANDS)
    assert campaign.regional_envelopes.get().amount == Decimal("3000000")
    assert Event.objects.filter(verb="campaign_created", object_id=str(campaign.pk)).exists()


def test_create_refuses_a_duplicate_year_and_regional_envelopes_over_the_national_one(cnam, manager):
    CampaignFactory(year=2026)
    with pytest.raises(ActionRefused, match="existe déjà"):
        services.campaign_create(user=cnam, year=2026, fields=FIELDS)
    with pytest.raises(ActionRefused, match="dépasse l'enveloppe nationale"):
        services.campaign_create(
            user=cnam, year=2027, fields=FIELDS, regional={"11": Decimal("10000000"), "84": Decimal("5000000")}
        )
    with pytest.raises(ActionRefused):
        services.campaign_create(user=manager, year=2028, fields=FIELDS)
    with pytest.raises(ActionRefused, match="Aucune campagne antérieure"):
        services.campaign_create(user=cnam, year=2020, fields=FIELDS, copy_previous=True)


def test_open_freezes_the_bareme_and_close_makes_it_read_only(cnam):
    campaign = CampaignFactory(status=CampaignStatus.DRAFT)
    services.campaign_open(campaign=campaign, user=cnam)
    with pytest.raises(ActionRefused, match="figé"):
        services.bareme_replace(campaign=campaign, user=cnam, components=COMPONENTS, bands=BANDS)
    services.campaign_close(campaign=campaign, user=cnam)
    with pytest.raises(ActionRefused):
        services.campaign_update(campaign=campaign, user=cnam, fields={"envelope": Decimal("1")})


def test_an_empty_bareme_cannot_be_opened(cnam):
    campaign = CampaignFactory(status=CampaignStatus.DRAFT, bareme=False)
    with pytest.raises(ActionRefused, match="aucune composante"):
        services.campaign_open(campaign=campaign, user=cnam)


# --------------------------------------------------------------------------------------------------
# The barème editor (formsets), through the page
# --------------------------------------------------------------------------------------------------


def _post_data(components, bands, reference="4000", version=1):
    data = {
        "version": str(version),
        "reference_patients": reference,
        "components-TOTAL_FORMS": str(len(components)),
        "components-INITIAL_FORMS": "0",
        "bands-TOTAL_FORMS": str(len(bands)),
        "bands-INITIAL_FORMS": "0",
    }
    for index, component in enumerate(components):
        for name, value in component.items():
            if value is True:
                value = "on"
            data[f"components-{index}-{name}"] = "" if value is None else str(value)
    for index, band in enumerate(bands):
        for name, value in band.items():
            data[f"bands-{index}-{name}"] = "" if value is None else str(value)
    return data


def component(**overrides):
    return {
        "code": "mediation",
        "label": "Médiation",
        "basis": "per_fte",
        "key": "health_mediator",
        "rate": "55 000",
        "quantity_cap": "",
        "amount_cap": "",
        **overrides,
    }


GOOD_BANDS = [
    {"lower": "0", "upper": "30", "coefficient": "1"},
    {"lower": "30", "upper": "", "coefficient": "1,1"},
]


def test_the_editor_saves_a_consistent_bareme_typed_the_french_way(cnam):
    campaign = CampaignFactory(status=CampaignStatus.DRAFT, bareme=False)
    response = client_for(cnam).post(
        reverse("dotations:bareme_edit", args=[campaign.year]),
        _post_data(
            [
                component(modulated=True),
                component(code="forfait", label="Forfait", basis="flat", key="", rate="60 000,50"),
            ],
            GOOD_BANDS,
            reference="3 500",
        ),
    )
    assert response.status_code == 302, re.findall(
        r"<li>.*?</li>", response.content.decode().split("bareme-errors")[-1]
    )[:5]
    campaign.refresh_from_db()
    assert campaign.reference_patients == 3500
    assert list(campaign.components.values_list("code", "rate", "modulated")) == [
        ("mediation", Decimal("55000.00"), True),
        ("forfait", Decimal("60000.50"), False),
    ]
    assert list(campaign.precarity_bands.values_list("lower", "upper", "coefficient")) == [
        (Decimal("0"), Decimal("30"), Decimal("1")),
        (Decimal("30"), None, Decimal("1.1")),
    ]


@pytest.mark.parametrize(
    "components, bands, message",
    [
        ([component(rate="-10")], GOOD_BANDS, "Le taux ne peut pas être négatif."),
        ([component(key="")], GOOD_BANDS, "une composante par ETP doit préciser la catégorie professionnelle"),
        (
            [component(basis="per_unit", key="")],
            GOOD_BANDS,
            "une composante par unité doit préciser l&#x27;indicateur",
        ),
        ([component(basis="per_unit", key="nurse")], GOOD_BANDS, "se rapporte à une donnée d&#x27;activité"),
        ([component(basis="flat")], GOOD_BANDS, "forfaitaire ou par patient ne prend pas de clé"),
        ([component(), component()], GOOD_BANDS, "est utilisé plusieurs fois"),
        ([component(quantity_cap="-1")], GOOD_BANDS, "plafond de quantité ne peut pas être négatif"),
        (
            [component()],
            [{"lower": "0", "upper": "40", "coefficient": "1"}, {"lower": "30", "upper": "", "coefficient": "1,1"}],
            "se chevauchent",
        ),
        (
            [component()],
            [{"lower": "0", "upper": "20", "coefficient": "1"}, {"lower": "30", "upper": "", "coefficient": "1,1"}],
            "laissent un trou entre 20 % et 30 %",
        ),
        (
            [component()],
            [{"lower": "10", "upper": "", "coefficient": "1"}],
            "doivent commencer à 0 %",
        ),
        (
            [component()],
            [{"lower": "0", "upper": "", "coefficient": "0"}],
            "coefficient doit être strictement positif",
        ),
        ([component(rate="douze")], GOOD_BANDS, "Saisissez un nombre"),
    ],
)
def test_the_editor_refuses_inconsistent_input_in_french_and_keeps_it(cnam, components, bands, message):
    campaign = CampaignFactory(status=CampaignStatus.DRAFT, bareme=False)
    response = client_for(cnam).post(
        reverse("dotations:bareme_edit", args=[campaign.year]), _post_data(components, bands)
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert "Le barème n'a pas été enregistré" in content
    assert elements(content, value=str(components[0]["rate"]))  # what was typed is kept
    assert not BaremeComponent.objects.filter(campaign=campaign).exists()
    assert not PrecarityBand.objects.filter(campaign=campaign).exists()


def test_the_editor_refuses_a_negative_reference_patientele(cnam):
    campaign = CampaignFactory(status=CampaignStatus.DRAFT, bareme=False)
    response = client_for(cnam).post(
        reverse("dotations:bareme_edit", args=[campaign.year]), _post_data([component()], GOOD_BANDS, reference="0")
    )
    assert "La patientèle de référence doit être strictement positive." in response.content.decode()


def test_the_editor_shows_the_stored_bareme_and_deletes_a_row(cnam):
    campaign = CampaignFactory(status=CampaignStatus.DRAFT)
    client = client_for(cnam)
    page = client.get(reverse("dotations:bareme_edit", args=[campaign.year]))
    form = page.context["components"]
    assert form.initial_form_count() == len(COMPONENTS)
    data = {
        "version": str(campaign.version),
        "reference_patients": "4000",
        "components-TOTAL_FORMS": str(len(COMPONENTS)),
        "components-INITIAL_FORMS": str(len(COMPONENTS)),
        "bands-TOTAL_FORMS": str(len(BANDS)),
        "bands-INITIAL_FORMS": str(len(BANDS)),
    }
    for index, row in enumerate(COMPONENTS):
        for name in ("code", "label", "basis", "key", "rate", "quantity_cap", "amount_cap"):
            value = row.get(name)
            data[f"components-{index}-{name}"] = "" if value is None else str(value).replace(".", ",")
        if row.get("modulated"):
            data[f"components-{index}-modulated"] = "on"
    data["components-4-DELETE"] = "on"
    for index, band in enumerate(BANDS):
        for name, value in band.items():
            data[f"bands-{index}-{name}"] = "" if value is None else str(value)
    response = client.post(reverse("dotations:bareme_edit", args=[campaign.year]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(Campaign.objects.get().components.values_list("code", flat=True)) == [
        "coordination",
        "mediation",
        "psychology",
        "interpreting",
    ]


def test_a_stale_bareme_form_is_a_conflict(cnam):
    campaign = CampaignFactory(status=CampaignStatus.DRAFT, bareme=False)
    response = client_for(cnam).post(
        reverse("dotations:bareme_edit", args=[campaign.year]), _post_data([component()], GOOD_BANDS, version=0)
    )
    assert "modifiée par une autre personne" in response.content.decode()


def test_campaign_form_creates_with_regional_envelopes_and_keeps_bad_input(cnam):
    client = client_for(cnam)
    data = {
        "year": "2027",
        "envelope": "14 000 000",
        "advance_share": "60",
        "advance_due_date": "31/03/2027",
        "balance_due_date": "30/04/2028",
        "balance_floor": "50",
        "region_11": "3 000 000",
    }
    bad = client.post(reverse("dotations:campaign_create"), {**data, "balance_due_date": "01/01/2027"})
    assert "L&#x27;échéance du solde ne peut pas précéder celle de l&#x27;avance." in bad.content.decode()
    assert elements(bad.content.decode(), value="14 000 000")
    response = client.post(reverse("dotations:campaign_create"), data)
    assert response.status_code == 302, re.findall(
        r"<li>.*?</li>", response.content.decode().split("bareme-errors")[-1]
    )[:5]
    campaign = Campaign.objects.get(year=2027)
    assert campaign.envelope == Decimal("14000000")
    assert campaign.advance_share == Decimal("0.60")
    assert campaign.regional_envelopes.get().region_id == "11"


@pytest.mark.parametrize("name", ["dotations:bareme_edit", "dotations:campaign_edit"])
def test_editor_query_counts_do_not_grow_with_the_components(cnam, name, django_assert_max_num_queries):
    client = client_for(cnam)
    counts = []
    for size in (2, 30):
        Campaign.objects.all().delete()
        campaign = CampaignFactory(status=CampaignStatus.DRAFT, bareme=False)
        for index in range(size):
            BaremeComponent.objects.create(
                campaign=campaign, order=index, code=f"c{index}", label=f"C {index}", basis="flat", rate=Decimal("1")
            )
            if index < 3:
                RegionalEnvelope.objects.create(campaign=campaign, region_id=["11", "84", "32"][index], amount=1)
        with django_assert_max_num_queries(12) as captured:
            assert client.get(reverse(name, args=[campaign.year])).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_create_page_query_count(cnam, django_assert_max_num_queries):
    client = client_for(cnam)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("dotations:campaign_create")).status_code == 200


def test_an_envelope_cannot_drop_below_what_is_approved(cnam, cnam2):
    from dotations.services import compute, dotations
    from tests.factories import EXPECTED_TOTAL, FundedConventionFactory

    campaign = CampaignFactory()
    FundedConventionFactory(region="11")
    compute.run_compute(campaign_id=campaign.pk, user_id=cnam.pk)
    dotation = campaign.dotations.get()
    dotations.dotation_propose(dotation=dotation, user=cnam)
    dotations.dotation_approve(dotation=dotation, user=cnam2)
    with pytest.raises(ActionRefused, match="nationale ne peut pas être inférieure"):
        services.campaign_update(campaign=campaign, user=cnam, fields={"envelope": EXPECTED_TOTAL - 1})
    with pytest.raises(ActionRefused, match="régionale ne peut pas être inférieure"):
        services.campaign_update(campaign=campaign, user=cnam, fields={}, regional={"11": EXPECTED_TOTAL - 1})
    services.campaign_update(
        campaign=campaign, user=cnam, fields={"envelope": EXPECTED_TOTAL}, regional={"11": EXPECTED_TOTAL}
    )


@pytest.mark.django_db
def test_a_campaign_past_its_thousandth_version_saves_from_the_rendered_form(cnam):
    """The hidden version is rendered unlocalised: « 1 234 » would read as someone else's save."""
    from tests.forms import rendered_form

    campaign = CampaignFactory(status=CampaignStatus.DRAFT)
    Campaign.objects.filter(pk=campaign.pk).update(version=1234)
    client = client_for(cnam)
    url = reverse("dotations:campaign_edit", args=[campaign.year])
    data = rendered_form(client.get(url).content.decode(), "novalidate")
    assert data["version"] == "1234"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Campaign.objects.get(pk=campaign.pk).version == 1235
