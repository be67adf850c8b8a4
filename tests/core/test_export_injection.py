"""No export turns user text into a spreadsheet formula; numbers stay numbers (issue 10)."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from dotations.models import Dotation
from dotations.services.payments import payment_record
from secpa_portal.core.exports import csv_value, neutralise
from structures.models import Structure
from tests.conftest import client_for
from tests.factories import ConventionFactory, DotationFactory, ReportFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x","x")'
REASON = "+cmd|' /C calc'!A0"
REFERENCE = "@SUM(1+1)*cmd|' /C calc'!A0"


def _csv(response):
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def _xlsx(response):
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in workbook.active.iter_rows()]


def _cell(rows, header, text):
    column = [cell.value for cell in rows[0]].index(header)
    return next(row[column] for row in rows[1:] if row[column].value is not None and text in str(row[column].value))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 1 23", "'+33 1 23"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Centre = santé", "Centre = santé"),
        ("", ""),
    ],
)
def test_neutralise(text, expected):
    assert neutralise(text) == expected


def test_numbers_stay_numbers_in_csv():
    assert csv_value(Decimal("-1200.50")) == "-1200,50"
    assert csv_value(-3) == "-3"


@pytest.fixture
def hostile(manager, cnam, cnam2):
    """A structure named like a formula, a negative adjustment with a formula reason, a formula reference."""
    dotation = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True, total=Decimal("400000.00"))
    Structure.objects.filter(pk=dotation.structure_id).update(name=FORMULA)
    Dotation.objects.filter(pk=dotation.pk).update(
        adjustment=Decimal("-1200.50"), total=Decimal("398799.50"), computed_total=Decimal("400000.00")
    )
    Dotation.objects.filter(pk=dotation.pk).update(adjustment_reason=REASON)
    advance = dotation.payments.get(kind="advance")
    payment_record(payment=advance, user=cnam, paid_on=dotation.campaign.created_at.date(), reference=REFERENCE)
    return dotation


def test_structure_list_export(hostile, cnam):
    client = client_for(cnam)
    rows = _csv(client.get(reverse("structures:export", args=["csv"])))
    assert "'" + FORMULA in [row[0] for row in rows[1:]]
    cell = _cell(_xlsx(client.get(reverse("structures:export", args=["xlsx"]))), "Structure", "HYPERLINK")
    assert (cell.value, cell.data_type) == (FORMULA, "s")


def test_dotations_export(hostile, cnam):
    client = client_for(cnam)
    url = reverse("dotations:export_dotations", args=[hostile.campaign.year, "csv"])
    [header, row] = _csv(client.get(url))
    line = dict(zip(header, row, strict=True))
    assert line["Structure"] == "'" + FORMULA
    assert line["Motif de l'ajustement"] == "'" + REASON
    assert line["Ajustement (€)"] == "-1200,50", "a negative amount is a number, not neutralised"

    rows = _xlsx(client.get(url.replace(".csv", ".xlsx")))
    name = _cell(rows, "Structure", "HYPERLINK")
    reason = _cell(rows, "Motif de l'ajustement", "calc")
    assert (name.value, name.data_type) == (FORMULA, "s")
    assert (reason.value, reason.data_type) == (REASON, "s")
    adjustment = rows[1][[cell.value for cell in rows[0]].index("Ajustement (€)")]
    assert (adjustment.value, adjustment.data_type) == (-1200.5, "n")


def test_dotation_lines_export(hostile, cnam):
    from tests.dotations.test_exports import _add_lines

    _add_lines(hostile)
    client = client_for(cnam)
    url = reverse("dotations:export_lines", args=[hostile.campaign.year, "csv"])
    assert {row[1] for row in _csv(client.get(url))[1:]} == {"'" + FORMULA}
    cell = _cell(_xlsx(client.get(url.replace(".csv", ".xlsx"))), "Structure", "HYPERLINK")
    assert (cell.value, cell.data_type) == (FORMULA, "s")


def test_payments_export(hostile, cnam):
    client = client_for(cnam)
    rows = _csv(client.get(reverse("dotations:export_payments", args=["csv"])))
    assert "'" + REFERENCE in [row[10] for row in rows[1:]]
    assert {row[1] for row in rows[1:]} == {"'" + FORMULA}
    xlsx = _xlsx(client.get(reverse("dotations:export_payments", args=["xlsx"])))
    cell = _cell(xlsx, "Référence du virement", "SUM")
    assert (cell.value, cell.data_type) == (REFERENCE, "s")
    amount = _cell(xlsx, "Structure", "HYPERLINK")
    assert amount.data_type == "s"


def test_indicator_export(manager, ars_idf, cnam, cnam2):
    convention = ConventionFactory(manager=manager, ars=ars_idf, cnam=cnam, cnam2=cnam2, active=True)
    ReportFactory(convention=convention, manager=manager, validated=True, ars=ars_idf)
    Structure.objects.filter(pk=convention.structure_id).update(name=FORMULA)
    client = client_for(cnam)
    url = reverse("conventions:national_export", args=["csv"])
    rows = _csv(client.get(url, {"annee": 2026}))
    assert {row[1] for row in rows[1:]} == {"'" + FORMULA}
    xlsx = _xlsx(client.get(reverse("conventions:national_export", args=["xlsx"]), {"annee": 2026}))
    cell = _cell(xlsx, "Structure", "HYPERLINK")
    assert (cell.value, cell.data_type) == (FORMULA, "s")
    assert all(row[9].data_type == "n" for row in xlsx[1:] if row[9].value is not None), "values stay numbers"
