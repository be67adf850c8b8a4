"""The structure list as CSV or XLSX: the page's scope, filters and order, French spreadsheet conventions."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from structures import services
from structures.enums import StructureStatus as S
from tests.conftest import client_for, make_user
from tests.factories import StructureFactory


def _csv(response) -> tuple[str, list[list[str]]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    return text, list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def _xlsx(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    return list(sheet.iter_rows(values_only=True))


@pytest.fixture
def files(manager, ars_idf, ars_ara):
    clermont_manager = make_user("gestion.clermont@test.example")
    submitted = StructureFactory(manager=manager, complete=True, name="Centre de santé de l'Alma")
    services.structure_update(
        structure=submitted,
        user=manager,
        fields={"declared_precarity_share": Decimal("42.5"), "other_funding_amount": Decimal("61234.5")},
    )
    services.structure_submit(structure=submitted, user=manager)
    eligible = StructureFactory(
        manager=manager, eligible=True, reviewer=ars_idf, name="Maison de santé des Courtillières"
    )
    draft = StructureFactory(manager=manager, name="Brouillon jamais déposé")
    clermont = StructureFactory(
        manager=clermont_manager, submitted=True, commune_code="63113", name="Centre de santé de Clermont"
    )
    return {"submitted": submitted, "eligible": eligible, "draft": draft, "clermont": clermont}


def _names(rows):
    return [row[0] for row in rows[1:]]


@pytest.mark.django_db
def test_csv_has_the_french_conventions_and_the_lists_order(files, cnam):
    response = client_for(cnam).get(reverse("structures:export", args=["csv"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="structures.csv"' in response["Content-Disposition"]
    text, rows = _csv(response)
    assert text.startswith("\ufeffStructure;Type;FINESS établissement;")
    assert (
        _names(rows)
        == [
            "Brouillon jamais déposé",
            "Centre de santé de Clermont",
            "Centre de santé de l'Alma",
            "Maison de santé des Courtillières",
        ][1:]
    ), "CNAM: every submitted file in the list's order, never a draft"
    alma = dict(zip(rows[0], rows[2], strict=True))
    assert alma["Part C2S + AME déclarée (%)"] == "42,50"
    assert alma["Autres financements (€/an)"] == "61234,50"
    assert alma["Statut"] == "Déposé"
    assert alma["Missions obligatoires décrites (sur 7)"] == "7"
    assert alma["Région"] == "Île-de-France"
    assert re.fullmatch(r"\d+,\d\d", alma["ETP de l'équipe"]), "FTE rounded to two places, never 11,4000000000000"


@pytest.mark.django_db
def test_xlsx_opens_with_a_frozen_filterable_header_wide_columns_and_french_dates(files, cnam):
    response = client_for(cnam).get(reverse("structures:export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(sheet.max_column)}{sheet.max_row}"
    assert sheet.max_row == 4  # the header and three structures
    header = [cell.value for cell in sheet[1]]
    for index, title in enumerate(header, start=1):
        assert sheet.column_dimensions[get_column_letter(index)].width >= min(len(title), 58), title
    deposited = sheet.cell(row=3, column=header.index("Déposé le") + 1)
    assert isinstance(deposited.value, datetime.datetime) and deposited.number_format == "DD/MM/YYYY"
    money = sheet.cell(row=3, column=header.index("Autres financements (€/an)") + 1)
    assert money.value == 61234.5 and money.number_format == "#,##0.00"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("manager", ["Brouillon jamais déposé", "Centre de santé de l'Alma", "Maison de santé des Courtillières"]),
        ("ars_idf", ["Centre de santé de l'Alma", "Maison de santé des Courtillières"]),
        ("ars_ara", ["Centre de santé de Clermont"]),
    ],
)
def test_each_role_exports_only_its_scope(request, files, actor, expected):
    _text, rows = _csv(client_for(request.getfixturevalue(actor)).get(reverse("structures:export", args=["csv"])))
    assert _names(rows) == expected


@pytest.mark.django_db
def test_the_export_follows_the_pages_filters_and_counts_the_same(files, cnam):
    client = client_for(cnam)
    params = {"status": S.ELIGIBLE, "o": "-name"}
    page = client.get(reverse("structures:list"), params)
    _text, rows = _csv(client.get(reverse("structures:export", args=["csv"]), params))
    assert _names(rows) == ["Maison de santé des Courtillières"]
    assert page.context["page_obj"].paginator.count == len(rows) - 1
    assert 'href="/structures/export/csv/?status=eligible&amp;o=-name"' in page.content.decode()


@pytest.mark.django_db
def test_xlsx_has_the_same_rows_with_numbers_as_numbers(files, cnam):
    client = client_for(cnam)
    _text, csv_rows = _csv(client.get(reverse("structures:export", args=["csv"])))
    response = client.get(reverse("structures:export", args=["xlsx"]))
    assert 'filename="structures.xlsx"' in response["Content-Disposition"]
    rows = _xlsx(response)
    assert list(rows[0]) == csv_rows[0]
    assert [row[0] for row in rows[1:]] == _names(csv_rows)
    alma = dict(zip(rows[0], rows[2], strict=True))
    assert alma["Autres financements (€/an)"] == pytest.approx(61234.5)
    assert alma["Missions obligatoires décrites (sur 7)"] == 7


@pytest.mark.django_db
def test_an_unknown_format_is_a_404(cnam):
    assert client_for(cnam).get(reverse("structures:export", args=["pdf"])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [2, 30])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_costs_the_same_queries_with_2_or_30_structures(
    manager, cnam, django_assert_max_num_queries, rows, fmt
):
    for index in range(rows):
        StructureFactory(manager=manager, submitted=True, name=f"Centre de santé n° {index:02d}")
    client = client_for(cnam)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("structures:export", args=[fmt]))
        body = b"".join(response.streaming_content)
    assert len(body) > 0
