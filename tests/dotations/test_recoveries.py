"""Recovery orders and closures (issue 9 §3): worked example, every transition with every actor, ledger."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from conventions.enums import ConventionStatus
from conventions.services.conventions import convention_terminate
from conventions.workflow import TransitionError as ConventionTransitionError
from dotations.enums import PaymentKind, PaymentStatus, RecoveryStatus
from dotations.ledger import ledger_of
from dotations.models import RecoveryOrder
from dotations.services.payments import payment_record
from dotations.services.recoveries import (
    closure_total,
    issue_recovery,
    recovery_cancel,
    recovery_notify,
    recovery_record,
)
from secpa_portal.core.errors import ActionRefused
from secpa_portal.core.workflow import TransitionError
from secpa_portal.journal.models import Event
from tests.conftest import make_user
from tests.factories import DotationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the e-mails queued on commit, as after a real transaction."""

    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


def _pay_advance(dotation, cnam):
    advance = dotation.payments.get(kind=PaymentKind.ADVANCE, status=PaymentStatus.SCHEDULED)
    return payment_record(payment=advance, user=cnam, paid_on=datetime.date(2026, 3, 31), reference="VIR-1")


def _paid_dotation(manager, cnam, cnam2):
    dotation = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True, total=Decimal("400000.00"))
    _pay_advance(dotation, cnam)
    dotation.refresh_from_db()
    return dotation


def test_closure_on_30_june_2026_worked_by_hand(manager, cnam, cnam2, committed):
    """400 000,00 € approved for 2026, 240 000,00 € advance paid; terminated with 30 June 2026 as last day.

    Days in force 1 Jan – 30 Jun 2026: 31+28+31+30+31+30 = 181 of 365. Owed: 400 000 × 181 / 365
    = 198 356,164… → 198 356,16 €. Overpaid: 240 000,00 − 198 356,16 = 41 643,84 €, the recovery order.
    The balance, not yet fixed, is cancelled (nothing more is owed).
    """
    dotation = _paid_dotation(manager, cnam, cnam2)
    convention = dotation.convention
    mail.outbox.clear()
    committed(
        lambda: convention_terminate(
            convention=convention,
            user=cnam,
            reason="Fermeture de la structure",
            terminated_on=datetime.date(2026, 6, 30),
        )
    )
    convention.refresh_from_db()
    dotation.refresh_from_db()
    assert convention.status == ConventionStatus.TERMINATED
    assert convention.terminated_on == datetime.date(2026, 6, 30)
    assert dotation.total == Decimal("198356.16")
    assert dotation.computed_total + dotation.adjustment == dotation.total
    balance = dotation.payments.get(kind=PaymentKind.BALANCE)
    assert balance.status == PaymentStatus.CANCELLED
    order = RecoveryOrder.objects.get(dotation=dotation)
    assert order.amount == Decimal("41643.84")
    assert order.status == RecoveryStatus.ISSUED
    assert order.issued_by == cnam
    assert "30 juin 2026" in order.reason
    ledger = ledger_of(dotation)
    assert (ledger.approved, ledger.paid, ledger.to_recover, ledger.remaining) == (
        Decimal("198356.16"),
        Decimal("240000.00"),
        Decimal("41643.84"),
        Decimal("0.00"),
    )
    verbs = set(Event.objects.for_object(dotation).values_list("verb", flat=True))
    assert {"recovery_issued", "dotation_closed", "payment_cancelled"} <= verbs
    # Issued: internal, the structure hears of it once a second agent notifies it.
    assert not [m for m in mail.outbox if "reversement" in m.subject]


def test_closure_total_is_proportional_to_the_days_left(manager, cnam, cnam2):
    dotation = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True, total=Decimal("365000.00"))
    convention = dotation.convention
    assert closure_total(dotation, convention, datetime.date(2026, 1, 1)) == Decimal("1000.00")
    assert closure_total(dotation, convention, datetime.date(2025, 12, 31)) == Decimal("0.00")
    assert closure_total(dotation, convention, datetime.date(2026, 12, 31)) == Decimal("365000.00")


def test_closure_without_overpayment_keeps_the_schedule_and_issues_nothing(manager, cnam, cnam2):
    dotation = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True, total=Decimal("400000.00"))
    convention_terminate(
        convention=dotation.convention, user=cnam, reason="Fermeture", terminated_on=datetime.date(2026, 11, 30)
    )
    dotation.refresh_from_db()
    # 334 days: 400 000 × 334 / 365 = 366 027,397… → 366 027,40; the 240 000 advance still fits.
    assert dotation.total == Decimal("366027.40")
    assert not RecoveryOrder.objects.exists()
    assert dotation.payments.filter(status=PaymentStatus.SCHEDULED).count() == 2


def test_termination_date_defaults_to_today_and_must_fall_within_the_convention(manager, cnam, cnam2, monkeypatch):
    dotation = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True)
    with pytest.raises(ConventionTransitionError, match="31 décembre 2025 et le 31 décembre 2028"):
        convention_terminate(
            convention=dotation.convention, user=cnam, reason="x", terminated_on=datetime.date(2029, 1, 1)
        )
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: datetime.date(2026, 12, 31))
    convention = convention_terminate(convention=dotation.convention, user=cnam, reason="Fin d'activité")
    assert convention.terminated_on == datetime.date(2026, 12, 31)
    dotation.refresh_from_db()
    assert dotation.total == Decimal("400000.00")  # the whole year was covered: nothing changes


def _issued(manager, cnam, cnam2, amount=Decimal("1000.00")):
    dotation = _paid_dotation(manager, cnam, cnam2)
    return issue_recovery(dotation=dotation, amount=amount, reason="Solde négatif", user=cnam)


def test_issue_requires_a_cnam_agent_a_reason_and_a_claimable_amount(manager, cnam, cnam2, ars_idf):
    dotation = _paid_dotation(manager, cnam, cnam2)
    for actor in (manager, ars_idf):
        with pytest.raises(ActionRefused):
            issue_recovery(dotation=dotation, amount=Decimal("10"), reason="x", user=actor)
    with pytest.raises(ActionRefused, match="motif"):
        issue_recovery(dotation=dotation, amount=Decimal("10"), reason="  ", user=cnam)
    with pytest.raises(ActionRefused, match="positif"):
        issue_recovery(dotation=dotation, amount=Decimal("0"), reason="x", user=cnam)
    with pytest.raises(ActionRefused, match="dépasse"):
        issue_recovery(dotation=dotation, amount=Decimal("240000.01"), reason="x", user=cnam)
    assert not RecoveryOrder.objects.exists()
    order = issue_recovery(dotation=dotation, amount=Decimal("240000.00"), reason="Trop-perçu", user=cnam)
    assert order.status == RecoveryStatus.ISSUED
    assert Event.objects.filter(verb="recovery_issued").count() == 1


def test_notify_is_four_eyes_and_mails_the_managers(manager, cnam, cnam2, ars_idf, committed):
    order = _issued(manager, cnam, cnam2)
    colleague = make_user("collegue@secpa.test")
    order.dotation.structure.memberships.create(user=colleague)
    outsider = make_user("autre@secpa.test")
    for actor in (manager, ars_idf, outsider, cnam):
        with pytest.raises(ActionRefused):
            recovery_notify(order=order, user=actor)
    assert RecoveryOrder.objects.get().status == RecoveryStatus.ISSUED
    mail.outbox.clear()
    order = committed(lambda: recovery_notify(order=order, user=cnam2))
    assert order.status == RecoveryStatus.NOTIFIED and order.notified_by == cnam2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([manager.email, colleague.email])
    assert "ordre de reversement" in mail.outbox[0].subject
    assert "1\u202f000,00\u00a0€" in mail.outbox[0].body
    with pytest.raises(TransitionError):
        recovery_notify(order=order, user=cnam2)
    assert Event.objects.filter(verb="recovery_notified").count() == 1


def test_recover_after_notification_only(manager, cnam, cnam2, ars_idf, committed):
    order = _issued(manager, cnam, cnam2)
    with pytest.raises(TransitionError):
        recovery_record(order=order, user=cnam2, recovered_on=datetime.date(2026, 9, 1))
    order = recovery_notify(order=order, user=cnam2)
    for actor in (manager, ars_idf):
        with pytest.raises(ActionRefused):
            recovery_record(order=order, user=actor, recovered_on=datetime.date(2026, 9, 1))
    mail.outbox.clear()
    order = committed(
        lambda: recovery_record(order=order, user=cnam, recovered_on=datetime.date(2026, 9, 1), reference="TR-2026-1")
    )
    assert order.status == RecoveryStatus.RECOVERED
    assert [m.to[0] for m in mail.outbox] == [manager.email]
    ledger = ledger_of(order.dotation)
    assert ledger.recovered == Decimal("1000.00") and ledger.net_paid == Decimal("239000.00")
    for _name, call in (
        ("notify", lambda: recovery_notify(order=order, user=cnam2)),
        ("cancel", lambda: recovery_cancel(order=order, user=cnam2, reason="x")),
    ):
        with pytest.raises(TransitionError):
            call()


def test_cancel_requires_a_reason_and_mails_only_a_notified_order(manager, cnam, cnam2, ars_idf, committed):
    order = _issued(manager, cnam, cnam2)
    with pytest.raises(TransitionError, match="motif"):
        recovery_cancel(order=order, user=cnam2, reason="  ")
    with pytest.raises(ActionRefused):
        recovery_cancel(order=order, user=manager, reason="Erreur")
    mail.outbox.clear()
    committed(lambda: recovery_cancel(order=order, user=cnam, reason="Erreur de saisie"))
    assert not mail.outbox
    order2 = recovery_notify(order=_issued(manager, cnam, cnam2), user=cnam2)
    mail.outbox.clear()
    order2 = committed(lambda: recovery_cancel(order=order2, user=cnam, reason="Remise gracieuse"))
    assert order2.status == RecoveryStatus.CANCELLED and order2.cancel_reason == "Remise gracieuse"
    assert [m.to[0] for m in mail.outbox] == [manager.email]
    assert "Remise gracieuse" in mail.outbox[0].body
    assert Event.objects.filter(verb="recovery_cancelled").count() == 2


def test_an_order_still_owed_cannot_be_cancelled(manager, cnam, cnam2):
    dotation = _paid_dotation(manager, cnam, cnam2)
    convention_terminate(
        convention=dotation.convention, user=cnam, reason="Fermeture", terminated_on=datetime.date(2026, 6, 30)
    )
    order = RecoveryOrder.objects.get()
    with pytest.raises(ActionRefused, match="dépasseraient"):
        recovery_cancel(order=order, user=cnam2, reason="Oubli")
    assert RecoveryOrder.objects.get().status == RecoveryStatus.ISSUED


def _set_total(dotation, total):
    type(dotation).objects.filter(pk=dotation.pk).update(total=total, adjustment=total - dotation.computed_total)


def test_the_database_refuses_paid_less_recovered_above_approved(manager, cnam, cnam2):
    dotation = _paid_dotation(manager, cnam, cnam2)
    order = issue_recovery(dotation=dotation, amount=Decimal("40000.00"), reason="x", user=cnam)
    _set_total(dotation, Decimal("200000.00"))  # 240 000 paid − 40 000 claimed = 200 000: allowed
    with pytest.raises(IntegrityError, match="payments_within_dotation"), transaction.atomic():
        RecoveryOrder.objects.filter(pk=order.pk).update(status=RecoveryStatus.CANCELLED)
    with pytest.raises(IntegrityError, match="payments_within_dotation"), transaction.atomic():
        _set_total(dotation, Decimal("199999.99"))
    dotation.refresh_from_db()
    assert dotation.total == Decimal("200000.00")
