import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from dotations.enums import DotationStatus, PaymentKind, PaymentStatus
from dotations.models import DotationLine
from dotations.services.payments import payment_record
from tests.conftest import client_for, make_user
from tests.factories import CampaignFactory, DotationFactory, FundedConventionFactory, FundedStructureFactory

pytestmark = pytest.mark.django_db
PAID_ON = datetime.date(2026, 3, 30)


def _csv(response):
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def _xlsx(response):
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def _decimal(text):
    return Decimal(text.replace(",", ".")) if text else Decimal("0")


def _add_lines(dotation):
    half = (dotation.total / 2).quantize(Decimal("0.01"))
    DotationLine.objects.bulk_create(
        [
            DotationLine(
                dotation=dotation,
                order=1,
                code="mediation",
                label="Médiation en santé",
                basis="per_fte",
                key="health_mediator",
                quantity=Decimal("1.5000"),
                rate=Decimal("60000.00"),
                coefficient=Decimal("1.100"),
                reduction=Decimal("1"),
                amount=half,
            ),
            DotationLine(
                dotation=dotation,
                order=2,
                code="forfait",
                label="Forfait de coordination",
                basis="flat",
                quantity=Decimal("1"),
                rate=dotation.total - half,
                coefficient=Decimal("1"),
                reduction=Decimal("1"),
                amount=dotation.total - half,
            ),
        ]
    )


@pytest.fixture
def funded(manager, cnam, cnam2):
    """Three approved dotations (two in Île-de-France, one in Auvergne-Rhône-Alpes) and one proposed."""
    idf = DotationFactory(
        manager=manager, cnam=cnam, approver=cnam2, approved=True, total=Decimal("400000.05"), region="11"
    )
    idf2 = DotationFactory(
        manager=make_user("autre@test.example"),
        cnam=cnam,
        approver=cnam2,
        approved=True,
        total=Decimal("350000.00"),
        region="11",
    )
    ara = DotationFactory(
        manager=make_user("ara@test.example"),
        cnam=cnam,
        approver=cnam2,
        approved=True,
        total=Decimal("512345.67"),
        region="84",
    )
    proposed = DotationFactory(
        convention=FundedConventionFactory(structure=FundedStructureFactory(), prepared_by=cnam, start_year=2026),
        campaign=CampaignFactory(bareme=False),
        cnam=cnam,
    )
    for dotation in (idf, idf2, ara, proposed):
        _add_lines(dotation)
    advance = idf.payments.get(kind=PaymentKind.ADVANCE)
    payment_record(payment=advance, user=cnam, paid_on=PAID_ON, reference='VIR;2026"1')
    return {"idf": idf, "idf2": idf2, "ara": ara, "proposed": proposed, "campaign": idf.campaign}


def test_payments_csv_headers_separator_decimal_comma_and_page_totals(funded, cnam):
    client = client_for(cnam)
    rows = _csv(client.get(reverse("dotations:export_payments", args=["csv"])))
    header, body = rows[0], rows[1:]
    assert header == [
        "Campagne",
        "Structure",
        "FINESS",
        "Région",
        "Nature",
        "Statut",
        "Échéance",
        "Montant (€)",
        "Fonds payeur",
        "Versé le",
        "Référence du virement",
        "Motif d'annulation",
        "Part financée par le FISS (€)",
        "Part financée par le FIR (€)",
    ]
    assert len(body) == 6  # an advance and a balance for each of the three approved dotations
    paid = [row for row in body if row[5] == "Versé"]
    assert paid[0][7] == "240000,03"  # 400 000,05 × 0,60 = 240 000,03
    assert paid[0][9] == "30/03/2026"
    assert paid[0][10] == 'VIR;2026"1'  # quoted, the separator inside survives
    page = client.get(reverse("dotations:payments")).context["totals"]
    assert sum(_decimal(r[7]) for r in paid) == page["paid"]
    assert sum(_decimal(r[7]) for r in body if r[5] == "Programmé") == page["scheduled"]


def test_payments_export_follows_the_page_filters(funded, cnam):
    params = {"region": "84", "nature": "advance"}
    client = client_for(cnam)
    rows = _csv(client.get(reverse("dotations:export_payments", args=["csv"]), params))[1:]
    page = client.get(reverse("dotations:payments"), params).context
    assert len(rows) == page["totals"]["count"] == 1
    assert sum(_decimal(r[7]) for r in rows) == page["totals"]["scheduled"] == Decimal("307407.40")


def test_payments_xlsx_has_numbers_and_the_same_totals(funded, cnam):
    client = client_for(cnam)
    rows = _xlsx(client.get(reverse("dotations:export_payments", args=["xlsx"])))
    assert rows[0][7] == "Montant (€)"
    amounts = [row[7] for row in rows[1:] if row[5] == "Programmé" and row[7] is not None]
    assert all(isinstance(a, (int, float)) for a in amounts)
    page = client.get(reverse("dotations:payments")).context["totals"]
    assert Decimal(str(round(sum(amounts), 2))) == page["scheduled"]


def test_dotations_csv_one_row_per_dotation_with_totals(funded, cnam):
    rows = _csv(client_for(cnam).get(reverse("dotations:export_dotations", args=[funded["campaign"].year, "csv"])))
    header, body = rows[0], rows[1:]
    assert header[:5] == ["Campagne", "Structure", "FINESS", "Région", "Statut"]
    assert header[10] == "Montant de la dotation (€)"
    assert len(body) == 4
    totals = {row[1]: row[10] for row in body}
    assert totals[funded["idf"].structure.name] == "400000,05"
    assert sum(_decimal(r[10]) for r in body) == Decimal("1662345.72")
    idf = next(r for r in body if r[1] == funded["idf"].structure.name)
    assert (idf[12], idf[13], idf[14]) == ("240000,03", "", "240000,03")  # advance, balance not yet fixed, paid


def test_dotations_export_is_scoped(funded, ars_idf, manager):
    url = reverse("dotations:export_dotations", args=[funded["campaign"].year, "csv"])
    ars_rows = _csv(client_for(ars_idf).get(url))[1:]
    assert {r[3] for r in ars_rows} == {"Île-de-France"}
    assert len(ars_rows) == 3  # two approved, one proposed
    manager_rows = _csv(client_for(manager).get(url))[1:]
    assert [r[1] for r in manager_rows] == [funded["idf"].structure.name]


def test_dotations_export_filters(funded, cnam):
    url = reverse("dotations:export_dotations", args=[funded["campaign"].year, "csv"])
    rows = _csv(client_for(cnam).get(url, {"status": DotationStatus.PROPOSED}))[1:]
    assert [r[4] for r in rows] == ["Proposée"]


def test_lines_csv_one_row_per_line(funded, cnam, ars_ara):
    url = reverse("dotations:export_lines", args=[funded["campaign"].year, "csv"])
    rows = _csv(client_for(cnam).get(url))
    header, body = rows[0], rows[1:]
    assert header[5:8] == ["Code", "Composante", "Base"]
    assert len(body) == 8
    mediation = next(r for r in body if r[5] == "mediation")
    assert (mediation[9], mediation[10], mediation[11]) == ("1,5000", "60000,00", "1,100")
    # The category or activity figure by its label, never its internal code.
    assert mediation[8] == "Médiateur ou médiatrice en santé"
    assert not {"health_mediator", "coordinator", "interpreting_hours"} & {r[8] for r in body}
    assert sum(_decimal(r[14]) for r in body) == Decimal("1662345.72")  # the lines add up to the dotations
    ara_rows = _csv(client_for(ars_ara).get(url))[1:]
    assert {r[1] for r in ara_rows} == {funded["ara"].structure.name}


def test_lines_xlsx(funded, cnam):
    rows = _xlsx(client_for(cnam).get(reverse("dotations:export_lines", args=[funded["campaign"].year, "xlsx"])))
    assert rows[0][14] == "Montant (€)"
    assert len(rows) == 9


def test_unknown_format_and_campaign_are_404(funded, cnam):
    client = client_for(cnam)
    assert client.get(reverse("dotations:export_payments", args=["pdf"])).status_code == 404
    assert client.get(reverse("dotations:export_dotations", args=[999999, "csv"])).status_code == 404


def test_cancelled_payments_keep_their_reason_in_the_export(funded, cnam):
    from dotations.services.payments import payment_cancel

    advance = funded["idf"].payments.get(status=PaymentStatus.PAID)
    payment_cancel(payment=advance, user=cnam, reason="Virement rejeté", reschedule=False)
    rows = _csv(client_for(cnam).get(reverse("dotations:export_payments", args=["csv"]), {"statut": "cancelled"}))
    assert [r[11] for r in rows[1:]] == ["Virement rejeté"]


@pytest.mark.parametrize("params", [{}, {"region": "11"}, {"status": "approved"}, {"structure": "participatif"}])
def test_dotations_export_totals_equal_the_dotation_list_page(funded, cnam, ars_idf, manager, params):
    year = funded["campaign"].year
    for user in (cnam, ars_idf, manager):
        client = client_for(user)
        page = client.get(reverse("dotations:dotation_list"), {**params, "campaign": year}).context["sums"]
        rows = _csv(client.get(reverse("dotations:export_dotations", args=[year, "csv"]), params))[1:]
        assert len(rows) == page["count"]
        assert sum((_decimal(r[10]) for r in rows), Decimal("0")) == page["total"]
        lines = _csv(client.get(reverse("dotations:export_lines", args=[year, "csv"]), params))[1:]
        assert sum((_decimal(r[14]) for r in lines), Decimal("0")) == page["total"]


def test_the_dotation_list_links_to_its_exports_with_its_filters(funded, cnam):
    client = client_for(cnam)
    content = client.get(reverse("dotations:dotation_list"), {"campaign": 2026, "region": "11"}).content.decode()
    url = reverse("dotations:export_dotations", args=[2026, "csv"])
    assert f'href="{url}?campaign=2026&amp;region=11"' in content
    assert client.get(reverse("dotations:dotation_list"), {"campaign": "abc"}).status_code == 200


def test_the_dotation_page_shows_the_schedule_with_actions_for_cnam(funded, cnam, manager):
    url = reverse("dotations:dotation_detail", args=[funded["idf"].pk])
    content = client_for(cnam).get(url).content.decode()
    assert 'id="dotation-payments"' in content
    assert reverse("dotations:payment_cancel", args=[funded["idf"].payments.get(status="paid").pk]) in content
    manager_view = client_for(manager).get(url).content.decode()
    assert 'id="dotation-payments"' in manager_view
    assert "payment_cancel" not in manager_view and "/annuler/" not in manager_view
    proposed = client_for(cnam).get(reverse("dotations:dotation_detail", args=[funded["proposed"].pk]))
    assert 'id="dotation-payments"' not in proposed.content.decode()


@pytest.mark.parametrize("count", [2, 30])
def test_export_query_counts_do_not_grow(manager, cnam, cnam2, django_assert_max_num_queries, count):
    for _ in range(count):
        _add_lines(DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True))
    client = client_for(cnam)
    urls = [
        reverse("dotations:export_dotations", args=[2026, "csv"]),
        reverse("dotations:export_lines", args=[2026, "csv"]),
        reverse("dotations:export_payments", args=["csv"]),
    ]
    for url in urls:
        with django_assert_max_num_queries(6):
            response = client.get(url)
            body = b"".join(response.streaming_content)
        assert body.count(b"\n") >= count
    with django_assert_max_num_queries(6):
        assert len(_xlsx(client.get(reverse("dotations:export_payments", args=["xlsx"])))) == 2 * count + 1


def test_dotations_xlsx_one_row_per_dotation_with_numbers_and_the_pages_totals(funded, cnam, ars_ara):
    url = reverse("dotations:export_dotations", args=[funded["campaign"].year, "xlsx"])
    client = client_for(cnam)
    response = client.get(url)
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".xlsx" in response["Content-Disposition"]
    rows = _xlsx(response)
    header, body = rows[0], rows[1:]
    csv_header = _csv(client.get(reverse("dotations:export_dotations", args=[funded["campaign"].year, "csv"])))[0]
    assert list(header) == csv_header
    assert header[10] == "Montant de la dotation (€)"
    assert len(body) == 4
    assert all(isinstance(row[10], (int, float)) for row in body)
    totals = {row[1]: row[10] for row in body}
    assert totals[funded["idf"].structure.name] == pytest.approx(400000.05)
    page = client.get(reverse("dotations:dotation_list"), {"campaign": 2026}).context["sums"]
    assert Decimal(str(round(sum(row[10] for row in body), 2))) == page["total"] == Decimal("1662345.72")
    idf = next(r for r in body if r[1] == funded["idf"].structure.name)
    assert idf[12] == pytest.approx(240000.03) and idf[13] is None and idf[14] == pytest.approx(240000.03)
    assert isinstance(idf[11], datetime.datetime)  # approval date, a real date cell
    ara_rows = _xlsx(client_for(ars_ara).get(url))[1:]
    assert [r[1] for r in ara_rows] == [funded["ara"].structure.name]


def test_dotations_xlsx_money_cells_carry_a_number_format(funded, cnam):
    response = client_for(cnam).get(reverse("dotations:export_dotations", args=[2026, "xlsx"]))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    assert sheet.cell(row=2, column=11).number_format == "#,##0.00"  # Montant de la dotation (€)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_payments_export_is_scoped_to_the_ars_agents_region(funded, ars_idf, ars_ara, fmt):
    expected = {
        ars_idf: {funded["idf"].structure.name, funded["idf2"].structure.name},
        ars_ara: {funded["ara"].structure.name},
    }
    for agent, names in expected.items():
        client = client_for(agent)
        response = client.get(reverse("dotations:export_payments", args=[fmt]))
        body = (_csv(response) if fmt == "csv" else _xlsx(response))[1:]
        assert {r[1] for r in body} == names
        assert len(body) == 2 * len(names)  # an advance and a balance each
        region = "Île-de-France" if agent == ars_idf else "Auvergne-Rhône-Alpes"
        assert {r[3] for r in body} == {region}
        page = client.get(reverse("dotations:payments")).context["totals"]
        assert len(body) == page["count"]
    # Filtering on the other region gives nothing, not the other region's rows.
    rows = _csv(client_for(ars_idf).get(reverse("dotations:export_payments", args=["csv"]), {"region": "84"}))
    assert {r[3] for r in rows[1:]} <= {"Île-de-France"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_payments_export_is_scoped_to_the_managers_structures(funded, manager, fmt):
    client = client_for(manager)
    response = client.get(reverse("dotations:export_payments", args=[fmt]))
    body = (_csv(response) if fmt == "csv" else _xlsx(response))[1:]
    assert {r[1] for r in body} == {funded["idf"].structure.name}
    assert sorted(r[4] for r in body) == ["Avance", "Solde"]
    page = client.get(reverse("dotations:payments")).context["totals"]
    assert len(body) == page["count"] == 2
    # Another manager without approved dotations exports the header only.
    stranger = make_user("sans.structure@test.example")
    empty = _csv(client_for(stranger).get(reverse("dotations:export_payments", args=["csv"])))
    assert len(empty) == 1
