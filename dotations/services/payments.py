"""The payment schedule of approved dotations: schedule, set the balance, record, cancel (design.md §4, §5).

Lock order, always: the dotation row, then its payment rows. What is live (scheduled or paid) never exceeds
the approved total: checked here under the dotation lock, and refused by the database too
(migration 0003_payment_guard: a PostgreSQL trigger, and an SQLite trigger).
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from conventions.attainment import attainment, weighted_attainment
from conventions.enums import ReportStatus
from conventions.models import AnnualReport
from secpa_portal.accounts.models import User
from secpa_portal.core.errors import ActionRefused
from secpa_portal.core.formats import date_fr, euros, fraction_percent
from secpa_portal.core.services import check_version
from secpa_portal.journal.services import record_event

from .. import coverage, payment_notifications
from ..engine import advance_amount, balance_amount
from ..enums import DotationStatus, Fund, PaymentKind, PaymentStatus
from ..ledger import ledger_of
from ..models import Dotation, Payment
from ..payment_workflow import WORKFLOW, PaymentTransitionError
from ..perms import payments as perms
from ..terms import payment_terms

ZERO = Decimal("0")


def _kind_article(payment) -> str:
    """« de l'avance », « du solde »: a payment's kind inside the journal's summaries (« Versement du solde »)."""
    return _("de l'avance") if payment.kind == PaymentKind.ADVANCE else _("du solde")


def _lock_dotation(dotation_id) -> Dotation:
    return Dotation.objects.select_for_update().select_related("campaign", "convention").get(pk=dotation_id)


def _lock_payment(payment_id) -> tuple[Dotation, Payment]:
    dotation_id = Payment.objects.filter(pk=payment_id).values_list("dotation_id", flat=True).get()
    dotation = _lock_dotation(dotation_id)
    return dotation, Payment.objects.select_for_update().get(pk=payment_id)


STALE = (
    "Ce versement a été modifié par une autre personne depuis que vous l'avez ouvert. "
    "Rien n'a été enregistré : rechargez la page pour voir son état actuel."
)


def _live_total(dotation, exclude=None) -> Decimal:
    live = Payment.objects.filter(dotation=dotation).exclude(status=PaymentStatus.CANCELLED)
    if exclude is not None:
        live = live.exclude(pk=exclude.pk)
    return live.aggregate(total=Sum("amount"))["total"] or ZERO


def _check_within_dotation(dotation, amount, exclude=None):
    """The scheduled and paid amounts of a dotation never exceed its approved total."""
    after = _live_total(dotation, exclude=exclude) + (amount or ZERO)
    if after > dotation.total:
        raise ActionRefused(
            _(
                "Opération refusée : les versements de cette dotation atteindraient %(after)s, "
                "au-delà du montant approuvé (%(total)s)."
            )
            % {"after": euros(after), "total": euros(dotation.total)}
        )


def report_attainment(report) -> Decimal:
    """The report's exact weighted attainment, never rounded before it multiplies a balance.

    Computed from the report's values and the convention's targets, baselines and points, as at validation but
    without the 4-decimal rounding of the figure shown (``report.weighted_attainment``, 98,04 % where the exact
    value is 112,75 / 115 = 0,98043478…). An indicator without a value or a target counts as not attained (0): the
    balance floor still applies. A report whose convention has no weighted indicator (history imported without
    its values) keeps the attainment fixed on it at validation.
    """
    values = {value.indicator_id: value.value for value in report.values.all()}
    items = []
    indicators = report.convention.indicators.select_related("indicator").prefetch_related("targets")
    for line in indicators:
        if not line.points:
            continue
        target = next((t.value for t in line.targets.all() if t.year == report.year), None)
        try:
            achieved = attainment(
                line.indicator.direction, values.get(line.indicator_id), target, line.baseline, exact=True
            )
        except ValueError:
            achieved = ZERO
        items.append((achieved, line.points))
    if not items:
        return report.weighted_attainment if report.weighted_attainment is not None else ZERO
    return weighted_attainment(items, exact=True)


def recovery_service():
    """The recovery orders' service (issue 9, deliverable 3), when it exists: a balance that comes out negative
    is handed to ``recovery_for_negative_balance(*, dotation, amount, report, user)`` in
    ``dotations/services/recoveries.py`` (``amount`` > 0: what the advance paid beyond the year's final amount)."""
    try:
        from . import recoveries
    except ImportError:
        return None
    return getattr(recoveries, "recovery_for_negative_balance", None)


def _negative_balance(dotation, balance, amount, report, user) -> Payment:
    """The advance paid more than the year's final amount (ACI rule): nothing more is paid, the excess is
    recovered through an ordre de reversement."""
    recover = recovery_service()
    if recover is None:
        raise ActionRefused(
            _(
                "Le solde %(year)s de cette dotation est négatif (%(amount)s) : l'avance dépasse le montant final "
                "de l'année. L'ordre de reversement qui permet de récupérer cette somme n'est pas encore "
                "disponible dans le portail : rien n'a été enregistré."
            )
            % {"year": dotation.campaign.year, "amount": euros(amount)}
        )
    balance.status = PaymentStatus.CANCELLED
    balance.amount = ZERO
    balance.cancel_reason = _(
        "Solde négatif (%(amount)s) : l'excédent d'avance fait l'objet d'un ordre de reversement."
    ) % {"amount": euros(amount)}
    balance.version += 1
    balance.save(update_fields=["status", "amount", "cancel_reason", "version"])
    recover(dotation=dotation, amount=-amount, report=report, user=user)
    return balance


def advance_kept(dotation) -> Decimal:
    """The advance the balance comes after: the advance payments paid or still scheduled (never a cancelled one),
    less what recovery orders claim back, never below zero.

    Not ``share × total``: a convention terminated late in the year brings the total down after a full advance was
    paid on the old total (issue 9); the balance subtracts what the structure actually received.
    """
    advances = dotation.payments.filter(kind=PaymentKind.ADVANCE).exclude(status=PaymentStatus.CANCELLED)
    live = advances.aggregate(total=Sum("amount"))["total"] or ZERO
    return max(live - ledger_of(dotation).claimed, ZERO)


def _fix_balance(dotation, balance, report, user) -> Payment:
    campaign = dotation.campaign
    advance = advance_kept(dotation)
    achieved = report_attainment(report)
    amount = balance_amount(dotation.total, advance, achieved, campaign.balance_floor, campaign.balance_rule)
    if amount < 0:
        return _negative_balance(dotation, balance, amount, report, user)
    _check_within_dotation(dotation, amount, exclude=balance)
    balance.amount = amount
    coverage.split_payment(balance, dotation)
    balance.version += 1
    balance.save(update_fields=["amount", "fiss_amount", "fir_amount", "version"])
    record_event(
        actor=user,
        verb="balance_set",
        summary=_("Solde %(year)s fixé à %(amount)s (atteinte pondérée %(att)s, plancher %(floor)s)")
        % {
            "year": campaign.year,
            "amount": euros(amount),
            "att": fraction_percent(achieved),
            "floor": fraction_percent(campaign.balance_floor),
        },
        obj=dotation,
        structure_id=dotation.structure_id,
        amount=amount,
        payload={
            "payment": balance.pk,
            "report": report.pk,
            "weighted_attainment": str(achieved),
            "floor": str(campaign.balance_floor),
            "rule": campaign.balance_rule,
            "advance": str(advance),
        },
    )
    return balance


def _validated_report(dotation):
    return (
        AnnualReport.objects.filter(
            convention_id=dotation.convention_id, year=dotation.campaign.year, status=ReportStatus.VALIDATED
        )
        .select_related("convention")
        .first()
    )


@transaction.atomic
def schedule_payments(*, dotation, user) -> list[Payment]:
    """On approval: the advance (the convention's share × total, at the convention's due date in the campaign
    year) and the balance (the convention's due date the year after), whose amount stays empty until that year's
    annual report is validated (set at once when it already is), each paid by the fund the campaign gives its due
    date. Idempotent."""
    locked = _lock_dotation(dotation.pk)
    if locked.status != DotationStatus.APPROVED:
        raise PaymentTransitionError(_("Seule une dotation approuvée reçoit un échéancier de versements."))
    existing = list(locked.payments.exclude(status=PaymentStatus.CANCELLED))
    if existing:
        return existing
    campaign = locked.campaign
    terms = payment_terms(locked)
    advance = Payment(
        dotation=locked,
        kind=PaymentKind.ADVANCE,
        amount=advance_amount(locked.total, terms.advance_share),
        due_date=terms.advance_due_date,
        fund=campaign.fund_for(terms.advance_due_date),
    )
    coverage.split_payment(advance, locked)
    advance.save()
    balance = Payment.objects.create(
        dotation=locked,
        kind=PaymentKind.BALANCE,
        due_date=terms.balance_due_date,
        fund=campaign.fund_for(terms.balance_due_date),
    )
    record_event(
        actor=user,
        verb="payments_scheduled",
        summary=_(
            "Échéancier créé selon la convention : avance de %(advance)s (%(share)s) au %(due)s, solde fixé après "
            "validation du rapport %(year)s"
        )
        % {
            "advance": euros(advance.amount),
            "share": fraction_percent(terms.advance_share),
            "due": date_fr(terms.advance_due_date),
            "year": campaign.year,
        },
        obj=locked,
        structure_id=locked.structure_id,
        amount=advance.amount,
        payload={"advance": advance.pk, "balance": balance.pk, "funds": [advance.fund, balance.fund]},
    )
    report = _validated_report(locked)
    if report is not None:
        _fix_balance(locked, balance, report, user)
    return [advance, balance]


@transaction.atomic
def set_balance_from_report(*, report, user) -> Payment | None:
    """On validation of a report: (total − advance) × max(floor, weighted attainment) for that year's approved
    dotation. Nothing to do when the dotation is not approved yet (approval will read the report) or when the
    balance is already paid (a paid amount never changes)."""
    dotation_id = (
        Dotation.objects.filter(
            convention_id=report.convention_id, campaign__year=report.year, status=DotationStatus.APPROVED
        )
        .values_list("pk", flat=True)
        .first()
    )
    if dotation_id is None:
        return None
    dotation = _lock_dotation(dotation_id)
    balance = (
        Payment.objects.select_for_update()
        .filter(dotation=dotation, kind=PaymentKind.BALANCE, status=PaymentStatus.SCHEDULED)
        .first()
    )
    if balance is None:
        return None
    return _fix_balance(dotation, balance, report, user)


@transaction.atomic
def payment_record(
    *, payment: Payment, user: User, paid_on: datetime.date, reference: str, fund: str = "", expected_version=None
) -> Payment:
    """A CNAM agent records that a scheduled payment was made (date of the transfer and its reference); ``fund``
    corrects the fund that paid it, empty keeps the scheduled one."""
    dotation, locked = _lock_payment(payment.pk)
    WORKFLOW.check("record", locked.status)
    if not perms.can_manage_payments(user):
        raise ActionRefused(_("Seul un agent de la CNAM peut enregistrer un versement."))
    check_version(locked, expected_version, _(STALE))
    if dotation.status != DotationStatus.APPROVED:
        raise PaymentTransitionError(_("La dotation n'est pas approuvée : aucun versement ne peut être enregistré."))
    if locked.amount is None:
        raise PaymentTransitionError(
            _(
                "Le montant du solde n'est pas encore fixé : il le sera à la validation du rapport annuel "
                "%(year)s par l'ARS."
            )
            % {"year": dotation.campaign.year}
        )
    reference = (reference or "").strip()
    if not reference:
        raise PaymentTransitionError(_("La référence du virement est obligatoire."))
    if paid_on is None:
        raise PaymentTransitionError(_("La date du versement est obligatoire."))
    if paid_on > timezone.localdate():
        raise PaymentTransitionError(_("La date du versement ne peut pas être dans le futur."))
    if fund and fund not in Fund.values:
        raise PaymentTransitionError(_("Fonds payeur inconnu."))
    fiss_end = dotation.campaign.fiss_end_date
    if (fund or locked.fund) == Fund.FISS and fiss_end is not None and paid_on > fiss_end:
        raise PaymentTransitionError(
            _(
                "Le FISS ne verse plus après le %(end)s : enregistrez ce virement du %(paid)s sur le FIR. Sa part "
                "FISS (%(fiss)s), qui finance les jours jusqu'au %(end)s, reste comptée au FISS."
            )
            % {
                "end": date_fr(fiss_end),
                "paid": date_fr(paid_on),
                "fiss": euros(locked.fiss_amount or ZERO),
            }
        )
    _check_within_dotation(dotation, locked.amount, exclude=locked)
    from_state = WORKFLOW.apply(locked, "record")
    locked.paid_on = paid_on
    locked.reference = reference[:100]
    locked.fund = fund or locked.fund
    locked.recorded_by = user
    locked.save()
    WORKFLOW.record(
        locked,
        actor=user,
        verb="payment_recorded",
        summary=_("Versement %(kind)s %(year)s : %(amount)s le %(date)s (réf. %(ref)s)")
        % {
            "kind": _kind_article(locked),
            "year": dotation.campaign.year,
            "amount": euros(locked.amount),
            "date": date_fr(paid_on),
            "ref": locked.reference,
        },
        obj=dotation,
        structure_id=dotation.structure_id,
        from_state=from_state,
        amount=locked.amount,
        payload={"payment": locked.pk, "kind": locked.kind, "fund": locked.fund},
    )
    payment_notifications.payment_recorded(locked)
    return locked


@transaction.atomic
def payment_cancel(
    *, payment: Payment, user: User, reason: str, reschedule: bool = True, expected_version=None
) -> Payment:
    """A CNAM agent cancels a scheduled or recorded payment, with a reason; ``reschedule`` puts a new scheduled
    payment of the same kind, amount and due date in its place (e.g. a transfer sent back by the bank), paid by
    the fund the campaign gives that due date."""
    dotation, locked = _lock_payment(payment.pk)
    WORKFLOW.check("cancel", locked.status, reason)
    if not perms.can_manage_payments(user):
        raise ActionRefused(_("Seul un agent de la CNAM peut annuler un versement."))
    check_version(locked, expected_version, _(STALE))
    from_state = WORKFLOW.apply(locked, "cancel", reason)
    locked.cancel_reason = reason.strip()
    locked.save()
    replacement = None
    if reschedule:
        replacement = Payment.objects.create(
            dotation=dotation,
            kind=locked.kind,
            amount=locked.amount,
            fiss_amount=locked.fiss_amount,
            fir_amount=locked.fir_amount,
            due_date=locked.due_date,
            fund=dotation.campaign.fund_for(locked.due_date),
        )
    WORKFLOW.record(
        locked,
        actor=user,
        verb="payment_cancelled",
        summary=_("Versement %(kind)s %(year)s annulé%(again)s")
        % {
            "kind": _kind_article(locked),
            "year": dotation.campaign.year,
            "again": _(" et reprogrammé") if replacement else "",
        },
        obj=dotation,
        structure_id=dotation.structure_id,
        from_state=from_state,
        reason=locked.cancel_reason,
        amount=locked.amount,
        payload={"payment": locked.pk, "kind": locked.kind, "replacement": replacement.pk if replacement else None},
    )
    if from_state == PaymentStatus.PAID:
        payment_notifications.payment_cancelled(locked)
    return locked
