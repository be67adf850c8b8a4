import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction

from dotations.enums import PaymentKind, PaymentStatus
from dotations.models import Payment
from dotations.payment_workflow import PaymentTransitionError
from dotations.services.payments import payment_cancel, payment_record, schedule_payments
from secpa_portal.core.errors import ActionRefused
from secpa_portal.journal.models import Event
from tests.factories import (
    CampaignFactory,
    DotationFactory,
    FundedConventionFactory,
    FundedStructureFactory,
    ValidatedReportFactory,
    approve_dotation,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 4, 2)


def _payments(dotation):
    live = dotation.payments.exclude(status=PaymentStatus.CANCELLED)
    return {p.kind: p for p in live}


def test_approval_schedules_the_advance_and_a_pending_balance(manager, cnam, cnam2):
    dotation = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True, total=Decimal("400000.00"))
    payments = _payments(dotation)
    advance, balance = payments[PaymentKind.ADVANCE], payments[PaymentKind.BALANCE]
    assert advance.amount == Decimal("240000.00")
    assert advance.due_date == datetime.date(2026, 3, 31)
    assert advance.status == PaymentStatus.SCHEDULED
    assert balance.amount is None
    assert balance.due_date == datetime.date(2027, 4, 30)
    assert Event.objects.for_object(dotation).filter(verb="payments_scheduled").count() == 1


def test_advance_is_rounded_half_up_to_the_cent(manager, cnam, cnam2):
    # 123 456,70 × 0,55 = 67 901,185 → 67 901,19 (half-even would give 67 901,18).
    dotation = DotationFactory(
        manager=manager,
        cnam=cnam,
        approver=cnam2,
        approved=True,
        total=Decimal("123456.70"),
        campaign__advance_share=Decimal("0.55"),
    )
    assert _payments(dotation)[PaymentKind.ADVANCE].amount == Decimal("67901.19")


def test_scheduling_twice_keeps_one_schedule(manager, cnam, cnam2):
    dotation = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True)
    schedule_payments(dotation=dotation, user=cnam2)
    assert dotation.payments.count() == 2


def test_a_dotation_not_approved_gets_no_schedule(manager, cnam):
    structure = FundedStructureFactory(manager=manager)
    dotation = DotationFactory(
        convention=FundedConventionFactory(structure=structure, prepared_by=cnam, start_year=2026),
        campaign=CampaignFactory(bareme=False),
        cnam=cnam,
    )
    with pytest.raises(PaymentTransitionError):
        schedule_payments(dotation=dotation, user=cnam)
    assert not dotation.payments.exists()


@pytest.mark.parametrize(
    ("total", "attainment", "expected"),
    [
        # (400 000 − 240 000) × 0,80 = 128 000,00
        (Decimal("400000.00"), Decimal("0.8000"), Decimal("128000.00")),
        # attainment 30 % is below the 50 % floor: (400 000 − 240 000) × 0,50 = 80 000,00
        (Decimal("400000.00"), Decimal("0.3000"), Decimal("80000.00")),
        # exactly at the floor
        (Decimal("400000.00"), Decimal("0.5000"), Decimal("80000.00")),
        # full attainment: the whole remainder
        (Decimal("400000.00"), Decimal("1.0000"), Decimal("160000.00")),
        # advance 123 456,78 × 0,60 = 74 074,068 → 74 074,07; (123 456,78 − 74 074,07) × 0,7333
        # = 49 382,71 × 0,7333 = 36 212,341243 → 36 212,34
        (Decimal("123456.78"), Decimal("0.7333"), Decimal("36212.34")),
        # 49 382,71 × 0,6125 = 30 246,909875 → 30 246,91 (half-up at the third decimal)
        (Decimal("123456.78"), Decimal("0.6125"), Decimal("30246.91")),
    ],
)
def test_balance_is_modulated_by_attainment_with_the_floor(manager, cnam, cnam2, ars_idf, total, attainment, expected):
    dotation = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True, total=total)
    ValidatedReportFactory(
        convention=dotation.convention,
        year=2026,
        validated_by=ars_idf,
        send_signal=True,
        weighted_attainment=attainment,
    )
    balance = _payments(dotation)[PaymentKind.BALANCE]
    assert balance.amount == expected
    event = Event.objects.for_object(dotation).get(verb="balance_set")
    assert event.amount == expected
    assert event.payload["weighted_attainment"] == str(attainment)


def test_a_report_validated_before_approval_fixes_the_balance_at_once(manager, cnam, cnam2, ars_idf):
    structure = FundedStructureFactory(manager=manager)
    convention = FundedConventionFactory(structure=structure, prepared_by=cnam, start_year=2026)
    dotation = DotationFactory(convention=convention, campaign=CampaignFactory(bareme=False), cnam=cnam)
    ValidatedReportFactory(
        convention=convention, year=2026, validated_by=ars_idf, send_signal=True, weighted_attainment=Decimal("0.9")
    )
    approve_dotation(dotation, cnam2)
    assert _payments(dotation)[PaymentKind.BALANCE].amount == Decimal("144000.00")


def test_another_years_report_leaves_the_balance_pending(manager, cnam, cnam2, ars_idf):
    dotation = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True)
    ValidatedReportFactory(
        convention=dotation.convention,
        year=2027,
        validated_by=ars_idf,
        send_signal=True,
        weighted_attainment=Decimal("0.9"),
    )
    assert _payments(dotation)[PaymentKind.BALANCE].amount is None


def test_recording_a_payment_journals_and_mails_the_managers(manager, cnam, cnam2, django_capture_on_commit_callbacks):
    dotation = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True)
    advance = _payments(dotation)[PaymentKind.ADVANCE]
    with django_capture_on_commit_callbacks(execute=True):
        payment_record(payment=advance, user=cnam, paid_on=TODAY, reference="VIR-2026-0001", fund="fiss")
    advance.refresh_from_db()
    assert advance.status == PaymentStatus.PAID
    assert advance.paid_on == TODAY
    assert advance.recorded_by == cnam
    assert advance.fund == "fiss"
    event = Event.objects.for_object(dotation).get(verb="payment_recorded")
    assert event.amount == Decimal("240000.00")
    assert [m.to for m in mail.outbox] == [[manager.email]]
    assert "240\u202f000,00\u00a0€" in mail.outbox[0].subject
    assert "VIR-2026-0001" in mail.outbox[0].body


def test_only_cnam_records(manager, cnam, cnam2, ars_idf):
    advance = _payments(DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True))[
        PaymentKind.ADVANCE
    ]
    for user in (manager, ars_idf):
        with pytest.raises(ActionRefused):
            payment_record(payment=advance, user=user, paid_on=TODAY, reference="VIR-1")
    advance.refresh_from_db()
    assert advance.status == PaymentStatus.SCHEDULED


@pytest.mark.parametrize(
    ("paid_on", "reference", "message"),
    [
        (datetime.date(2999, 1, 1), "VIR-1", "futur"),
        (TODAY, "   ", "référence"),
        (None, "VIR-1", "date"),
    ],
)
def test_recording_refuses_bad_input_in_french(manager, cnam, cnam2, paid_on, reference, message):
    advance = _payments(DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True))[
        PaymentKind.ADVANCE
    ]
    with pytest.raises(PaymentTransitionError, match=message):
        payment_record(payment=advance, user=cnam, paid_on=paid_on, reference=reference)


def test_a_pending_balance_cannot_be_recorded(manager, cnam, cnam2):
    balance = _payments(DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True))[
        PaymentKind.BALANCE
    ]
    with pytest.raises(PaymentTransitionError, match="pas encore fixé"):
        payment_record(payment=balance, user=cnam, paid_on=TODAY, reference="VIR-2")


def test_a_payment_is_recorded_once(manager, cnam, cnam2):
    advance = _payments(DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True))[
        PaymentKind.ADVANCE
    ]
    payment_record(payment=advance, user=cnam, paid_on=TODAY, reference="VIR-1")
    with pytest.raises(PaymentTransitionError, match="Versé"):
        payment_record(payment=advance, user=cnam2, paid_on=TODAY, reference="VIR-1 bis")


def test_a_stale_form_is_a_conflict(manager, cnam, cnam2):
    from secpa_portal.core.errors import ConflictError

    advance = _payments(DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True))[
        PaymentKind.ADVANCE
    ]
    with pytest.raises(ConflictError):
        payment_record(payment=advance, user=cnam, paid_on=TODAY, reference="VIR-1", expected_version=99)


def test_cancelling_needs_a_reason_and_can_reschedule(manager, cnam, cnam2, django_capture_on_commit_callbacks):
    dotation = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True)
    advance = _payments(dotation)[PaymentKind.ADVANCE]
    payment_record(payment=advance, user=cnam, paid_on=TODAY, reference="VIR-1")
    with pytest.raises(PaymentTransitionError, match="motif"):
        payment_cancel(payment=advance, user=cnam, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        payment_cancel(payment=advance, user=cnam, reason="Virement rejeté par la banque (RIB clos).")
    advance.refresh_from_db()
    assert advance.status == PaymentStatus.CANCELLED
    assert advance.cancel_reason == "Virement rejeté par la banque (RIB clos)."
    replacement = _payments(dotation)[PaymentKind.ADVANCE]
    assert replacement.pk != advance.pk
    assert (replacement.status, replacement.amount) == (PaymentStatus.SCHEDULED, Decimal("240000.00"))
    assert "annulé" in mail.outbox[-1].subject
    payment_record(payment=replacement, user=cnam, paid_on=TODAY, reference="VIR-1 bis")
    paid = Payment.objects.filter(dotation=dotation, status=PaymentStatus.PAID)
    assert [p.amount for p in paid] == [Decimal("240000.00")]


def test_cancelling_without_rescheduling(manager, cnam, cnam2):
    dotation = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True)
    payment_cancel(
        payment=_payments(dotation)[PaymentKind.ADVANCE], user=cnam, reason="Convention résiliée", reschedule=False
    )
    assert PaymentKind.ADVANCE not in _payments(dotation)


def test_only_cnam_cancels(manager, cnam, cnam2, ars_idf):
    advance = _payments(DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True))[
        PaymentKind.ADVANCE
    ]
    with pytest.raises(ActionRefused):
        payment_cancel(payment=advance, user=ars_idf, reason="Erreur")


# --- What is paid never exceeds what was approved --------------------------------------------------------------


def _drop_database_guard():
    statements = {
        "sqlite": ["DROP TRIGGER payments_within_dotation_update", "DROP TRIGGER payments_within_dotation_insert"],
        "postgresql": ["DROP TRIGGER payments_within_dotation ON dotations_payment"],
    }[connection.vendor]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def test_the_service_refuses_to_pay_beyond_the_dotation_even_without_the_database_guard(manager, cnam, cnam2):
    dotation = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True, total=Decimal("1000.00"))
    _drop_database_guard()  # rolled back with the test's transaction
    Payment.objects.filter(dotation=dotation, kind=PaymentKind.ADVANCE).update(amount=Decimal("1000.01"))
    advance = _payments(dotation)[PaymentKind.ADVANCE]
    with pytest.raises(ActionRefused, match="au-delà du montant approuvé"):
        payment_record(payment=advance, user=cnam, paid_on=TODAY, reference="VIR-1")
    assert not Payment.objects.filter(status=PaymentStatus.PAID).exists()


def test_the_database_refuses_payments_beyond_the_dotation(manager, cnam, cnam2):
    dotation = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True, total=Decimal("1000.00"))
    advance = _payments(dotation)[PaymentKind.ADVANCE]
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=advance.pk).update(amount=Decimal("1000.01"))
    # balance pending: 600 + 400 fits exactly, one cent more does not
    balance = _payments(dotation)[PaymentKind.BALANCE]
    Payment.objects.filter(pk=balance.pk).update(amount=Decimal("400.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=balance.pk).update(amount=Decimal("400.01"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(dotation=dotation, kind=PaymentKind.BALANCE, amount=Decimal("0.01"), due_date=TODAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        type(dotation).objects.filter(pk=dotation.pk).update(total=Decimal("999.99"), computed_total=Decimal("999.99"))
    # a cancelled payment no longer counts
    Payment.objects.filter(pk=balance.pk).update(status=PaymentStatus.CANCELLED)
    Payment.objects.create(dotation=dotation, kind=PaymentKind.BALANCE, amount=Decimal("400.00"), due_date=TODAY)
