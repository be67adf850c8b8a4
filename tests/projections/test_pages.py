"""The scenario pages: who may see and do what (CNAM, pilotage national, ARS, manager, anonymous), the form
as rendered, bounded queries, the XLSX export and the two-page note."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from dotations.enums import CampaignStatus
from dotations.models import Campaign
from projections import pdf, services
from projections.models import Scenario
from secpa_portal.accounts.enums import Role
from secpa_portal.core.errors import ActionRefused
from tests.conftest import client_for, make_user
from tests.forms import rendered_form

from .builders import worked_example

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilotage(db):
    return make_user("dss@test.example", role=Role.PILOTAGE, first_name="Claire", last_name="Ministère")


@pytest.fixture
def scenario(cnam):
    scenario, _ = worked_example(cnam)
    return services.recompute_scenario(user=cnam, scenario=scenario)


def _clients(cnam, pilotage, ars_idf, manager):
    return {
        "cnam": client_for(cnam),
        "pilotage": client_for(pilotage),
        "ars": client_for(ars_idf),
        "manager": client_for(manager),
        "anonymous": Client(),
    }


READ_VIEWS = ["list", "detail", "compare", "export", "note"]
WRITE_VIEWS = [
    ("create", "get"),
    ("create", "post"),
    ("edit", "get"),
    ("edit", "post"),
    ("duplicate", "post"),
    ("recompute", "post"),
]


def _url(name, scenario, other=None):
    if name in ("list", "create"):
        return reverse(f"projections:{name}")
    if name == "compare":
        return reverse("projections:compare") + f"?s={scenario.pk}&s={other.pk}"
    return reverse(f"projections:{name}", args=[scenario.pk])


def _status(client, url, method="get", data=None):
    response = getattr(client, method)(url, data or {})
    if response.streaming:
        # The XLSX is a file response: reading it to the end lets the test client close its spooled file (not
        # ``response.close()``, whose request_finished signal would close the test's database connection).
        b"".join(response.streaming_content)
    return response.status_code


def test_permission_matrix(scenario, cnam, pilotage, ars_idf, manager):
    other = services.duplicate_scenario(user=cnam, scenario=scenario)
    clients = _clients(cnam, pilotage, ars_idf, manager)
    for name in READ_VIEWS:
        url = _url(name, scenario, other)
        for who in ("cnam", "pilotage"):
            assert _status(clients[who], url) == 200, (who, name)
        for who in ("ars", "manager"):
            assert _status(clients[who], url) == 404, (who, name)
        assert _status(clients["anonymous"], url) == 302, name
    before = (Scenario.objects.count(), Scenario.objects.get(pk=scenario.pk).version)
    for name, method in WRITE_VIEWS:
        url = _url(name, scenario)
        for who in ("pilotage", "ars", "manager"):
            response = getattr(clients[who], method)(url, {"name": "Piraté"})
            assert response.status_code == 404, (who, name, method)
        assert getattr(clients["anonymous"], method)(url).status_code == 302
    assert (Scenario.objects.count(), Scenario.objects.get(pk=scenario.pk).version) == before
    assert clients["cnam"].post(_url("recompute", scenario)).status_code == 302
    assert clients["cnam"].get(_url("create", scenario)).status_code == 200


def test_pilotage_is_refused_by_every_scenario_service(scenario, pilotage):
    for call in (
        lambda: services.create_scenario(user=pilotage, data={}, groups=[]),
        lambda: services.update_scenario(user=pilotage, scenario=scenario, data={}, groups=[], version=None),
        lambda: services.duplicate_scenario(user=pilotage, scenario=scenario),
        lambda: services.recompute_scenario(user=pilotage, scenario=scenario),
    ):
        with pytest.raises(ActionRefused, match="Seuls les agents de la CNAM"):
            call()


def test_pilotage_reads_the_national_pages_and_acts_on_nothing(scenario, pilotage):
    client = client_for(pilotage)
    campaign = Campaign.objects.get(year=2026)
    for url in (
        reverse("dashboard"),
        reverse("structures:list"),
        reverse("conventions:list"),
        reverse("dotations:campaign_list"),
        reverse("dotations:campaign_detail", args=[2026]),
        reverse("dotations:dotation_list"),
        reverse("dotations:payments"),
        reverse("dotations:consultation_list"),  # the consultations too: tests/dotations/test_consultation_perms.py
    ):
        assert client.get(url).status_code == 200, url
    assert "Projections" in client.get(reverse("dashboard")).content.decode()
    assert client.get(reverse("dotations:campaign_create")).status_code == 404
    for name in ("campaign_edit", "bareme_edit"):
        assert client.get(reverse(f"dotations:{name}", args=[2026])).status_code in (302, 403, 404), name
    for name in ("campaign_open", "campaign_close", "campaign_compute", "campaign_fit"):
        assert client.post(reverse(f"dotations:{name}", args=[2026])).status_code in (302, 403, 404), name
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN
    structures = client.get(reverse("structures:list")).content.decode()
    assert "A" in structures and "B" in structures  # every region


def test_form_as_rendered_creates_a_scenario_and_keeps_input_on_error(cnam, scenario):
    client = client_for(cnam)
    page = client.get(reverse("projections:create")).content.decode()
    data = rendered_form(page, "scenario-form")
    data.update(
        {
            "name": "Nouveau",
            "first_year": "2027",
            "spending": "280 000 000 000",
            "spending_source": "ONDAM",
            "indexation": "abc",
            "groups-0-region": "84",
            "groups-0-territory_type": "rural",
            "groups-0-count": "5",
        }
    )
    response = client.post(reverse("projections:create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Saisissez un nombre, par exemple 1 250 ou 12,5." in html
    assert 'value="280 000 000 000"' in html and 'value="Nouveau"' in html
    data = rendered_form(html, "scenario-form")
    data["indexation"] = "1,5"
    response = client.post(reverse("projections:create"), data)
    assert response.status_code == 302
    created = Scenario.objects.get(name="Nouveau")
    assert created.indexation == Decimal("1.5")
    assert created.groups.get().count == 5
    assert created.results["counts"]["new"] == 5
    # Edit: the rendered form posts back unchanged.
    edit = client.get(reverse("projections:edit", args=[created.pk])).content.decode()
    assert (
        client.post(reverse("projections:edit", args=[created.pk]), rendered_form(edit, "scenario-form")).status_code
        == 302
    )
    assert Scenario.objects.get(pk=created.pk).version == created.version + 1


def test_typed_profile_needs_its_figures(cnam, scenario):
    client = client_for(cnam)
    data = rendered_form(client.get(reverse("projections:create")).content.decode(), "scenario-form")
    data.update(
        {
            "name": "Typé",
            "first_year": "2027",
            "spending": "1000",
            "spending_source": "test",
            "groups-0-region": "84",
            "groups-0-territory_type": "qpv",
            "groups-0-count": "1",
            "groups-0-profile": "typed",
        }
    )
    html = client.post(reverse("projections:create"), data).content.decode()
    assert "Un profil saisi donne au moins un ETP." in html
    assert "Un profil saisi donne la file active." in html
    assert not Scenario.objects.filter(name="Typé").exists()


def test_pages_cost_a_bounded_number_of_queries(scenario, cnam, pilotage):
    others = [services.duplicate_scenario(user=cnam, scenario=scenario) for _ in range(2)]
    pages = (
        (pilotage, reverse("projections:list")),
        (pilotage, reverse("projections:detail", args=[scenario.pk])),
        (pilotage, reverse("projections:compare") + f"?s={scenario.pk}&s={others[0].pk}&s={others[1].pk}"),
        (pilotage, reverse("projections:export", args=[scenario.pk])),
        (pilotage, reverse("projections:note", args=[scenario.pk])),
        (cnam, reverse("projections:create")),
        (cnam, reverse("projections:edit", args=[scenario.pk])),
    )
    for user, url in pages:
        client = client_for(user)
        with CaptureQueriesContext(connection) as queries:
            assert _status(client, url) == 200
        # Session and user, the scenario(s) and their groups, the form's campaigns and regions: never one per row.
        assert len(queries) <= 10, (url, len(queries), [q["sql"][:80] for q in queries])


def test_xlsx_export_holds_the_assumptions_and_the_tables(scenario, pilotage):
    response = client_for(pilotage).get(reverse("projections:export", args=[scenario.pk]))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == [
        "Hypothèses",
        "Par année",
        "Par population",
        "Par région",
        "Par territoire",
        "Par composante",
    ]
    years = list(book["Par année"].values)
    assert years[0] == ("Année", "Coût (€)", "Écart avec l'enveloppe (€)", "Part des dépenses (%)")
    assert years[1][:2] == ("2027", 1047900.5)
    assumptions = dict(list(book["Hypothèses"].values)[1:])
    assert assumptions["Source des dépenses"] == "Exposé des motifs de la PPL n° 2504"


def test_the_note_is_two_pages(scenario):
    assert len(pdf.document(scenario).pages) == 2


def test_a_scenario_over_5000_structures_costs_a_bounded_number_of_queries(db):
    from projections import bench

    figures = bench.measure(5000)
    assert figures["structures"] >= 5000
    # Barème (2), groups (1), regions (1), then per batch of 500: structures, reports, team lines; one last
    # empty batch: about 3 per batch whatever the size, never one per structure.
    assert figures["queries"] <= 4 + 3 * 11 + 2, figures
    assert figures["total"] > 0
