"""Exact balances (issue 9, deliverable 6): attainment is never rounded before it multiplies; the balance is
rounded once, half-up to the cent; the campaign chooses its balance rule (floor, or ACI-style)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from conventions.enums import ReportStatus
from conventions.models import AnnualReport, ConventionIndicator, Indicator, ReportValue, Target
from conventions.signals import report_validated
from dotations.engine import BalanceRule, balance_amount
from dotations.enums import PaymentKind, PaymentStatus
from dotations.models import Payment
from secpa_portal.core.errors import ActionRefused
from tests.factories import DotationFactory

pytestmark = pytest.mark.django_db

D = Decimal

# The weighted indicators of the demo's report 20 (convention SECPA-93-2025-001, year 2026):
# code, value, target, baseline, points.
REPORT_20 = [
    ("mt_share", "60.70", "61.00", "55.00", "20"),
    ("first_appointment_delay", "15.00", "15.00", "21.00", "15"),
    ("new_patients_without_mt", "337.00", "340.00", "280.00", "15"),
    ("satisfaction_score", "79.80", "80.00", "76.00", "10"),
    ("users_in_governance", "4.00", "4.00", "2.00", "10"),
    ("users_in_evaluation", "10.00", "10.00", "6.00", "10"),
    ("shared_record", "1.00", "1.00", "0.00", "5"),
    ("coordination_meetings", "20.00", "20.00", "12.00", "15"),
    ("care_protocols", "5.00", "5.00", "3.00", "10"),
    ("formal_partnerships", "6.00", "6.00", "4.00", "5"),
]


def _validated_report(convention, year, ars_agent, figures):
    """A report with its values, for a convention following ``figures``; validated like the workflow does."""
    for code, _value, target, baseline, points in figures:
        line = ConventionIndicator.objects.create(
            convention=convention, indicator=Indicator.objects.get(code=code), baseline=D(baseline), points=D(points)
        )
        Target.objects.create(convention_indicator=line, year=year, value=D(target))
    report = AnnualReport.objects.create(
        convention=convention,
        year=year,
        status=ReportStatus.VALIDATED,
        due_date=AnnualReport.default_due_date(year),
        validated_at=timezone.now(),
        validated_by=ars_agent,
        weighted_attainment=D("0.9804"),  # what the report page shows, rounded to 4 decimals
    )
    for code, value, *_rest in figures:
        ReportValue.objects.create(report=report, indicator=Indicator.objects.get(code=code), value=D(value))
    report_validated.send(sender=AnnualReport, report=report, user=ars_agent)
    return report


def _balance(dotation):
    return Payment.objects.get(dotation=dotation, kind=PaymentKind.BALANCE, status=PaymentStatus.SCHEDULED)


def test_report_20_of_the_demo_gives_the_exact_balance(manager, cnam, cnam2, ars_idf):
    # By hand. Attainments: mt_share (60.7 − 55) / (61 − 55) = 5.7 / 6 = 0.95; new patients 57 / 60 = 0.95;
    # satisfaction 3.8 / 4 = 0.95; the 7 others reach their target: 1.
    # Weighted: (0.95 × 20 + 15 + 0.95 × 15 + 0.95 × 10 + 10 + 10 + 5 + 15 + 10 + 5) / 115 = 112.75 / 115
    #         = 0.98043478260869565…  (shown 98,04 %)
    # Dotation 487,442.25 €; advance 60 % = 292,465.35 €; total − advance = 194,976.90 €.
    # Balance = 194,976.90 × 112.75 / 115 = 21,983,645.475 / 115 = 191,162.1345… → 191,162.13 €
    # (with the rounded 0.9804: 194,976.90 × 0.9804 = 191,155.35 €, the 6.78 € the issue found missing).
    dotation = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True, total=D("487442.25"))
    assert Payment.objects.get(dotation=dotation, kind=PaymentKind.ADVANCE).amount == D("292465.35")
    _validated_report(dotation.convention, 2026, ars_idf, REPORT_20)
    assert _balance(dotation).amount == D("191162.13")


def test_engine_balance_rules_by_hand():
    exact = D(11275) / D(11500)
    # Floor rule: (1,000 − 600) × max(0.5, 0.98043…) = 392.1739… → 392.17.
    assert balance_amount(D("1000.00"), D("600.00"), exact, D("0.5")) == D("392.17")
    # ACI rule: 1,000 × 0.98043… = 980.4347… − 600 = 380.4347… → 380.43 (rounded once, after the advance).
    assert balance_amount(D("1000.00"), D("600.00"), exact, D("0.5"), BalanceRule.ACI) == D("380.43")
    # ACI rule, poor year: 1,000 × max(0.5, 0.2) = 500 − 600 = −100.00: the advance paid 100 € too much.
    assert balance_amount(D("1000.00"), D("600.00"), D("0.2"), D("0.5"), "aci") == D("-100.00")
    # Floor rule, same year: (1,000 − 600) × 0.5 = 200.00.
    assert balance_amount(D("1000.00"), D("600.00"), D("0.2"), D("0.5")) == D("200.00")


def test_aci_rule_balance_from_a_report(manager, cnam, cnam2, ars_idf):
    # 487,442.25 × 112.75 = 54,959,113.6875; / 115 = 477,905.3364…; − advance 292,465.35 = 185,439.9864…
    # → 185,439.99 € (rounded once, at the end).
    dotation = DotationFactory(
        manager=manager,
        cnam=cnam,
        approver=cnam2,
        approved=True,
        total=D("487442.25"),
        campaign__balance_rule=BalanceRule.ACI,
    )
    _validated_report(dotation.convention, 2026, ars_idf, REPORT_20)
    assert _balance(dotation).amount == D("185439.99")


def test_a_negative_aci_balance_is_refused_in_french_while_the_advance_is_unpaid(manager, cnam, cnam2, ars_idf):
    # 400,000 × max(floor 0.5, 0) = 200,000 final; advance 60 % = 240,000: balance −40,000.00 €.
    dotation = DotationFactory(
        manager=manager,
        cnam=cnam,
        approver=cnam2,
        approved=True,
        total=D("400000.00"),
        campaign__balance_rule=BalanceRule.ACI,
    )
    missed = [("care_protocols", "0.00", "5.00", "3.00", "10")]
    with pytest.raises(ActionRefused, match="négatif \\(-40\u202f000,00\u00a0€\\).*ordre de reversement"):
        _validated_report(dotation.convention, 2026, ars_idf, missed)
    assert _balance(dotation).amount is None


def test_a_negative_aci_balance_is_handed_to_the_recovery_service(manager, cnam, cnam2, ars_idf, monkeypatch):
    from dotations.services import payments

    handed = []
    monkeypatch.setattr(payments, "recovery_service", lambda: lambda **kwargs: handed.append(kwargs))
    dotation = DotationFactory(
        manager=manager,
        cnam=cnam,
        approver=cnam2,
        approved=True,
        total=D("400000.00"),
        campaign__balance_rule=BalanceRule.ACI,
    )
    report = _validated_report(dotation.convention, 2026, ars_idf, [("care_protocols", "0.00", "5.00", "3.00", "10")])
    assert [(h["dotation"].pk, h["amount"], h["report"].pk) for h in handed] == [
        (dotation.pk, D("40000.00"), report.pk)
    ]
    balance = Payment.objects.get(dotation=dotation, kind=PaymentKind.BALANCE)
    assert (balance.status, balance.amount) == (PaymentStatus.CANCELLED, D("0"))
    assert "ordre de reversement" in balance.cancel_reason


def test_the_campaign_form_sets_the_balance_rule(cnam):
    from django.urls import reverse

    from dotations.models import Campaign
    from tests.conftest import client_for
    from tests.factories import CampaignFactory
    from tests.forms import rendered_form

    CampaignFactory()
    client = client_for(cnam)
    page = client.get(reverse("dotations:campaign_edit", args=[2026]))
    data = rendered_form(page.content.decode(), "campaign-form")
    assert data["balance_rule"] == "floor"
    data["balance_rule"] = "aci"
    client.post(reverse("dotations:campaign_edit", args=[2026]), data)
    assert Campaign.objects.get().balance_rule == "aci"
    detail = client.get(reverse("dotations:campaign_detail", args=[2026])).content.decode()
    assert "Montant final modulé, comme l&#x27;ACI" in detail


def test_a_negative_aci_balance_with_the_advance_paid_becomes_a_recovery_order(manager, cnam, cnam2, ars_idf):
    import datetime

    from dotations.enums import RecoveryStatus
    from dotations.models import RecoveryOrder
    from dotations.services.payments import payment_record

    # 400,000 × max(floor 0.5, 0) = 200,000 final; advance 240,000 paid: 40,000.00 € to pay back.
    dotation = DotationFactory(
        manager=manager,
        cnam=cnam,
        approver=cnam2,
        approved=True,
        total=D("400000.00"),
        campaign__balance_rule=BalanceRule.ACI,
    )
    advance = Payment.objects.get(dotation=dotation, kind=PaymentKind.ADVANCE)
    payment_record(payment=advance, user=cnam, paid_on=datetime.date(2026, 3, 31), reference="VIR-1")
    _validated_report(dotation.convention, 2026, ars_idf, [("care_protocols", "0.00", "5.00", "3.00", "10")])
    order = RecoveryOrder.objects.get(dotation=dotation)
    assert (order.amount, order.status, order.issued_by) == (D("40000.00"), RecoveryStatus.ISSUED, ars_idf)
    assert "négatif" in order.reason
