"""Funds by period funded (issue 9, deliverable 5): each payment is split between the FISS and the FIR in
proportion to the days funded on or before the campaign's FISS end date and after it — not by its due date."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse

from conventions.models import Convention
from dotations.enums import Fund, PaymentKind, PaymentStatus
from dotations.models import Payment
from dotations.payment_workflow import PaymentTransitionError
from dotations.prorata import split_amount
from dotations.services.payments import payment_record
from tests.conftest import client_for
from tests.factories import DotationFactory, ValidatedReportFactory

pytestmark = pytest.mark.django_db
D = Decimal
OCT_31 = datetime.date(2026, 10, 31)


def _live(dotation):
    return {p.kind: p for p in dotation.payments.exclude(status=PaymentStatus.CANCELLED)}


def test_a_2026_dotation_is_split_304_to_61(manager, cnam, cnam2, ars_idf):
    # 1 January – 31 October 2026 = 31 + 28 + 31 + 30 + 31 + 30 + 31 + 31 + 30 + 31 = 304 days (FISS);
    # 1 November – 31 December = 30 + 31 = 61 days (FIR); 304 + 61 = 365.
    # Advance 60 % of 400,000.00 = 240,000.00: FISS 240,000 × 304 / 365 = 72,960,000 / 365 = 199,890.4109…
    #   → 199,890.41; FIR the rest, 40,109.59.
    # Balance (400,000 − 240,000) × 0.9 = 144,000.00: FISS 144,000 × 304 / 365 = 43,776,000 / 365 = 119,934.2465…
    #   → 119,934.25; FIR 24,065.75. The balance is due in 2027, yet mostly FISS: it funds 2026's days.
    dotation = DotationFactory(
        manager=manager, cnam=cnam, approver=cnam2, approved=True, campaign__fiss_end_date=OCT_31
    )
    advance = _live(dotation)[PaymentKind.ADVANCE]
    assert (advance.fiss_amount, advance.fir_amount) == (D("199890.41"), D("40109.59"))
    ValidatedReportFactory(
        convention=dotation.convention, year=2026, validated_by=ars_idf, send_signal=True, weighted_attainment=D("0.9")
    )
    balance = _live(dotation)[PaymentKind.BALANCE]
    assert balance.amount == D("144000.00")
    assert (balance.fiss_amount, balance.fir_amount) == (D("119934.25"), D("24065.75"))


def test_a_convention_starting_1_july_splits_123_to_61(manager, cnam, cnam2):
    # 1 July – 31 October = 31 + 31 + 30 + 31 = 123 days FISS; 61 days FIR; the dotation covers 184 days.
    # Advance 240,000.00 × 123 / 184 = 29,520,000 / 184 = 160,434.7826… → 160,434.78; FIR 79,565.22.
    dotation = DotationFactory(
        manager=manager, cnam=cnam, approver=cnam2, approved=True, campaign__fiss_end_date=OCT_31
    )
    Convention.objects.filter(pk=dotation.convention_id).update(start_date=datetime.date(2026, 7, 1))
    advance = _live(dotation)[PaymentKind.ADVANCE]
    Payment.objects.filter(pk=advance.pk).update(fiss_amount=None, fir_amount=None)
    migration = importlib.import_module("dotations.migrations.0008_fill_payment_fund_parts")
    migration.fill(apps, None)  # the data migration, on the rows it finds empty
    advance.refresh_from_db()
    assert (advance.fiss_amount, advance.fir_amount) == (D("160434.78"), D("79565.22"))


def test_without_a_fiss_end_date_the_fir_finances_everything(manager, cnam, cnam2):
    advance = _live(DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True))[PaymentKind.ADVANCE]
    assert (advance.fiss_amount, advance.fir_amount) == (D("0.00"), D("240000.00"))


@pytest.mark.parametrize(
    "amount, before, after, parts",
    [
        (D("0.03"), 1, 2, (D("0.01"), D("0.02"))),  # 0.01 exactly
        (D("0.05"), 1, 1, (D("0.03"), D("0.02"))),  # 0.025 → 0.03 half-up, the rest 0.02
        (D("100.00"), 0, 0, (D("0.00"), D("100.00"))),
        (D("100.00"), 365, 0, (D("100.00"), D("0.00"))),
    ],
)
def test_the_parts_always_add_up(amount, before, after, parts):
    assert split_amount(amount, before, after) == parts
    assert sum(parts) == amount


def test_recording_on_the_fiss_after_its_end_is_refused_in_french(manager, cnam, cnam2, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 1, 12, tzinfo=datetime.UTC))
    dotation = DotationFactory(
        manager=manager, cnam=cnam, approver=cnam2, approved=True, campaign__fiss_end_date=OCT_31
    )
    advance = _live(dotation)[PaymentKind.ADVANCE]
    assert advance.fund == Fund.FISS  # the account that sends it, due 31 March
    with pytest.raises(PaymentTransitionError, match="Le FISS ne verse plus après le 31 octobre 2026"):
        payment_record(payment=advance, user=cnam, paid_on=datetime.date(2026, 11, 15), reference="VIR-9")
    paid = payment_record(
        payment=advance, user=cnam, paid_on=datetime.date(2026, 11, 15), reference="VIR-9", fund=Fund.FIR
    )
    assert (paid.fund, paid.fiss_amount) == (Fund.FIR, D("199890.41"))  # the period it funds does not change


def test_totals_per_fund_on_the_payments_list_the_campaign_page_and_the_export(manager, cnam, cnam2):
    DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True, campaign__fiss_end_date=OCT_31)
    DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True, campaign__fiss_end_date=OCT_31)
    client = client_for(cnam)
    listing = client.get(reverse("dotations:payments")).content.decode()
    # Two advances: FISS 2 × 199,890.41 = 399,780.82; FIR 2 × 40,109.59 = 80,219.18.
    assert "FISS</abbr> 399\u202f780,82\u00a0€" in listing and "FIR</abbr> 80\u202f219,18\u00a0€" in listing
    assert "FISS</abbr> 199\u202f890,41\u00a0€" in listing  # each line
    campaign = client.get(reverse("dotations:campaign_detail", args=[2026])).content.decode()
    assert 'id="campaign-fund-totals"' in campaign and "399\u202f780,82\u00a0€" in campaign
    export = b"".join(client.get(reverse("dotations:export_payments", args=["csv"])).streaming_content).decode()
    assert "Part financée par le FISS (€);Part financée par le FIR (€)" in export
    assert "199890,41;40109,59\r\n" in export


@pytest.mark.parametrize("n", [2, 30])
def test_campaign_page_query_count_with_fund_totals(manager, cnam, cnam2, n, django_assert_max_num_queries):
    for _ in range(n):
        DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True, campaign__fiss_end_date=OCT_31)
    client = client_for(cnam)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("dotations:campaign_detail", args=[2026])).status_code == 200
    # The unfiltered totals and rows per due date are kept per scope (core.aggregates): the first view computes and
    # stores them (three queries more each), the next ones read both with the cache's one query.
    with django_assert_max_num_queries(15):
        assert client.get(reverse("dotations:payments")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("dotations:payments")).status_code == 200
