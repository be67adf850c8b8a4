"""``bulk_insert`` (a campaign's dotation lines): on PostgreSQL a ``COPY``, elsewhere ``bulk_create``; the rows read
back are the values given, to the last decimal place (issue 14)."""

from decimal import Decimal

import pytest

from dotations.bulk import bulk_insert
from dotations.models import DotationLine
from tests.factories import DotationFactory

FIELDS = (
    "order",
    "code",
    "label",
    "basis",
    "key",
    "quantity",
    "rate",
    "coefficient",
    "reduction",
    "capped",
    "unreduced_amount",
    "amount",
)


@pytest.mark.django_db
def test_bulk_insert_writes_the_values_given():
    dotation = DotationFactory()
    rows = [
        dict(
            order=1,
            code="FTE_MEDIATOR",
            label="Médiation en santé ; « 1,5 ETP »\tavec tabulation\net retour",
            basis="fte",
            key="health_mediator",
            quantity=Decimal("1.2345"),
            rate=Decimal("42000.00"),
            coefficient=Decimal("1.125"),
            reduction=Decimal("0.987654"),
            capped=True,
            unreduced_amount=Decimal("58324.50"),
            amount=Decimal("57603.42"),
        ),
        dict(
            order=2,
            code="FIXED",
            label="Forfait socle \\ antislash",
            basis="fixed",
            key="",
            quantity=Decimal("1"),
            rate=Decimal("0.01"),
            coefficient=Decimal("1"),
            reduction=Decimal("1"),
            capped=False,
            unreduced_amount=Decimal("0.01"),
            amount=Decimal("0.01"),
        ),
    ]
    # ``unreduced_amount`` left to its default on a third row.
    third = dict(rows[1], order=3, code="DEFAULTED")
    del third["unreduced_amount"]
    bulk_insert(DotationLine, [DotationLine(dotation=dotation, **row) for row in [*rows, third]])
    stored = list(dotation.lines.order_by("order").values(*FIELDS))
    assert stored[:2] == rows
    assert stored[2] == dict(third, unreduced_amount=Decimal("0.00"))
    assert all(line.pk for line in dotation.lines.all())
