"""Who may record and cancel payments; who sees which page (role × page × in scope / out of scope)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from conventions.enums import IndicatorCategory, IndicatorDirection, IndicatorUnit, ReportStatus
from conventions.models import AnnualReport, ConventionIndicator, Indicator, ReportValue, Target
from dotations.enums import PaymentKind, PaymentStatus
from dotations.perms.payments import can_cancel_payment, can_record_payment
from dotations.services.payments import report_attainment
from tests.conftest import client_for, make_user
from tests.factories import DotationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(manager, cnam, cnam2, ars_idf, ars_ara):
    dotation = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True, region="11")
    return {
        "dotation": dotation,
        "advance": dotation.payments.get(kind=PaymentKind.ADVANCE),
        "balance": dotation.payments.get(kind=PaymentKind.BALANCE),
        "users": {
            "manager": manager,
            "other_manager": make_user("autre@test.example"),
            "ars_idf": ars_idf,
            "ars_ara": ars_ara,
            "cnam": cnam,
        },
    }


def test_only_cnam_may_record_a_fixed_scheduled_payment(world):
    users, advance, balance = world["users"], world["advance"], world["balance"]
    assert [name for name, user in users.items() if can_record_payment(user, advance)] == ["cnam"]
    assert not can_record_payment(users["cnam"], balance)  # amount not fixed yet
    advance.status = PaymentStatus.PAID
    assert not can_record_payment(users["cnam"], advance)
    assert can_cancel_payment(users["cnam"], advance)
    advance.status = PaymentStatus.CANCELLED
    assert not can_cancel_payment(users["cnam"], advance)
    assert [name for name, user in users.items() if can_cancel_payment(user, balance)] == ["cnam"]


# status code by role: in scope 200, out of scope 404; action pages redirect non-CNAM users with a message
MATRIX = {
    "payments": {"manager": 200, "other_manager": 200, "ars_idf": 200, "ars_ara": 200, "cnam": 200},
    "funding": {"manager": 200, "other_manager": 404, "ars_idf": 200, "ars_ara": 404, "cnam": 200},
    "payment_record": {"manager": 302, "other_manager": 404, "ars_idf": 302, "ars_ara": 404, "cnam": 200},
    "payment_cancel": {"manager": 302, "other_manager": 404, "ars_idf": 302, "ars_ara": 404, "cnam": 200},
}


@pytest.mark.parametrize("page", MATRIX)
def test_permission_matrix(world, page):
    args = {
        "payments": [],
        "funding": [world["dotation"].structure_id],
        "payment_record": [world["advance"].pk],
        "payment_cancel": [world["advance"].pk],
    }[page]
    for name, user in world["users"].items():
        response = client_for(user).get(reverse(f"dotations:{page}", args=args))
        assert response.status_code == MATRIX[page][name], (page, name)


def test_what_each_role_sees_on_the_payments_list(world):
    seen = {
        name: response.context["totals"]["count"]
        for name, user in world["users"].items()
        for response in [client_for(user).get(reverse("dotations:payments"))]
    }
    assert seen == {"manager": 2, "other_manager": 0, "ars_idf": 2, "ars_ara": 0, "cnam": 2}


def test_attainment_is_computed_from_the_report_when_not_fixed(world, ars_idf):
    convention = world["dotation"].convention
    specs = [
        # code, direction, baseline, target, value, points → attainment
        ("mediation", IndicatorDirection.HIGHER, Decimal("100"), Decimal("200"), Decimal("150"), Decimal("30")),
        ("delai", IndicatorDirection.LOWER, Decimal("30"), Decimal("10"), Decimal("10"), Decimal("10")),
        ("comite", IndicatorDirection.YES_NO, None, Decimal("1"), Decimal("0"), Decimal("10")),
        ("vide", IndicatorDirection.HIGHER, None, Decimal("50"), None, Decimal("50")),
    ]
    report = AnnualReport.objects.create(
        convention=convention, year=2026, status=ReportStatus.VALIDATED, due_date=datetime.date(2027, 3, 31)
    )
    for order, (code, direction, baseline, target, value, points) in enumerate(specs):
        indicator = Indicator.objects.create(
            code=f"test-{code}",
            label=code,
            category=IndicatorCategory.QUALITY,
            unit=IndicatorUnit.COUNT,
            direction=direction,
            order=order,
        )
        line = ConventionIndicator.objects.create(
            convention=convention, indicator=indicator, baseline=baseline, points=points
        )
        Target.objects.create(convention_indicator=line, year=2026, value=target)
        ReportValue.objects.create(report=report, indicator=indicator, value=value)
    # (0.5 × 30 + 1 × 10 + 0 × 10 + 0 × 50) / 100 = 0.25; a missing value counts as not attained
    assert report_attainment(report) == Decimal("0.2500")
    report.weighted_attainment = Decimal("0.8100")
    # The balance takes the exact attainment from the values, never the figure fixed on the report (issue 9);
    # that figure counts only for a report whose convention has no weighted indicator (history without values).
    assert report_attainment(report) == Decimal("0.25")
    ConventionIndicator.objects.filter(convention=convention).update(points=0)
    assert report_attainment(report) == Decimal("0.8100")
