"""Avenants: numbered per convention, signed like it, applied when the assurance maladie signs.

``Amendment.changes`` (JSON, strings for numbers and dates)::

    {"end_date": "2029-12-31",
     "targets": [{"indicator": "coordination_meetings", "year": 2027, "value": "14"}],
     "add": [{"indicator": "shared_record", "objective": 3, "baseline": null, "points": "10",
              "targets": {"2026": "1", "2027": "1"}}],
     "remove": ["missed_appointments"],
     "terms": {"from_year": 2027, "advance_share": "0.50", "advance_due": "01-31", "balance_due": "04-30"}}

``terms``: new payment terms from a campaign year on (conventions/payment_terms.py); never for a year whose
dotation is approved (checked when the avenant is saved, sent and signed).

``Amendment.before`` keeps what the applied amendment replaced, so that the convention page can show
each amendment with its before and after.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from secpa_portal.accounts.models import User
from secpa_portal.core.errors import ActionRefused
from secpa_portal.core.services import check_version, lock, require
from secpa_portal.journal.services import record_event

from .. import notifications
from ..enums import AmendmentStatus, ConventionStatus
from ..models import DURATION_YEARS, Amendment, Convention, ConventionIndicator, Indicator, Objective, Target
from ..payment_terms import YearTerms, lock_refusal, terms_for, with_terms_from
from ..pdf import queue_signed_pdf
from ..perms import conventions as perms
from ..workflow import AMENDMENT_WORKFLOW, TransitionError
from .conventions import target_problem

IN_PROGRESS = (AmendmentStatus.DRAFT, AmendmentStatus.SENT, AmendmentStatus.SIGNED_BY_STRUCTURE)


def _dec(value):
    return None if value is None or value == "" else Decimal(str(value))


def _text(value):
    return None if value is None else str(value)


def duration_for(start: datetime.date, end: datetime.date) -> int:
    """The shortest duration in whole years (1–5) whose end date reaches ``end``."""
    for years in DURATION_YEARS:
        if Convention.compute_end_date(start, years) >= end:
            return years
    raise ActionRefused(_("Une convention dure au plus 5 ans : la nouvelle date de fin est trop lointaine."))


def _years(start, end):
    return list(range(start.year, end.year + 1))


def _terms_change(convention, years, terms) -> dict | None:
    """``terms`` (from_year, advance_share, advance_due, balance_due) checked, as JSON; None when they change
    nothing."""
    from_year = int(terms["from_year"])
    if from_year not in years:
        raise ActionRefused(
            _(
                "Les nouvelles conditions de versement doivent s'appliquer à une année de la convention (%(first)s à "
                "%(last)s)."
            )
            % {"first": years[0], "last": years[-1]}
        )
    share = Decimal(str(terms["advance_share"]))
    if not Decimal("0") <= share <= Decimal("1"):
        raise ActionRefused(_("La part de l'avance est comprise entre 0 et 100 %."))
    new = YearTerms(share.quantize(Decimal("0.01")), terms["advance_due"], terms["balance_due"])
    if all(terms_for(convention, year) == new for year in years if year >= from_year):
        return None
    refusal = lock_refusal(convention, from_year)
    if refusal:
        raise ActionRefused(refusal)
    return new.as_json(from_year)


def build_changes(convention, *, new_end_date=None, targets=(), add=(), remove=(), terms=None) -> dict:
    """Check the requested changes against the convention as it stands and return ``changes`` (JSON).

    ``targets``: dicts of indicator (Indicator), year, value; ``add``: dicts of indicator, objective (Objective),
    baseline, points, targets ({year: value}); ``remove``: Indicators; ``terms``: a dict of from_year,
    advance_share (fraction), advance_due and balance_due ("MM-DD"), or None.
    """
    lines = {
        line.indicator_id: line
        for line in convention.indicators.select_related("indicator", "objective").prefetch_related("targets")
    }
    followed = {pk: line for pk, line in lines.items() if line.objective_id}
    changes = {}
    end = convention.end_date
    if new_end_date and new_end_date != convention.end_date:
        if new_end_date <= convention.start_date:
            raise ActionRefused(_("La nouvelle date de fin doit suivre la date de début de la convention."))
        if new_end_date < timezone.localdate():
            raise ActionRefused(_("La nouvelle date de fin ne peut pas être déjà passée."))
        duration_for(convention.start_date, new_end_date)
        end = new_end_date
        changes["end_date"] = new_end_date.isoformat()
    years = _years(convention.start_date, end)

    removed = []
    for indicator in remove:
        line = followed.get(indicator.pk)
        if line is None:
            raise ActionRefused(
                _("L'indicateur « %(label)s » n'est pas suivi par un objectif de la convention.")
                % {"label": indicator.label}
            )
        removed.append(indicator.code)
    remaining = {pk: line for pk, line in followed.items() if line.indicator.code not in removed}
    for objective_id in {line.objective_id for line in followed.values()}:
        if not any(line.objective_id == objective_id for line in remaining.values()) and not any(
            item["objective"].pk == objective_id for item in add
        ):
            title = next(line.objective.title for line in followed.values() if line.objective_id == objective_id)
            raise ActionRefused(
                _("L'objectif « %(title)s » n'aurait plus aucun indicateur : ajoutez-en un ou gardez-en un.")
                % {"title": title}
            )

    target_changes = []
    for item in targets:
        line = remaining.get(item["indicator"].pk)
        if line is None:
            raise ActionRefused(
                _("L'indicateur « %(label)s » n'est pas suivi par un objectif de la convention.")
                % {"label": item["indicator"].label}
            )
        if int(item["year"]) not in years:
            if int(item["year"]) in convention.years:
                continue  # a year the new end date drops
            raise ActionRefused(_("L'année %(year)s n'est pas couverte par la convention.") % {"year": item["year"]})
        problem = target_problem(line.indicator.direction, line.baseline, item["value"])
        if problem:
            raise ActionRefused(
                _("Indicateur « %(label)s », %(year)s : %(problem)s.")
                % {"label": line.indicator.label, "year": item["year"], "problem": problem}
            )
        current = {t.year: t.value for t in line.targets.all()}.get(int(item["year"]))
        if current != item["value"]:
            target_changes.append(
                {"indicator": line.indicator.code, "year": int(item["year"]), "value": _text(item["value"])}
            )
    # Years the new end date adds keep the last target unless the amendment sets one.
    given = {(change["indicator"], change["year"]) for change in target_changes}
    for line in remaining.values():
        current = {t.year: t.value for t in line.targets.all()}
        last = current[max(current)] if current else None
        for year in years:
            if year not in current and (line.indicator.code, year) not in given and last is not None:
                target_changes.append({"indicator": line.indicator.code, "year": year, "value": _text(last)})
    if target_changes:
        changes["targets"] = target_changes

    added = []
    for item in add:
        indicator = item["indicator"]
        if indicator.pk in remaining or any(a["indicator"] == indicator.code for a in added):
            raise ActionRefused(
                _("L'indicateur « %(label)s » est déjà suivi par la convention.") % {"label": indicator.label}
            )
        if item["objective"].convention_id != convention.pk:
            raise ActionRefused(_("Cet objectif n'appartient pas à cette convention."))
        missing = [str(year) for year in years if item["targets"].get(year) is None]
        if missing:
            raise ActionRefused(
                _("Indicateur ajouté « %(label)s » : cible manquante pour %(years)s.")
                % {"label": indicator.label, "years": ", ".join(missing)}
            )
        for year in years:
            problem = target_problem(indicator.direction, item.get("baseline"), item["targets"][year])
            if problem:
                raise ActionRefused(
                    _("Indicateur ajouté « %(label)s », %(year)s : %(problem)s.")
                    % {"label": indicator.label, "year": year, "problem": problem}
                )
        added.append(
            {
                "indicator": indicator.code,
                "objective": item["objective"].pk,
                "baseline": _text(item.get("baseline")),
                "points": _text(item.get("points") or Decimal("0")),
                "targets": {str(year): _text(item["targets"][year]) for year in years},
            }
        )
    if added:
        changes["add"] = added
    if removed:
        changes["remove"] = removed
    if terms:
        terms_change = _terms_change(convention, years, terms)
        if terms_change:
            changes["terms"] = terms_change
    if not changes:
        raise ActionRefused(
            _(
                "Cet avenant ne change rien : modifiez une cible, un indicateur, la date de fin ou les conditions "
                "de versement."
            )
        )
    return changes


def _locked_convention(convention) -> Convention:
    return lock(convention, related=("structure",))


def _record(convention, user, verb, amendment, summary, from_state="", payload=None, reason=""):
    AMENDMENT_WORKFLOW.record(
        amendment,
        actor=user,
        verb=verb,
        summary=summary,
        from_state=from_state,
        reason=reason,
        obj=convention,
        structure_id=convention.structure_id,
        payload={"amendment": amendment.number, **(payload or {})},
    )


@transaction.atomic
def amendment_save(
    *,
    convention: Convention,
    user: User,
    summary: str,
    amendment: Amendment | None = None,
    expected_version=None,
    **requested,
) -> Amendment:
    """Prepare an avenant (or change one in preparation). ``requested``: see ``build_changes``.

    A change based on an older ``version`` than the avenant's is refused (``ConflictError``)."""
    locked = _locked_convention(convention)
    if amendment is None:
        in_progress = locked.amendments.filter(status__in=IN_PROGRESS).exists()
        if locked.status != ConventionStatus.ACTIVE:
            raise ActionRefused(_("Un avenant ne peut modifier qu'une convention en vigueur."))
        if in_progress:
            raise ActionRefused(
                _("Un avenant est déjà en cours pour cette convention : menez-le à son terme d'abord.")
            )
        require(perms.can_prepare_amendment(user, locked), _("Seul un agent de la CNAM peut préparer un avenant."))
        last = locked.amendments.order_by("-number").values_list("number", flat=True).first() or 0
        amendment = Amendment(convention=locked, number=last + 1, prepared_by=user)
    else:
        amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
        require(
            perms.can_edit_amendment(user, amendment),
            _("Cet avenant ne peut plus être modifié : il a été envoyé à la structure."),
        )
        check_version(amendment, expected_version)
        amendment.version += 1
    if not summary.strip():
        raise ActionRefused(_("Indiquez l'objet de l'avenant."))
    amendment.summary = summary.strip()
    amendment.changes = build_changes(locked, **requested)
    amendment.new_end_date = (
        datetime.date.fromisoformat(amendment.changes["end_date"]) if "end_date" in amendment.changes else None
    )
    created = amendment.pk is None
    amendment.save()
    if created:
        _record(
            locked,
            user,
            "amendment_prepared",
            amendment,
            _("Avenant n° %(n)s en préparation") % {"n": amendment.number},
        )
    return amendment


@transaction.atomic
def amendment_delete(*, amendment: Amendment, user: User) -> None:
    """Abandon an avenant still in preparation: nobody else has seen it, it is deleted (once sent, see
    ``amendment_abandon``)."""
    locked = _locked_convention(amendment.convention)
    amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
    if amendment.status != AmendmentStatus.DRAFT:
        message = _(
            "Action impossible : l'avenant est « %(status)s », seul un avenant en préparation peut être supprimé."
        )
        if AMENDMENT_WORKFLOW.allows("abandon", amendment.status):
            message += " " + _("Abandonnez-le en indiquant un motif : il restera dans l'historique.")
        raise TransitionError(message % {"status": amendment.get_status_display()})
    require(perms.can_edit_amendment(user, amendment), perms.ABANDON_REFUSAL)
    number = amendment.number
    amendment.delete()
    record_event(
        actor=user,
        verb="amendment_abandoned",
        summary=_("Avenant n° %(n)s abandonné avant envoi") % {"n": number},
        obj=locked,
        structure_id=locked.structure_id,
        payload={"amendment": number},
    )


def _check_terms_still_open(convention, amendment):
    """A dotation approved since the avenant was prepared fixes that year's terms: refused, nothing written. The
    refusal says the way out: a draft is changed or abandoned; once sent, the avenant is abandoned with a reason."""
    terms = (amendment.changes or {}).get("terms")
    refusal = lock_refusal(convention, terms["from_year"]) if terms else ""
    if refusal:
        way_out = (
            _("Vous pouvez abandonner cet avenant ou le modifier.")
            if amendment.status == AmendmentStatus.DRAFT
            else _(
                "Vous pouvez abandonner cet avenant en indiquant un motif (il ne changera rien à la convention), "
                "puis en préparer un autre."
            )
        )
        raise TransitionError(f"{refusal} {way_out}")


def _move(amendment, name):
    return AMENDMENT_WORKFLOW.apply(amendment, name)


def _locked_amendment(amendment):
    locked_convention = _locked_convention(amendment.convention)
    locked = Amendment.objects.select_for_update().get(pk=amendment.pk)
    locked.convention = locked_convention
    return locked_convention, locked


@transaction.atomic
def amendment_send(*, amendment: Amendment, user: User) -> Amendment:
    convention, locked = _locked_amendment(amendment)
    AMENDMENT_WORKFLOW.check("send", locked.status)
    require(perms.can_send_amendment(user, locked), _("Seul un agent de la CNAM peut envoyer un avenant."))
    if convention.status != ConventionStatus.ACTIVE:
        raise TransitionError(_("La convention n'est plus en vigueur : l'avenant ne peut pas être envoyé."))
    _check_terms_still_open(convention, locked)
    from_state = _move(locked, "send")
    locked.save()
    _record(
        convention,
        user,
        "amendment_sent",
        locked,
        _("Avenant n° %(n)s envoyé à la structure") % {"n": locked.number},
        from_state,
    )
    notifications.amendment_sent(locked)
    return locked


@transaction.atomic
def amendment_abandon(*, amendment: Amendment, user: User, reason: str) -> Amendment:
    """A CNAM agent gives up an avenant sent to the structure or signed by it, with a reason the structure reads.
    It is kept (its number is not reused) and changes nothing: its changes are never applied."""
    convention, locked = _locked_amendment(amendment)
    AMENDMENT_WORKFLOW.check("abandon", locked.status, reason)
    require(perms.can_abandon_amendment(user, locked), perms.ABANDON_REFUSAL)
    reason = reason.strip()
    from_state = AMENDMENT_WORKFLOW.apply(locked, "abandon", reason)
    locked.abandoned_at = timezone.now()
    locked.abandon_reason = reason
    locked.save()
    _record(
        convention,
        user,
        "amendment_abandoned",
        locked,
        _("Avenant n° %(n)s abandonné par l'assurance maladie : il ne change rien à la convention")
        % {"n": locked.number},
        from_state,
        reason=reason,
    )
    notifications.amendment_abandoned(locked)
    return locked


@transaction.atomic
def amendment_sign_structure(
    *, amendment: Amendment, user: User, signatory_name: str, signatory_capacity: str, consent: bool
) -> Amendment:
    convention, locked = _locked_amendment(amendment)
    AMENDMENT_WORKFLOW.check("sign_structure", locked.status)
    require(
        perms.can_sign_amendment_structure(user, locked),
        _("Seul un gestionnaire de la structure peut signer pour elle."),
    )
    if not consent:
        raise TransitionError(_("Cochez la case par laquelle vous acceptez les termes de l'avenant pour le signer."))
    if not signatory_name.strip() or not signatory_capacity.strip():
        raise TransitionError(_("Indiquez le nom et la qualité du signataire."))
    from_state = _move(locked, "sign_structure")
    locked.structure_signatory_name = signatory_name.strip()[:200]
    locked.structure_signatory_capacity = signatory_capacity.strip()[:200]
    locked.structure_signed_by = user
    locked.structure_signed_at = timezone.now()
    locked.save()
    _record(
        convention,
        user,
        "amendment_signed_by_structure",
        locked,
        _("Avenant n° %(n)s signé pour la structure par %(name)s")
        % {"n": locked.number, "name": locked.structure_signatory_name},
        from_state,
    )
    notifications.amendment_signed_by_structure(locked)
    return locked


def _snapshot_line(line):
    return {
        "indicator": line.indicator.code,
        "objective": line.objective.title if line.objective_id else "",
        "baseline": _text(line.baseline),
        "points": _text(line.points),
        "targets": {str(t.year): _text(t.value) for t in line.targets.all()},
    }


def apply_changes(convention, changes: dict) -> dict:
    """Apply ``changes`` to the locked convention; returns ``before`` (what they replaced)."""
    lines = {
        line.indicator.code: line
        for line in convention.indicators.select_related("indicator", "objective").prefetch_related("targets")
    }
    before = {}
    if "end_date" in changes:
        new_end = datetime.date.fromisoformat(changes["end_date"])
        before["end_date"] = convention.end_date.isoformat()
        before["dropped_targets"] = {
            f"{line.indicator.code}|{t.year}": _text(t.value)
            for line in lines.values()
            for t in line.targets.all()
            if t.year > new_end.year
        }
        convention.duration_years = duration_for(convention.start_date, new_end)
        convention.end_date = new_end
        Target.objects.filter(convention_indicator__convention=convention, year__gt=new_end.year).delete()
    if changes.get("remove"):
        before["removed"] = [_snapshot_line(lines[code]) for code in changes["remove"]]
        for code in changes["remove"]:
            line = lines.pop(code)
            line.targets.all().delete()
            if line.indicator.is_activity:
                line.objective, line.baseline, line.points = None, None, Decimal("0")
                line.save()
            else:
                line.delete()
    if changes.get("targets"):
        before["targets"] = {}
        for change in changes["targets"]:
            line = lines[change["indicator"]]
            current = {t.year: t.value for t in line.targets.all()}.get(change["year"])
            before["targets"][f"{change['indicator']}|{change['year']}"] = _text(current)
            Target.objects.update_or_create(
                convention_indicator=line, year=change["year"], defaults={"value": Decimal(change["value"])}
            )
    for item in changes.get("add", []):
        indicator = Indicator.objects.get(code=item["indicator"])
        line = lines.get(item["indicator"]) or ConventionIndicator(convention=convention, indicator=indicator)
        line.objective = Objective.objects.get(pk=item["objective"], convention=convention)
        line.baseline = _dec(item["baseline"])
        line.points = _dec(item["points"]) or Decimal("0")
        line.save()
        line.targets.all().delete()
        Target.objects.bulk_create(
            [
                Target(convention_indicator=line, year=int(year), value=Decimal(value))
                for year, value in item["targets"].items()
            ]
        )
    if "terms" in changes:
        new = changes["terms"]
        before["terms"] = list(convention.amended_terms)
        convention.amended_terms = with_terms_from(
            convention.amended_terms,
            new["from_year"],
            YearTerms(Decimal(new["advance_share"]), new["advance_due"], new["balance_due"]),
        )
    convention.version += 1
    convention.full_clean()
    convention.save()
    return before


@transaction.atomic
def amendment_sign_cnam(
    *, amendment: Amendment, user: User, signatory_name: str, signatory_capacity: str
) -> Amendment:
    """The second signature, recorded like the convention's (name and capacity): the avenant takes effect."""
    convention, locked = _locked_amendment(amendment)
    AMENDMENT_WORKFLOW.check("sign_cnam", locked.status)
    four_eyes = perms.four_eyes_refusal(user, locked, "amendment")
    require(not four_eyes, four_eyes)
    require(
        perms.can_sign_amendment_cnam(user, locked),
        _("Seul un agent de la CNAM peut signer pour l'assurance maladie."),
    )
    if not signatory_name.strip() or not signatory_capacity.strip():
        raise TransitionError(_("Indiquez le nom et la qualité du signataire."))
    if convention.status != ConventionStatus.ACTIVE:
        raise TransitionError(_("La convention n'est plus en vigueur : l'avenant ne peut pas prendre effet."))
    _check_terms_still_open(convention, locked)
    from_state = _move(locked, "sign_cnam")
    locked.before = apply_changes(convention, locked.changes)
    locked.cnam_signatory_name = signatory_name.strip()[:200]
    locked.cnam_signatory_capacity = signatory_capacity.strip()[:200]
    locked.cnam_signed_by = user
    locked.cnam_signed_at = timezone.now()
    locked.save()
    _record(
        convention,
        user,
        "amendment_active",
        locked,
        _("Avenant n° %(n)s signé pour l'assurance maladie par %(name)s (%(capacity)s) : il s'applique")
        % {"n": locked.number, "name": locked.cnam_signatory_name, "capacity": locked.cnam_signatory_capacity},
        from_state,
        payload={"changes": locked.changes},
    )
    notifications.amendment_active(locked)
    queue_signed_pdf(locked.convention, _("avenant n° %(number)s") % {"number": locked.number})
    return locked
