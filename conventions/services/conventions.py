"""Every write on a convention: lock, check, change, journal, notify (design.md §4).

A convention is prepared in two parts: its terms (dates, payment terms, obligations) then its objectives, each
with indicators, a baseline, points and a target per year. A draft may be incomplete; sending it requires
everything (``send_blockers``).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from secpa_portal.accounts.models import User
from secpa_portal.core.errors import ActionRefused
from secpa_portal.core.formats import date_fr
from secpa_portal.core.services import check_version, lock, require
from secpa_portal.journal.services import record_event
from structures.models import Structure

from .. import notifications
from ..enums import ConventionStatus, IndicatorDirection, Obligation
from ..law import LawItem, law_checklist
from ..models import (
    DURATION_MESSAGE,
    DURATION_YEARS,
    Convention,
    ConventionIndicator,
    Indicator,
    Objective,
    ReferenceSequence,
    Target,
)
from ..pdf import queue_signed_pdf
from ..perms import conventions as perms
from ..signals import convention_terminated
from ..workflow import CONVENTION_WORKFLOW, TransitionError

TERM_FIELDS = (
    "start_date",
    "duration_years",
    "advance_share",
    "advance_due",
    "balance_due",
    "obligations",
    "special_clauses",
)
LIVE_STATUSES = (ConventionStatus.DRAFT, ConventionStatus.SENT, ConventionStatus.SIGNED_BY_STRUCTURE)

STALE = (
    "Cette convention a été modifiée par une autre personne depuis que vous l'avez ouverte. "
    "Vos changements n'ont pas été enregistrés : rechargez la page pour voir la version actuelle."
)


def _locked(convention: Convention) -> Convention:
    return lock(convention, related=("structure",))


def allocate_reference(*, region_code: str, year: int) -> str:
    """``SECPA-<region>-<year>-<sequence>``; the counter row is locked so that two agents never get the same one."""
    ReferenceSequence.objects.bulk_create(
        [ReferenceSequence(region_code=region_code, year=year, last=0)], ignore_conflicts=True
    )
    sequence = ReferenceSequence.objects.select_for_update().get(region_code=region_code, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"SECPA-{region_code}-{year}-{sequence.last:03d}"


def _clean_terms(terms: dict) -> dict:
    unknown = set(terms) - set(TERM_FIELDS)
    if unknown:
        raise ValueError(f"Not a term: {sorted(unknown)}")
    obligations = terms.get("obligations")
    if obligations is not None:
        valid = set(Obligation.values)
        terms["obligations"] = [code for code in Obligation.values if code in set(obligations) & valid]
    return terms


def _apply_terms(convention, terms: dict):
    for name, value in terms.items():
        setattr(convention, name, value)
    if convention.start_date and convention.duration_years:
        if int(convention.duration_years) not in DURATION_YEARS:
            raise ActionRefused(str(DURATION_MESSAGE))
        convention.end_date = Convention.compute_end_date(convention.start_date, int(convention.duration_years))


def ensure_activity_indicators(convention) -> None:
    """Every activity figure the barème uses is followed by every convention."""
    present = set(convention.indicators.values_list("indicator_id", flat=True))
    missing = Indicator.objects.active().activity().exclude(pk__in=present)
    ConventionIndicator.objects.bulk_create(
        [ConventionIndicator(convention=convention, indicator=indicator) for indicator in missing]
    )


@transaction.atomic
def convention_prepare(*, structure: Structure, user: User, **terms) -> Convention:
    """A CNAM agent prepares a convention for an eligible structure; it gets its reference at once."""
    structure = Structure.objects.select_for_update().get(pk=structure.pk)
    require(
        perms.can_prepare(user, structure),
        _("Seul un agent de la CNAM peut préparer une convention, et seulement pour une structure éligible."),
    )
    pending = Convention.objects.filter(structure=structure, status__in=LIVE_STATUSES).first()
    if pending:
        raise ActionRefused(
            _("Une convention est déjà en cours de préparation ou de signature pour cette structure (%(ref)s).")
            % {"ref": pending.reference}
        )
    terms = _clean_terms(dict(terms))
    convention = Convention(structure=structure, prepared_by=user)
    _apply_terms(convention, terms)
    convention.reference = allocate_reference(region_code=structure.region_id or "00", year=convention.start_date.year)
    convention.full_clean()
    convention.save()
    ensure_activity_indicators(convention)
    record_event(
        actor=user,
        verb="convention_prepared",
        summary=_("Convention %(ref)s en préparation") % {"ref": convention.reference},
        obj=convention,
        structure_id=structure.pk,
        to_state=convention.status,
    )
    return convention


@transaction.atomic
def convention_update_terms(*, convention: Convention, user: User, expected_version=None, **terms) -> Convention:
    """Change the terms of a convention in preparation; targets of years it no longer covers are dropped."""
    locked = _locked(convention)
    require(perms.can_edit(user, locked), _("Cette convention ne peut plus être modifiée : elle a été envoyée."))
    check_version(locked, expected_version, _(STALE))
    _apply_terms(locked, _clean_terms(dict(terms)))
    locked.full_clean()
    locked.version += 1
    locked.save()
    Target.objects.filter(convention_indicator__convention=locked).exclude(year__in=locked.years).delete()
    return locked


def _indicator_lines_check(locked, objective, lines):
    codes = [line["indicator"].pk for line in lines]
    if len(codes) != len(set(codes)):
        raise ActionRefused(_("Un même indicateur figure deux fois dans cet objectif."))
    taken = (
        ConventionIndicator.objects.filter(convention=locked, indicator_id__in=codes, objective__isnull=False)
        .exclude(objective=objective)
        .select_related("indicator", "objective")
        .first()
    )
    if taken:
        raise ActionRefused(
            _("L'indicateur « %(indicator)s » est déjà suivi par l'objectif « %(objective)s ».")
            % {"indicator": taken.indicator.label, "objective": taken.objective.title}
        )


def _release(objective):
    """Remove an objective's indicators; activity indicators stay in the convention, without objective."""
    lines = list(objective.indicators.select_related("indicator"))
    Target.objects.filter(convention_indicator__in=lines).delete()
    activity = [line.pk for line in lines if line.indicator.is_activity]
    ConventionIndicator.objects.filter(pk__in=activity).update(objective=None, baseline=None, points=Decimal("0"))
    ConventionIndicator.objects.filter(pk__in=[line.pk for line in lines if line.pk not in activity]).delete()


@transaction.atomic
def objective_save(
    *,
    convention: Convention,
    user: User,
    title: str,
    description: str = "",
    lines: list[dict],
    objective: Objective | None = None,
    expected_version=None,
) -> Objective:
    """Create or replace an objective and its indicators.

    ``lines``: dicts of ``indicator`` (Indicator), ``baseline`` (Decimal or None), ``points`` (Decimal) and
    ``targets`` ({year: Decimal or None}); targets outside the convention's years are ignored.
    """
    locked = _locked(convention)
    require(perms.can_edit(user, locked), _("Cette convention ne peut plus être modifiée : elle a été envoyée."))
    check_version(locked, expected_version, _(STALE))
    if not title.strip():
        raise ActionRefused(_("Donnez un intitulé à l'objectif."))
    if objective is None:
        last = locked.objectives.order_by("-order").values_list("order", flat=True).first() or 0
        objective = Objective(convention=locked, order=last + 1)
    elif objective.convention_id != locked.pk:
        raise ActionRefused(_("Cet objectif n'appartient pas à cette convention."))
    _indicator_lines_check(locked, objective if objective.pk else None, lines)
    objective.title = title.strip()
    objective.description = description.strip()
    objective.full_clean(exclude=["convention"])
    objective.save()
    _release(objective)
    years = set(locked.years)
    existing = {
        line.indicator_id: line
        for line in ConventionIndicator.objects.filter(
            convention=locked, indicator_id__in=[line["indicator"].pk for line in lines]
        )
    }
    targets = []
    for line in lines:
        row = existing.get(line["indicator"].pk) or ConventionIndicator(convention=locked, indicator=line["indicator"])
        row.objective = objective
        row.baseline = line.get("baseline")
        row.points = line.get("points") or Decimal("0")
        row.save()
        targets += [
            Target(convention_indicator=row, year=year, value=value)
            for year, value in sorted(line.get("targets", {}).items())
            if value is not None and int(year) in years
        ]
    Target.objects.bulk_create(targets)
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    return objective


@transaction.atomic
def objective_delete(*, objective: Objective, user: User) -> None:
    locked = _locked(objective.convention)
    require(perms.can_edit(user, locked), _("Cette convention ne peut plus être modifiée : elle a été envoyée."))
    _release(objective)
    objective.delete()
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])


def target_problem(direction, baseline, target) -> str:
    """Why a target is inconsistent with its baseline, or ''."""
    if baseline is None or target is None or direction == IndicatorDirection.YES_NO:
        return ""
    if direction == IndicatorDirection.HIGHER and target < baseline:
        return _("la cible doit être au moins égale à la valeur de référence (plus haut est mieux)")
    if direction == IndicatorDirection.LOWER and target > baseline:
        return _("la cible doit être au plus égale à la valeur de référence (plus bas est mieux)")
    return ""


@dataclass(frozen=True)
class SendReview:
    blockers: list[str]  # everything that prevents sending, in French
    checklist: list[LawItem]  # the contents the law requires, met or not (shown before the button)


def send_blockers(convention) -> list[str]:
    """What still prevents sending the convention, in French; empty when it is complete."""
    return send_review(convention).blockers


def send_review(convention) -> SendReview:
    """What prevents sending the convention, and the law's checklist (conventions/law.py), in two queries."""
    blockers = []
    objectives = list(convention.objectives.prefetch_related("indicators__indicator", "indicators__targets"))
    checklist = law_checklist(
        convention.obligations,
        {line.indicator.category for objective in objectives for line in objective.indicators.all()},
    )
    blockers.extend(
        _("Exigé par la loi (art. L. 6323-6-2 I du code de la santé publique) : %(what)s.") % {"what": item.missing}
        for item in checklist
        if not item.met
    )
    if not objectives:
        blockers.append(_("Ajoutez au moins un objectif."))
    years = convention.years
    total_points = Decimal("0")
    for objective in objectives:
        lines = list(objective.indicators.all())
        if not lines:
            blockers.append(_("L'objectif « %(title)s » n'a aucun indicateur.") % {"title": objective.title})
        for line in lines:
            total_points += line.points
            by_year = {t.year: t.value for t in line.targets.all()}
            missing = [str(year) for year in years if year not in by_year]
            if missing:
                blockers.append(
                    _("Indicateur « %(indicator)s » : cible manquante pour %(years)s.")
                    % {"indicator": line.indicator.label, "years": ", ".join(missing)}
                )
            for year, value in sorted(by_year.items()):
                problem = target_problem(line.indicator.direction, line.baseline, value)
                if problem:
                    blockers.append(
                        _("Indicateur « %(indicator)s », %(year)s : %(problem)s.")
                        % {"indicator": line.indicator.label, "year": year, "problem": problem}
                    )
    if objectives and total_points <= 0:
        blockers.append(_("Attribuez des points à au moins un indicateur : ils pondèrent l'atteinte des objectifs."))
    return SendReview(blockers, checklist)


def _move(locked, name, reason=""):
    return CONVENTION_WORKFLOW.apply(locked, name, reason)


def _record(locked, user, verb, from_state, summary, reason="", payload=None):
    CONVENTION_WORKFLOW.record(
        locked, actor=user, verb=verb, summary=summary, from_state=from_state, reason=reason, payload=payload
    )


@transaction.atomic
def convention_send(*, convention: Convention, user: User) -> Convention:
    locked = _locked(convention)
    CONVENTION_WORKFLOW.check("send", locked.status)
    require(perms.can_send(user, locked), _("Seul un agent de la CNAM peut envoyer une convention."))
    ensure_activity_indicators(locked)
    blockers = send_blockers(locked)
    if blockers:
        raise TransitionError(
            _("La convention ne peut pas encore être envoyée : %(list)s") % {"list": " ".join(blockers)}
        )
    from_state = _move(locked, "send")
    locked.sent_at = timezone.now()
    locked.save()
    _record(locked, user, "convention_sent", from_state, _("Convention envoyée à la structure pour signature"))
    notifications.convention_sent(locked)
    return locked


def _clear_signatures(locked):
    locked.structure_signatory_name = locked.structure_signatory_capacity = ""
    locked.structure_signed_by = None
    locked.structure_signed_at = None


@transaction.atomic
def convention_recall(*, convention: Convention, user: User, reason: str) -> Convention:
    """Back to preparation to correct it; a structure signature already given is dropped."""
    locked = _locked(convention)
    CONVENTION_WORKFLOW.check("recall", locked.status, reason)
    require(perms.can_recall(user, locked), _("Seul un agent de la CNAM peut reprendre une convention."))
    from_state = _move(locked, "recall", reason)
    _clear_signatures(locked)
    locked.sent_at = None
    locked.save()
    _record(locked, user, "convention_recalled", from_state, _("Convention reprise en préparation"), reason.strip())
    notifications.convention_recalled(locked, reason.strip())
    return locked


@transaction.atomic
def convention_sign_structure(
    *, convention: Convention, user: User, signatory_name: str, signatory_capacity: str, consent: bool
) -> Convention:
    locked = _locked(convention)
    CONVENTION_WORKFLOW.check("sign_structure", locked.status)
    require(perms.can_sign_structure(user, locked), _("Seul un gestionnaire de la structure peut signer pour elle."))
    if not consent:
        raise TransitionError(
            _("Cochez la case par laquelle vous acceptez les termes de la convention pour la signer.")
        )
    if not signatory_name.strip() or not signatory_capacity.strip():
        raise TransitionError(_("Indiquez le nom et la qualité du signataire."))
    from_state = _move(locked, "sign_structure")
    locked.structure_signatory_name = signatory_name.strip()[:200]
    locked.structure_signatory_capacity = signatory_capacity.strip()[:200]
    locked.structure_signed_by = user
    locked.structure_signed_at = timezone.now()
    locked.save()
    _record(
        locked,
        user,
        "convention_signed_by_structure",
        from_state,
        _("Convention signée pour la structure par %(name)s (%(capacity)s)")
        % {"name": locked.structure_signatory_name, "capacity": locked.structure_signatory_capacity},
    )
    notifications.convention_signed_by_structure(locked)
    queue_signed_pdf(locked, _("signature de la structure"))
    return locked


def _other_active(locked):
    return Convention.objects.active().filter(structure_id=locked.structure_id).exclude(pk=locked.pk).first()


@transaction.atomic
def convention_sign_cnam(
    *, convention: Convention, user: User, signatory_name: str, signatory_capacity: str
) -> Convention:
    """The second signature: the convention comes into force. One convention in force per structure."""
    Structure.objects.select_for_update().filter(pk=convention.structure_id).first()
    locked = _locked(convention)
    CONVENTION_WORKFLOW.check("sign_cnam", locked.status)
    four_eyes = perms.four_eyes_refusal(user, locked, "convention")
    require(not four_eyes, four_eyes)
    require(perms.can_sign_cnam(user, locked), _("Seul un agent de la CNAM peut signer pour l'assurance maladie."))
    if not signatory_name.strip() or not signatory_capacity.strip():
        raise TransitionError(_("Indiquez le nom et la qualité du signataire."))
    other = _other_active(locked)
    if other:
        raise TransitionError(
            _(
                "Cette structure a déjà une convention en vigueur (%(ref)s) : résiliez-la ou attendez son échéance "
                "avant de mettre celle-ci en vigueur."
            )
            % {"ref": other.reference}
        )
    from_state = _move(locked, "sign_cnam")
    locked.cnam_signatory_name = signatory_name.strip()[:200]
    locked.cnam_signatory_capacity = signatory_capacity.strip()[:200]
    locked.cnam_signed_by = user
    locked.cnam_signed_at = timezone.now()
    locked.save()
    _record(locked, user, "convention_active", from_state, _("Convention signée par l'assurance maladie : en vigueur"))
    notifications.convention_active(locked)
    queue_signed_pdf(locked, _("signature de l'assurance maladie"))
    return locked


@transaction.atomic
def convention_terminate(
    *, convention: Convention, user: User, reason: str, terminated_on: datetime.date | None = None
) -> Convention:
    """Terminate; ``terminated_on`` is the last day in force (today by default), within the convention's dates.

    Sends ``convention_terminated`` in the transaction: dotations settles the money for the days covered.
    """
    locked = _locked(convention)
    CONVENTION_WORKFLOW.check("terminate", locked.status, reason)
    require(perms.can_terminate(user, locked), _("Seul un agent de la CNAM peut résilier une convention."))
    terminated_on = terminated_on or timezone.localdate()
    earliest = locked.start_date - datetime.timedelta(days=1)
    if not earliest <= terminated_on <= locked.end_date:
        raise TransitionError(
            _("Le dernier jour en vigueur doit être compris entre le %(start)s et le %(end)s.")
            % {
                "start": date_fr(earliest),
                "end": date_fr(locked.end_date),
            }
        )
    from_state = _move(locked, "terminate", reason)
    locked.terminated_at = timezone.now()
    locked.terminated_on = terminated_on
    locked.termination_reason = reason.strip()
    locked.save()
    _record(locked, user, "convention_terminated", from_state, _("Convention résiliée"), reason.strip())
    notifications.convention_terminated(locked, reason.strip())
    convention_terminated.send(sender=Convention, convention=locked, user=user)
    return locked


def conventions_end_expired(*, today: datetime.date | None = None) -> list[str]:
    """End every convention in force whose end date has passed; returns their references."""
    today = today or timezone.localdate()
    ended = []
    for pk in Convention.objects.active().filter(end_date__lt=today).values_list("pk", flat=True):
        with transaction.atomic():
            locked = Convention.objects.select_for_update().get(pk=pk)
            if locked.status != ConventionStatus.ACTIVE or locked.end_date >= today:
                continue
            from_state = _move(locked, "end")
            locked.save()
            _record(locked, None, "convention_ended", from_state, _("Convention arrivée à échéance"))
            notifications.convention_ended(locked)
            ended.append(locked.reference)
    return ended
