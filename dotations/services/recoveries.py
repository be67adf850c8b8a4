"""Recovery orders (*ordres de reversement*) and the settlement of a terminated convention (design.md §4).

Lock order, always: the dotation row, then its payments or orders (as services/payments.py). The ledger
(dotations/ledger.py) is checked here under the dotation lock and refused by the database too.

``issue_recovery`` is the entry point for every recovery: a closure (``settle_termination``) and a negative
balance (the money work calls it) both go through it.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from secpa_portal.core.formats import date_fr, euros
from secpa_portal.core.services import check_version, require, require_reason
from secpa_portal.journal.services import record_event

from .. import bareme as bareme_module
from .. import coverage, engine, recovery_notifications
from ..enums import DotationStatus, PaymentStatus
from ..inputs import snapshot_from_json
from ..ledger import ledger_of
from ..models import Dotation, RecoveryOrder
from ..perms import recoveries as perms
from ..prorata import days_in_force
from ..recovery_workflow import RECOVERY_WORKFLOW
from .payments import payment_cancel
from .recompute import dotation_recompute

CENT = Decimal("0.01")
ZERO = Decimal("0")


def _lock_dotation(dotation_id) -> Dotation:
    return Dotation.objects.select_for_update().select_related("campaign", "structure").get(pk=dotation_id)


def _record(order, dotation, user, verb, summary, from_state="", reason="", payload=None):
    record_event(
        actor=user,
        verb=verb,
        summary=summary,
        obj=dotation,
        structure_id=dotation.structure_id,
        from_state=from_state,
        to_state=order.status,
        reason=reason,
        amount=order.amount,
        payload={"recovery_order": order.pk, **(payload or {})},
    )


@transaction.atomic
def issue_recovery(*, dotation, amount: Decimal, reason: str, user, automatic: bool = False) -> RecoveryOrder:
    """Issue an order to pay back ``amount`` of an approved dotation (at most what was paid and not yet claimed).

    A CNAM agent issues it; ``automatic`` lets a workflow issue it on behalf of the event that caused it (an ARS
    agent validating a report whose balance comes out negative): the actor is recorded as is. Another CNAM agent
    than the issuer notifies it (four eyes).
    """
    locked = _lock_dotation(dotation.pk)
    if not automatic:
        require(not perms.issue_refusal(user, locked), perms.issue_refusal(user, locked))
    require(
        locked.status == DotationStatus.APPROVED, _("Un ordre de reversement ne porte que sur une dotation approuvée.")
    )
    reason = require_reason(reason, _("Le motif de l'ordre de reversement est obligatoire."))
    amount = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    require(amount > ZERO, _("Le montant à reverser doit être positif."))
    ledger = ledger_of(locked)
    claimable = ledger.paid - ledger.claimed
    require(
        amount <= claimable,
        _("Le montant à reverser (%(amount)s) dépasse ce qui a été versé et n'est pas déjà réclamé (%(max)s).")
        % {"amount": euros(amount), "max": euros(claimable)},
    )
    order = RecoveryOrder.objects.create(dotation=locked, amount=amount, reason=reason, issued_by=user)
    _record(
        order,
        locked,
        user,
        "recovery_issued",
        _("Ordre de reversement de %(amount)s émis sur la dotation %(year)s")
        % {"amount": euros(amount), "year": locked.campaign.year},
        reason=reason,
    )
    return order


def _lock_order(order) -> tuple[Dotation, RecoveryOrder]:
    dotation_id = RecoveryOrder.objects.filter(pk=order.pk).values_list("dotation_id", flat=True).get()
    dotation = _lock_dotation(dotation_id)
    return dotation, RecoveryOrder.objects.select_for_update().get(pk=order.pk)


@transaction.atomic
def recovery_notify(*, order, user, expected_version=None) -> RecoveryOrder:
    """Another CNAM agent than the issuer notifies the order to the structure; its managers get an e-mail."""
    dotation, locked = _lock_order(order)
    RECOVERY_WORKFLOW.check("notify", locked.status)
    refusal = perms.notify_refusal(user, locked)
    require(not refusal, refusal)
    check_version(locked, expected_version)
    from_state = RECOVERY_WORKFLOW.apply(locked, "notify")
    locked.notified_by = user
    locked.notified_at = timezone.now()
    locked.save()
    _record(locked, dotation, user, "recovery_notified", _("Ordre de reversement notifié à la structure"), from_state)
    recovery_notifications.recovery_notified(locked)
    return locked


@transaction.atomic
def recovery_record(
    *, order, user, recovered_on: datetime.date, reference: str = "", expected_version=None
) -> RecoveryOrder:
    """A CNAM agent records that the structure paid the order back (date, titre de recette reference)."""
    dotation, locked = _lock_order(order)
    RECOVERY_WORKFLOW.check("recover", locked.status)
    refusal = perms.recover_refusal(user, locked)
    require(not refusal, refusal)
    require(recovered_on is not None, _("Indiquez la date du recouvrement."))
    check_version(locked, expected_version)
    from_state = RECOVERY_WORKFLOW.apply(locked, "recover")
    locked.recovered_on = recovered_on
    locked.reference = (reference or "").strip()[:100]
    locked.save()
    _record(
        locked,
        dotation,
        user,
        "recovery_recovered",
        _("Reversement de %(amount)s recouvré le %(date)s")
        % {"amount": euros(locked.amount), "date": date_fr(recovered_on)},
        from_state,
        payload={"reference": locked.reference},
    )
    recovery_notifications.recovery_recovered(locked)
    return locked


@transaction.atomic
def recovery_cancel(*, order, user, reason: str, expected_version=None) -> RecoveryOrder:
    """A CNAM agent cancels an open order, with a reason; refused while it is still owed (paid − claimed would
    exceed the approved amount): the dotation must be raised first."""
    dotation, locked = _lock_order(order)
    RECOVERY_WORKFLOW.check("cancel", locked.status, reason)
    refusal = perms.cancel_refusal(user, locked)
    require(not refusal, refusal)
    check_version(locked, expected_version)
    ledger = ledger_of(dotation)
    require(
        ledger.paid - (ledger.claimed - locked.amount) <= ledger.approved,
        _(
            "Annulation refusée : sans cet ordre, les versements nets (%(net)s) dépasseraient le montant approuvé "
            "de la dotation (%(approved)s)."
        )
        % {"net": euros(ledger.paid - ledger.claimed + locked.amount), "approved": euros(ledger.approved)},
    )
    was_notified = locked.notified_at is not None
    from_state = RECOVERY_WORKFLOW.apply(locked, "cancel", reason)
    locked.cancel_reason = reason.strip()
    locked.save()
    _record(
        locked,
        dotation,
        user,
        "recovery_cancelled",
        _("Ordre de reversement annulé"),
        from_state,
        locked.cancel_reason,
    )
    if was_notified:
        recovery_notifications.recovery_cancelled(locked)
    return locked


def closure_total(dotation, convention, last_day: datetime.date) -> Decimal:
    """The dotation's amount for the days its convention covered up to ``last_day``.

    A dotation computed by the engine (it has lines) is recomputed through it for those days, as
    ``dotation_recompute`` will store it; one without lines (entered by hand) is brought down in proportion of the
    days left, rounded half-up once.
    """
    if dotation.lines.exists():
        days, year_days = coverage.days_covered(convention, dotation.campaign.year, last_day)
        snapshot = snapshot_from_json(dotation.inputs)
        try:
            result = engine.compute(
                bareme_module.load(dotation.campaign),
                snapshot.engine_inputs(),
                dotation.reduction,
                coverage.coefficient(days, year_days),
            )
        except (engine.MissingInputs, ValueError):
            result = None
        if result is not None:
            return max(result.total + dotation.adjustment, ZERO)
    year = dotation.campaign.year
    before = days_in_force(year, convention.start_date, convention.end_date)
    after = days_in_force(year, convention.start_date, last_day)
    if before == 0 or after >= before:
        return dotation.total
    return (dotation.total * Decimal(after) / Decimal(before)).quantize(CENT, rounding=ROUND_HALF_UP)


def recovery_for_negative_balance(*, dotation, amount: Decimal, report, user) -> RecoveryOrder:
    """Called by the payment schedule when a year's balance comes out negative (ACI rule): the advance paid
    beyond the final amount is claimed back, issued on behalf of the agent who validated the report. Only paid
    money is claimed: while the advance is not paid, it is refused in French (reduce or record the advance)."""
    ledger = ledger_of(dotation)
    require(
        amount <= ledger.paid - ledger.claimed,
        _(
            "Le solde %(year)s de cette dotation est négatif (%(amount)s) mais l'avance n'a pas été versée : "
            "un ordre de reversement ne réclame que des sommes versées. Enregistrez ou réduisez l'avance "
            "d'abord ; rien n'a été enregistré."
        )
        % {"year": dotation.campaign.year, "amount": euros(-amount)},
    )
    return issue_recovery(
        dotation=dotation,
        amount=amount,
        reason=_("Solde %(year)s négatif : l'avance versée dépasse le montant final de l'année (rapport validé).")
        % {"year": dotation.campaign.year},
        user=user,
        automatic=True,
    )


@transaction.atomic
def settle_termination(*, convention, user) -> list[RecoveryOrder]:
    """Bring each approved dotation of a terminated convention down to the days it covered, cancel the payments
    beyond what is now owed, and issue a recovery order for what was paid beyond it. Returns the orders."""
    last_day = convention.terminated_on
    if last_day is None:
        return []
    orders = []
    ids = list(
        Dotation.objects.filter(
            convention=convention, status=DotationStatus.APPROVED, campaign__year__gte=last_day.year
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        dotation = _lock_dotation(pk)
        owed = closure_total(dotation, convention, last_day)
        if owed >= dotation.total:
            continue
        when = date_fr(last_day)
        reason = _("Résiliation de la convention %(ref)s au %(date)s : dotation ramenée à %(owed)s") % {
            "ref": convention.reference,
            "date": when,
            "owed": euros(owed),
        }
        committed = ZERO
        for payment in dotation.payments.filter(status=PaymentStatus.PAID):
            committed += payment.amount
        for payment in dotation.payments.filter(status=PaymentStatus.SCHEDULED).order_by("due_date", "kind"):
            keeps = committed + (payment.amount or ZERO) <= owed and (payment.amount is not None or committed < owed)
            if keeps:
                committed += payment.amount or ZERO
            else:
                payment_cancel(payment=payment, user=user, reason=reason, reschedule=False)
        ledger = ledger_of(dotation)
        overpaid = ledger.paid - ledger.claimed - owed
        if overpaid > ZERO:
            orders.append(issue_recovery(dotation=dotation, amount=overpaid, reason=reason, user=user, automatic=True))
        before = dotation.total
        if dotation.lines.exists():
            dotation = dotation_recompute(dotation=dotation, user=user, last_day=last_day, reason=reason)
        else:
            dotation.adjustment = owed - dotation.computed_total
            dotation.adjustment_reason = reason
            dotation.total = owed
            dotation.version += 1
            dotation.save(update_fields=["adjustment", "adjustment_reason", "total", "version"])
        record_event(
            actor=user,
            verb="dotation_closed",
            summary=reason,
            obj=dotation,
            structure_id=dotation.structure_id,
            amount=owed,
            payload={"before": str(before), "after": str(owed), "terminated_on": last_day.isoformat()},
        )
    return orders
