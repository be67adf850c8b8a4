"""Every write on an annual report: open, fill, file, validate or return; reminders (design.md §4, §6).

A report is opened for one year of a convention, pre-filled from the structure's previous report. The manager
fills a value (and an optional comment) for every indicator and the team's FTE by professional category; the
same rules (conventions.report_rules) guard a draft and a filing. The region's ARS agent validates it (its
weighted attainment is fixed then, and ``report_validated`` tells the dotations) or returns it with a reason.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from secpa_portal.accounts.models import User
from secpa_portal.core.errors import ActionRefused
from secpa_portal.core.services import check_version, lock, require
from secpa_portal.journal.services import record_event
from secpa_portal.messaging.services import post_message
from structures.enums import ProfessionalCategory

from .. import report_notifications as notifications
from ..enums import ReminderKind
from ..models import AnnualReport, Convention, ReportFte, ReportReminder, ReportValue
from ..perms import reports as perms
from ..report_rules import filing_too_early, report_errors
from ..report_selectors import expected_indicators, report_lines, report_weighted_attainment, reportable_years
from ..report_workflow import REPORT_WORKFLOW
from ..signals import report_validated

REMINDER_WINDOW = datetime.timedelta(days=30)

# The reminder e-mail of each kind.
REMINDERS = {ReminderKind.DUE_SOON: notifications.report_due_soon, ReminderKind.OVERDUE: notifications.report_overdue}


class ReportInvalid(ActionRefused):
    """The figures break a rule; ``errors`` holds the French message of each field (see report_rules)."""

    def __init__(self, errors: dict):
        self.errors = errors
        super().__init__(_("Le rapport contient des erreurs : corrigez les champs signalés."))


STALE = (
    "Ce rapport a été modifié par une autre personne depuis que vous l'avez ouvert. "
    "Vos saisies n'ont pas été enregistrées : rechargez la page pour voir la version actuelle."
)


def _locked(report: AnnualReport) -> AnnualReport:
    # Only the report's row: PostgreSQL cannot lock the nullable side of a join.
    return lock(report, related=("convention", "convention__structure"), of=("self",))


def _previous_report(convention, year):
    return (
        AnnualReport.objects.filter(convention__structure_id=convention.structure_id, year__lt=year)
        .order_by("-year")
        .first()
    )


@transaction.atomic
def report_open(*, convention: Convention, year: int, user: User, today: datetime.date | None = None) -> AnnualReport:
    """Open (or return, when it exists) the report of ``year``, pre-filled from the structure's last report."""
    convention = Convention.objects.select_related("structure").get(pk=convention.pk)
    require(
        perms.can_open(user, convention),
        _("Seul un gestionnaire de la structure peut ouvrir un rapport, pour une convention en vigueur ou échue."),
    )
    existing = AnnualReport.objects.filter(convention=convention, year=year).first()
    if existing:
        return existing
    if year not in reportable_years(convention, today or timezone.localdate()):
        raise ActionRefused(
            _(
                "Aucun rapport ne peut être ouvert pour %(year)s : l'année doit être couverte par la convention "
                "%(ref)s et commencée."
            )
            % {"year": year, "ref": convention.reference}
        )
    return _create(convention, year, user)[0]


def _create(convention, year, user) -> tuple[AnnualReport, bool]:
    report = AnnualReport(convention=convention, year=year, due_date=AnnualReport.default_due_date(year))
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # opened at the same moment by someone else
        return AnnualReport.objects.get(convention=convention, year=year), False
    previous = _previous_report(convention, year)
    old_values = {}
    if previous:
        old_values = dict(previous.values.values_list("indicator_id", "value"))
        ReportFte.objects.bulk_create(
            [ReportFte(report=report, category=line.category, fte=line.fte) for line in previous.fte_lines.all()]
        )
    ReportValue.objects.bulk_create(
        [
            ReportValue(report=report, indicator=line.indicator, value=old_values.get(line.indicator_id))
            for line in expected_indicators(convention)
        ]
    )
    record_event(
        actor=user,
        verb="report_opened",
        summary=_("Rapport annuel %(year)s ouvert") % {"year": year},
        obj=report,
        structure_id=convention.structure_id,
        to_state=report.status,
        payload={"convention": convention.reference, "prefilled_from": previous.year if previous else None},
    )
    return report, True


def _indicators(convention):
    return [line.indicator for line in expected_indicators(convention)]


@transaction.atomic
def report_save(
    *,
    report: AnnualReport,
    user: User,
    values: dict,
    comments: dict | None = None,
    fte: dict | None = None,
    expected_version=None,
) -> AnnualReport:
    """Save the figures of a draft or returned report.

    ``values``: {indicator pk: Decimal or None}; ``comments``: {indicator pk: str}; ``fte``: {category:
    Decimal or None} (None or 0 removes the category). Raises ReportInvalid with the message of each field.
    """
    locked = _locked(report)
    require(
        perms.can_edit(user, locked),
        _("Ce rapport ne peut pas être modifié : seul un gestionnaire de la structure le complète, avant son dépôt."),
    )
    check_version(locked, expected_version, _(STALE))
    comments = comments or {}
    fte = {category: fte.get(category) for category in ProfessionalCategory.values} if fte else {}
    indicators = _indicators(locked.convention)
    errors = report_errors(indicators, values, fte)
    if errors:
        raise ReportInvalid(errors)
    stored = {value.indicator_id: value for value in locked.values.all()}
    keep = []
    for indicator in indicators:
        row = stored.get(indicator.pk) or ReportValue(report=locked, indicator=indicator)
        row.value = values.get(indicator.pk)
        row.comment = (comments.get(indicator.pk) or "").strip()[:500]
        keep.append(row)
    ReportValue.objects.bulk_update([row for row in keep if row.pk], ["value", "comment"])
    ReportValue.objects.bulk_create([row for row in keep if not row.pk])
    locked.values.exclude(indicator_id__in=[indicator.pk for indicator in indicators]).delete()
    if fte:
        locked.fte_lines.all().delete()
        ReportFte.objects.bulk_create(
            [ReportFte(report=locked, category=category, fte=amount) for category, amount in fte.items() if amount]
        )
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    return locked


def _record(locked, user, verb, from_state, summary, reason="", payload=None):
    REPORT_WORKFLOW.record(
        locked,
        actor=user,
        verb=verb,
        summary=summary,
        from_state=from_state,
        structure_id=locked.convention.structure_id,
        reason=reason,
        payload={"convention": locked.convention.reference, "year": locked.year, **(payload or {})},
    )


@transaction.atomic
def report_submit(*, report: AnnualReport, user: User) -> AnnualReport:
    """A manager files a complete report, once its year is over (``report_rules.filing_too_early``: from 1 January
    of the next year, or the day after the convention's last day in force); the region's ARS agents are told."""
    locked = _locked(report)
    REPORT_WORKFLOW.check("submit", locked.status)
    require(perms.can_submit(user, locked), _("Seul un gestionnaire de la structure peut déposer ce rapport."))
    too_early = filing_too_early(locked, timezone.localdate())
    if too_early:
        raise ActionRefused(too_early)
    errors = filing_blockers(locked)
    if errors:
        raise ReportInvalid(errors)
    from_state = REPORT_WORKFLOW.apply(locked, "submit")
    locked.submitted_at = timezone.now()
    locked.submitted_by = user
    locked.save()
    _record(locked, user, "report_submitted", from_state, _("Rapport annuel %(year)s déposé") % {"year": locked.year})
    notifications.report_submitted(locked)
    return locked


def fte_map(report) -> dict:
    return {line.category: line.fte for line in report.fte_lines.all()}


def filing_blockers(report) -> dict:
    """What still prevents filing the report, by field (empty when it may be filed)."""
    values = {value.indicator_id: value.value for value in report.values.all()}
    return report_errors(_indicators(report.convention), values, fte_map(report), complete=True)


@transaction.atomic
def report_validate(*, report: AnnualReport, user: User) -> AnnualReport:
    """The region's ARS agent validates a filed report: its weighted attainment is fixed, dotations are told."""
    locked = _locked(report)
    REPORT_WORKFLOW.check("validate", locked.status)
    require(perms.can_validate(user, locked), _("Seul un agent de l'ARS de la région peut valider ce rapport."))
    achieved = report_weighted_attainment(report_lines(locked))
    from_state = REPORT_WORKFLOW.apply(locked, "validate")
    locked.validated_at = timezone.now()
    locked.validated_by = user
    locked.weighted_attainment = achieved
    locked.return_reason = ""
    locked.save()
    _record(
        locked,
        user,
        "report_validated",
        from_state,
        _("Rapport annuel %(year)s validé") % {"year": locked.year},
        payload={"weighted_attainment": str(achieved)},
    )
    report_validated.send(sender=AnnualReport, report=locked, user=user)
    notifications.report_validated(locked)
    return locked


@transaction.atomic
def report_return(*, report: AnnualReport, user: User, reason: str) -> AnnualReport:
    """The region's ARS agent returns a filed report to the structure, saying what to correct."""
    locked = _locked(report)
    reason = (reason or "").strip()
    REPORT_WORKFLOW.check("return", locked.status, reason)
    require(perms.can_return(user, locked), _("Seul un agent de l'ARS de la région peut renvoyer ce rapport."))
    from_state = REPORT_WORKFLOW.apply(locked, "return", reason)
    locked.return_reason = reason
    locked.save()
    _record(
        locked,
        user,
        "report_returned",
        from_state,
        _("Rapport annuel %(year)s renvoyé") % {"year": locked.year},
        reason,
    )
    post_message(user=user, obj=locked, text=reason, opens_with_reason="report_returned", checked=True)
    notifications.report_returned(locked, reason)
    return locked


# --- Reminders (manage.py send_reminders) -----------------------------------------------------------------------


def reports_open_due(*, today: datetime.date) -> int:
    """Open, for the system, the reports of last year that nobody opened yet, so that reminders reach them."""
    year = today.year - 1
    conventions = (
        Convention.objects.filter(status__in=perms.REPORTABLE_CONVENTION_STATUSES, start_date__year__lte=year)
        .exclude(reports__year=year)
        .select_related("structure")
    )
    opened = 0
    for convention in conventions:
        if year in reportable_years(convention, today):
            with transaction.atomic():
                opened += _create(convention, year, None)[1]
    return opened


def reminder_kind(report, today: datetime.date) -> str | None:
    if report.status not in perms.EDITABLE_STATUSES:
        return None
    if report.due_date < today:
        return ReminderKind.OVERDUE
    if report.due_date <= today + REMINDER_WINDOW:
        return ReminderKind.DUE_SOON
    return None


def send_reminders(*, today: datetime.date | None = None) -> dict:
    """Remind managers of reports due within 30 days and of overdue ones, once per report and kind.

    The ReportReminder row (unique per report and kind) is written before the e-mail is queued, in the same
    transaction: a second run, even a concurrent one, finds it and sends nothing.
    """
    today = today or timezone.localdate()
    opened = reports_open_due(today=today)
    candidates = (
        AnnualReport.objects.filter(status__in=perms.EDITABLE_STATUSES, due_date__lte=today + REMINDER_WINDOW)
        .select_related("convention")
        .order_by("due_date", "pk")
    )
    sent = {ReminderKind.DUE_SOON: 0, ReminderKind.OVERDUE: 0}
    for report in candidates.iterator(chunk_size=500):
        kind = reminder_kind(report, today)
        if kind and _remind_once(report, kind):
            sent[kind] += 1
    return {"opened": opened, **{str(kind): count for kind, count in sent.items()}}


def _remind_once(report, kind) -> bool:
    try:
        with transaction.atomic():
            ReportReminder.objects.create(report=report, kind=kind)
            record_event(
                actor=None,
                verb=f"report_reminder_{kind}",
                summary=_("Relance envoyée : rapport annuel %(year)s %(kind)s")
                % {"year": report.year, "kind": ReminderKind(kind).label.lower()},
                obj=report,
                structure_id=report.convention.structure_id,
            )
            REMINDERS[kind](report)
    except IntegrityError:
        return False
    return True
