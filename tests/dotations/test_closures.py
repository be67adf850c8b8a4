"""Closures worked by hand to the cent (issue 9 §3): a dotation computed by the campaign engine, and a late-year
termination whose balance subtracts the advance actually paid."""

import datetime
from decimal import Decimal

import pytest

from conventions.services.conventions import convention_terminate
from dotations.engine import BalanceRule
from dotations.enums import PaymentKind, PaymentStatus, RecoveryStatus
from dotations.ledger import ledger_of
from dotations.models import Dotation, RecoveryOrder
from dotations.services import compute
from dotations.services import dotations as dotation_services
from dotations.services.payments import payment_record
from tests.factories import (
    EXPECTED_TOTAL,
    CampaignFactory,
    DotationFactory,
    FundedConventionFactory,
    ValidatedReportFactory,
)

pytestmark = pytest.mark.django_db

D = Decimal


def _pay_advance(dotation, cnam):
    advance = dotation.payments.get(kind=PaymentKind.ADVANCE, status=PaymentStatus.SCHEDULED)
    return payment_record(payment=advance, user=cnam, paid_on=datetime.date(2026, 3, 31), reference="VIR-1")


def test_closure_of_an_engine_computed_dotation_on_30_june_2026(cnam, cnam2):
    """The campaign engine computes 227 800,00 € for the whole of 2026 (tests/factories/dotations.py); it is
    proposed, approved (four eyes) and its 60 % advance, 136 680,00 €, is paid on 31 March.

    The convention is terminated with 30 June 2026 as its last day: 181 days of 365. The engine recomputes each
    line × 181/365, rounded once: 29 753,42 + 45 002,05 + 25 786,30 + 6 694,52 + 5 727,53 = 112 963,82 €.
    Paid beyond it: 136 680,00 − 112 963,82 = 23 716,18 €, the recovery order; the balance is cancelled.
    """
    campaign = CampaignFactory()
    convention = FundedConventionFactory(prepared_by=cnam)
    compute.run_compute(campaign_id=campaign.pk, user_id=cnam.pk)
    dotation = Dotation.objects.get(convention=convention)
    assert dotation.total == EXPECTED_TOTAL
    dotation = dotation_services.dotation_propose(dotation=dotation, user=cnam)
    dotation = dotation_services.dotation_approve(dotation=dotation, user=cnam2)
    advance = _pay_advance(dotation, cnam)
    assert advance.amount == D("136680.00")

    convention_terminate(
        convention=convention, user=cnam, reason="Fermeture de la structure", terminated_on=datetime.date(2026, 6, 30)
    )

    dotation.refresh_from_db()
    assert (dotation.days_in_force, dotation.days_in_year) == (181, 365)
    assert [line.amount for line in dotation.lines.order_by("order")] == [
        D("29753.42"),
        D("45002.05"),
        D("25786.30"),
        D("6694.52"),
        D("5727.53"),
    ]
    assert dotation.computed_total == dotation.total == D("112963.82")
    order = RecoveryOrder.objects.get(dotation=dotation)
    assert (order.amount, order.status) == (D("23716.18"), RecoveryStatus.ISSUED)
    assert dotation.payments.get(kind=PaymentKind.BALANCE).status == PaymentStatus.CANCELLED
    ledger = ledger_of(dotation)
    assert (ledger.approved, ledger.paid, ledger.to_recover, ledger.remaining) == (
        D("112963.82"),
        D("136680.00"),
        D("23716.18"),
        D("0.00"),
    )


def _terminated_on_30_november(manager, cnam, cnam2, **campaign):
    """400 000,00 € approved for 2026, its 240 000,00 € advance paid on 31 March; the convention is terminated with
    30 November 2026 as its last day: 334 days of 365, 400 000 × 334 / 365 = 366 027,397… → 366 027,40 €. The
    advance still fits: no recovery order, the balance stays scheduled."""
    dotation = DotationFactory(
        manager=manager,
        cnam=cnam,
        approver=cnam2,
        approved=True,
        total=D("400000.00"),
        **{f"campaign__{field}": value for field, value in campaign.items()},
    )
    _pay_advance(dotation, cnam)
    convention_terminate(
        convention=dotation.convention, user=cnam, reason="Fermeture", terminated_on=datetime.date(2026, 11, 30)
    )
    dotation.refresh_from_db()
    assert dotation.total == D("366027.40")
    assert not RecoveryOrder.objects.exists()
    return dotation


def test_a_late_year_termination_balances_against_the_advance_actually_paid(manager, cnam, cnam2, ars_idf):
    """The balance subtracts the 240 000,00 € advance paid, not 60 % of the new total (219 616,44 €).

    Floor rule, attainment 80 %: (366 027,40 − 240 000,00) × 0,80 = 126 027,40 × 0,80 = 100 821,92 €. Paid in all:
    340 821,92 €, within the 366 027,40 € now approved.
    """
    dotation = _terminated_on_30_november(manager, cnam, cnam2, balance_floor=D("0.50"))
    ValidatedReportFactory(
        convention=dotation.convention, year=2026, validated_by=ars_idf, weighted_attainment=D("0.8"), send_signal=True
    )
    balance = dotation.payments.get(kind=PaymentKind.BALANCE, status=PaymentStatus.SCHEDULED)
    assert balance.amount == D("100821.92")
    ledger = ledger_of(dotation)
    assert ledger.paid + balance.amount == D("340821.92") <= ledger.approved


def test_a_late_year_termination_under_the_aci_rule_recovers_from_the_advance_paid(manager, cnam, cnam2, ars_idf):
    """ACI rule, attainment 50 % (the floor): final 366 027,40 × 0,50 = 183 013,70 €; the 240 000,00 € advance paid
    is 56 986,30 € too much, recovered; nothing more is paid."""
    dotation = _terminated_on_30_november(
        manager, cnam, cnam2, balance_floor=D("0.50"), balance_rule=BalanceRule.ACI.value
    )
    ValidatedReportFactory(
        convention=dotation.convention, year=2026, validated_by=ars_idf, weighted_attainment=D("0.5"), send_signal=True
    )
    order = RecoveryOrder.objects.get(dotation=dotation)
    assert order.amount == D("56986.30")
    assert not dotation.payments.filter(kind=PaymentKind.BALANCE, status=PaymentStatus.SCHEDULED).exists()
    ledger = ledger_of(dotation)
    assert ledger.paid - ledger.claimed == D("183013.70")


# --- The payments export lists the recovery orders after the payments ------------------------------------------


def _export(user, **params):
    import csv
    import io

    from django.urls import reverse

    from tests.conftest import client_for

    response = client_for(user).get(reverse("dotations:export_payments", args=["csv"]), params)
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))[1:]


def test_the_payments_export_lists_the_recovery_orders(manager, cnam, cnam2):
    """Closed on 30 June 2026 (tests/dotations/test_recoveries.py): 41 643,84 € to recover, exported as a negative
    amount with its nature and status; the structure's manager sees it once notified; a payment nature filter
    leaves it out."""
    from dotations.services.recoveries import recovery_notify

    dotation = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True, total=D("400000.00"))
    _pay_advance(dotation, cnam)
    convention_terminate(
        convention=dotation.convention, user=cnam, reason="Fermeture", terminated_on=datetime.date(2026, 6, 30)
    )
    rows = _export(cnam)
    recoveries = [row for row in rows if row[4] == "Ordre de reversement"]
    assert len(recoveries) == 1
    assert recoveries[0][7] == "-41643,84" and recoveries[0][5] == "Émis"
    assert recoveries[0][1] == dotation.structure.name and recoveries[0][0] == "2026"
    assert not [row for row in _export(cnam, nature="advance") if row[4] == "Ordre de reversement"]
    assert not [row for row in _export(manager) if row[4] == "Ordre de reversement"]
    recovery_notify(order=RecoveryOrder.objects.get(), user=cnam2)
    assert [row[7] for row in _export(manager) if row[4] == "Ordre de reversement"] == ["-41643,84"]
