"""National attainment per indicator and its exports: scope, CSV for French spreadsheets, XLSX, query counts."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conventions.models import ReportValue
from tests.conftest import client_for, make_user
from tests.factories import ConventionFactory, ReportFactory

pytestmark = pytest.mark.django_db

# A line per indicator of a report: 8 activity figures, the 2 default indicators and the 3 the law requires.
LINES = 13

HEADER = (
    "Région;Structure;FINESS;Convention;Année;Statut du rapport;Code indicateur;Indicateur;Unité;Valeur déclarée;"
    "Valeur de référence;Cible;Points;Atteinte (%);Commentaire"
)


@pytest.fixture
def validated(manager, ars_idf, cnam, cnam2):
    convention = ConventionFactory(manager=manager, ars=ars_idf, cnam=cnam, cnam2=cnam2, active=True)
    report = ReportFactory(convention=convention, manager=manager, validated=True, ars=ars_idf)
    # Half-way from the baseline (10) to the 2026 target (12): 50 %.
    ReportValue.objects.filter(report=report, indicator__code="coordination_meetings").update(
        value=Decimal("11"), comment="Une réunion annulée ; grève"
    )
    return report


def export(user, fmt, **params):
    response = client_for(user).get(reverse("conventions:national_export", args=[fmt]), params)
    assert response.status_code == 200
    return response


def test_csv_has_bom_semicolons_decimal_comma_and_attainment(validated, cnam):
    response = export(cnam, "csv", annee=2026)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="indicateurs-2026.csv"' in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff" + HEADER + "\r\n")
    lines = body.splitlines()
    assert len(lines) == 1 + LINES
    meeting = next(line for line in lines if ";coordination_meetings;" in line)
    assert meeting.split(";")[9:] == ["11,00", "10,00", "12,00", "20,00", "50,0", '"Une réunion annulée ', ' grève"']
    assert "Île-de-France" in meeting and validated.convention.reference in meeting
    precarity = next(line for line in lines if ";precarity_share;" in line)
    assert precarity.split(";")[9] == "45,50" and precarity.split(";")[12:14] == ["", ""]


def test_csv_quotes_a_comment_holding_the_separator(validated, cnam):
    body = b"".join(export(cnam, "csv", annee=2026).streaming_content).decode("utf-8")
    assert '"Une réunion annulée ; grève"' in body


def test_xlsx_has_the_same_rows_as_numbers(validated, cnam):
    response = export(cnam, "xlsx", annee=2026)
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert ";".join(rows[0]) == HEADER
    meeting = next(row for row in rows if row[6] == "coordination_meetings")
    assert meeting[9:14] == (11, 10, 12, 20, 50)


def test_drafts_and_submitted_only_on_request(manager, ars_idf, cnam, cnam2):
    convention = ConventionFactory(manager=manager, ars=ars_idf, cnam=cnam, cnam2=cnam2, active=True)
    ReportFactory(convention=convention, manager=manager, submitted=True)
    body = b"".join(export(cnam, "csv", annee=2026).streaming_content).decode("utf-8")
    assert body.count("\r\n") == 1
    body = b"".join(export(cnam, "csv", annee=2026, rapports="deposes").streaming_content).decode("utf-8")
    assert body.count("\r\n") == 1 + LINES


def test_scope_ars_sees_its_region_only_managers_get_404(validated, ars_ara, ars_idf, manager):
    body = b"".join(export(ars_ara, "csv", annee=2026).streaming_content).decode("utf-8")
    assert body.count("\r\n") == 1
    body = b"".join(export(ars_idf, "csv", annee=2026).streaming_content).decode("utf-8")
    assert body.count("\r\n") == 1 + LINES
    for user in (manager, make_user("autre@test.example")):
        client = client_for(user)
        assert client.get(reverse("conventions:national_attainment")).status_code == 404
        assert client.get(reverse("conventions:national_export", args=["csv"])).status_code == 404


def test_unknown_format_or_year_never_500(validated, cnam):
    client = client_for(cnam)
    assert client.get(reverse("conventions:national_export", args=["pdf"])).status_code == 404
    assert client.get(reverse("conventions:national_attainment"), {"annee": "abc", "rapports": "?"}).status_code == 200


def test_national_page_summarises_per_indicator_with_chart_and_table(validated, cnam):
    page = client_for(cnam).get(reverse("conventions:national_attainment"), {"annee": 2026}).content.decode()
    assert "Atteinte des indicateurs — 2026" in page
    assert 'role="img"' in page and "<table>" in page
    assert "Réunions de coordination pluriprofessionnelles tenues : 50,0\u00a0%" in page
    assert "0 sur 1 (0,0\u00a0%)" in page  # the meetings target was not met
    assert "1 sur 1 (100,0\u00a0%)" in page  # the appointment delay target was


@pytest.mark.parametrize("count", [2, 30])
def test_national_query_count_does_not_grow(count, manager, ars_idf, cnam, cnam2, django_assert_max_num_queries):
    for _ in range(count):
        convention = ConventionFactory(manager=manager, ars=ars_idf, cnam=cnam, cnam2=cnam2, active=True)
        ReportFactory(convention=convention, manager=manager, validated=True, ars=ars_idf)
    client = client_for(cnam)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("conventions:national_attainment")).status_code == 200
    with django_assert_max_num_queries(8):
        response = client.get(reverse("conventions:national_export", args=["csv"]))
        assert b"".join(response.streaming_content).decode("utf-8").count("\r\n") == 1 + LINES * count


@pytest.mark.django_db
def test_the_report_and_convention_lists_export_what_the_page_shows_with_labels(
    manager, ars_idf, ars_ara, cnam, cnam2
):
    convention = ConventionFactory(manager=manager, ars=ars_idf, cnam=cnam, cnam2=cnam2, active=True)
    ReportFactory(convention=convention, manager=manager, submitted=True, ars=ars_idf)
    text = b"".join(client_for(ars_idf).get(reverse("conventions:report_export", args=["csv"])).streaming_content)
    rows = [line.split(";") for line in text.decode("utf-8").lstrip("\ufeff").splitlines()]
    assert rows[0][:5] == ["Structure", "Région", "Convention", "Année", "Statut"]
    assert rows[1][2] == convention.reference and rows[1][4] == "Déposé", "the status by its label"
    other_region = b"".join(
        client_for(ars_ara).get(reverse("conventions:report_export", args=["csv"])).streaming_content
    )
    assert convention.reference not in other_region.decode("utf-8")
    # Filtered like the page: another status gives no row.
    filtered = client_for(ars_idf).get(reverse("conventions:report_export", args=["csv"]), {"statut": "validated"})
    assert len(b"".join(filtered.streaming_content).decode().splitlines()) == 1

    response = client_for(cnam).get(reverse("conventions:export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [cell.value for cell in sheet[1]]
    row = {h: sheet.cell(row=2, column=i + 1) for i, h in enumerate(header)}
    assert row["Référence"].value == convention.reference
    assert row["Statut"].value == "En vigueur"
    assert row["Début"].number_format == "DD/MM/YYYY"
    assert sheet.freeze_panes == "A2"
