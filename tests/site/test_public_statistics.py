"""Public statistics and open data (issue 13 §2): no login, aggregates only, statistical secrecy below the
national level, and the approved dotations in the national open-data schema for subsidies."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from pytest_django.asserts import assertInHTML

from dotations.enums import PaymentStatus
from dotations.models import Payment
from secpa_portal.reference.identifiers import make_siren, make_siret
from secpa_portal.site.statistics import Cell, suppress
from tests.factories import (
    CampaignFactory,
    DotationFactory,
    FundedConventionFactory,
    ValidatedReportFactory,
    approve_dotation,
)

pytestmark = pytest.mark.django_db

# SCDL « subventions » 2.0: every column in the schema's order, with the rule each value must follow.
SCDL_SCHEMA = [
    ("nomAttribuant", r".+"),
    ("idAttribuant", r"\d{14}"),
    ("dateConvention", r"\d{4}-\d{2}-\d{2}"),
    ("referenceDecision", r".*"),
    ("nomBeneficiaire", r".+"),
    ("idBeneficiaire", r"\d{14}"),
    ("objet", r".{1,256}"),
    ("montant", r"\d+(\.\d+)?"),
    ("nature", r"aide en numéraire|aide en nature|aide en numéraire;aide en nature|aide en nature;aide en numéraire"),
    ("conditionsVersement", r".{1,256}"),
    ("datesPeriodeVersement", r"[0-9]{4}-[0-9]{2}-[0-9]{2}(/[0-9]{4}-[0-9]{2}-[0-9]{2})?"),
    ("idRAE", r".{0,5}"),
    ("notificationUE", r"oui|non"),
    ("pourcentageSubvention", r"(0\.\d*[1-9]\d*|1(\.0+)?)"),
]


def _csv(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _funded(region, cnam, cnam2, *, total, year=2026, n=0):
    convention = FundedConventionFactory(
        region=region, structure__siret=make_siret(make_siren(f"{region}{n:06d}"), "0001"), prepared_by=cnam
    )
    convention.cnam_signed_at = datetime.datetime(2025, 12, 15, 10, tzinfo=datetime.UTC)
    convention.save()
    dotation = DotationFactory(
        convention=convention, campaign=CampaignFactory(year=year, bareme=False), total=total, cnam=cnam
    )
    return approve_dotation(dotation, cnam2)


@pytest.fixture
def funded(cnam, cnam2):
    """Three funded structures in Île-de-France, one in Auvergne-Rhône-Alpes, one in Bretagne."""
    dotations = [
        _funded("11", cnam, cnam2, total=Decimal("400000.00"), n=1),
        _funded("11", cnam, cnam2, total=Decimal("500000.00"), n=2),
        _funded("11", cnam, cnam2, total=Decimal("600000.50"), n=3),
        _funded("84", cnam, cnam2, total=Decimal("350000.00"), n=4),
        _funded("53", cnam, cnam2, total=Decimal("450000.00"), n=5),
    ]
    advance = Payment.objects.filter(dotation=dotations[0]).order_by("due_date").first()
    Payment.objects.filter(pk=advance.pk).update(status=PaymentStatus.PAID, paid_on=datetime.date(2026, 3, 31))
    return dotations


def test_suppress_hides_what_rests_on_fewer_than_three_structures_and_what_would_give_it_away():
    cells = suppress([Cell(10, 5), Cell(1, 1), Cell(7, 4), Cell(0, 0)])
    assert [c.hidden for c in cells] == [False, True, True, False]  # the smallest other one goes too
    cells = suppress([Cell(1, 1), Cell(2, 2), Cell(9, 9)])
    assert [c.hidden for c in cells] == [True, True, False]  # two hidden cells cover each other
    assert [c.shown for c in suppress([Cell(5, 5), Cell(6, 6)])] == [5, 6]


def test_the_public_page_needs_no_login_and_is_linked_from_the_home_page(client, funded):
    assert reverse("public_statistics") in client.get(reverse("core:home")).content.decode()
    response = client.get(reverse("public_statistics"))
    assert response.status_code == 200
    html = response.content.decode()
    assertInHTML("<h1>Statistiques publiques</h1>", html)
    # France entière: 5 structures financées, 2 300 000,50 € approuvés.
    assert "2\u202f300\u202f000,50\u00a0€" in html or "2 300 000,50" in html.replace("\u202f", " ").replace(
        "\u00a0", " "
    )


def test_no_figure_below_the_national_level_rests_on_fewer_than_three_structures(client, funded):
    html = client.get(reverse("public_statistics")).content.decode().replace("\u202f", " ").replace("\u00a0", " ")
    funding = html.split("Campagne 2026", 1)[1].split("</table>", 1)[0]
    # Île-de-France funds three structures and is published; Auvergne-Rhône-Alpes and Bretagne fund one each:
    # both are secret, and each covers the other (the national total minus Île-de-France gives only their sum).
    assert "Île-de-France" in funding and "1 500 000,50 €" in funding
    for region in ("Auvergne-Rhône-Alpes", "Bretagne"):
        row = funding.split(region, 1)[1].split("</tr>", 1)[0]
        assert "secret statistique" in row and "€" not in row
    rows = {
        row["region"]: row
        for row in _csv(client.get(reverse("open_data_file", args=["dotations-par-annee-et-region"])))
    }
    assert rows["France entière"]["montant_approuve"] == "2300000.50"
    assert rows["France entière"]["montant_verse"] == str(Payment.objects.get(status="paid").amount)
    assert rows["Île-de-France"]["montant_approuve"] == "1500000.50"
    assert rows["Bretagne"]["montant_approuve"] == "" and rows["Bretagne"]["structures_financees"] == ""


def test_a_lone_small_region_hides_the_next_smallest_too(client, cnam, cnam2):
    for n in range(3):
        _funded("11", cnam, cnam2, total=Decimal("100000.00"), n=10 + n)
    for n in range(4):
        _funded("84", cnam, cnam2, total=Decimal("100000.00"), n=20 + n)
    _funded("53", cnam, cnam2, total=Decimal("100000.00"), n=30)
    rows = {
        row["region"]: row
        for row in _csv(client.get(reverse("open_data_file", args=["dotations-par-annee-et-region"])))
    }
    assert rows["Bretagne"]["montant_approuve"] == ""
    assert rows["Île-de-France"]["montant_approuve"] == "", "else France entière − ARA − IDF gives Bretagne away"
    assert rows["Auvergne-Rhône-Alpes"]["montant_approuve"] == "400000.00"


def test_the_subsidies_file_follows_the_scdl_schema(client, funded):
    response = client.get(reverse("open_data_file", args=["subventions"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = _csv(response)
    assert list(rows[0]) == [name for name, _rule in SCDL_SCHEMA]
    assert len(rows) == len(funded)
    for row in rows:
        for name, rule in SCDL_SCHEMA:
            assert re.fullmatch(rule, row[name]), (name, row[name])
    first = next(r for r in rows if r["montant"] == "600000.50")
    assert first["dateConvention"] == "2025-12-15"
    assert first["datesPeriodeVersement"] == "2026-01-01/2027-12-31"


def test_every_open_data_file_and_its_dictionary_are_public(client, funded):
    from secpa_portal.site.open_data import DATASETS

    index = client.get(reverse("open_data")).content.decode()
    for dataset in DATASETS:
        response = client.get(reverse("open_data_file", args=[dataset.slug]))
        assert response.status_code == 200
        header = b"".join(response.streaming_content).decode().splitlines()[0]
        assert header.split(",") == [name for name, _d in dataset.columns]
        for name, _description in dataset.columns:
            assert f"<code>{name}</code>" in index
    assert client.get("/statistiques/donnees/inconnu.csv").status_code == 404


def test_activity_is_published_from_three_validated_reports(client, cnam):
    conventions = [FundedConventionFactory(region="11", prepared_by=cnam) for _ in range(3)]
    for convention, (file_active, share) in zip(conventions, [(1000, 40), (3000, 60), (1000, 20)], strict=True):
        ValidatedReportFactory(
            convention=convention,
            year=2025,
            activity={"file_active": file_active, "precarity_share": share, "participants": 50},
        )
    rows = _csv(client.get(reverse("open_data_file", args=["activite-par-annee"])))
    assert rows == [
        {
            "annee": "2025",
            "rapports_valides": "3",
            "file_active": "5000.00",
            "part_c2s_ame": "48.0",  # (1000 × 40 + 3000 × 60 + 1000 × 20) / 5000
            "heures_interpretariat": "0.00",
            "actes_mediation": "0.00",
            "actions_participatives": "0.00",
            "participants": "150.00",
        }
    ]


@pytest.mark.parametrize("count", [2, 30])
def test_the_public_page_costs_the_same_few_queries_whatever_the_rows(
    count, client, cnam, cnam2, django_assert_max_num_queries
):
    for n in range(count):
        _funded(["11", "84", "53"][n % 3], cnam, cnam2, total=Decimal("100000.00"), n=100 + n)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("public_statistics")).status_code == 200
    with django_assert_max_num_queries(4):
        response = client.get(reverse("open_data_file", args=["subventions"]))
        assert len(_csv(response)) == count
