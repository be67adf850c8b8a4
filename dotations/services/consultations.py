"""The consultation on a campaign's draft barème (issue 13 §3, docs/consultation.md): prepare, submit, opinions
of the ARS and the HAS, comments of the managers, closure by the CNAM or at the deadline.

Every write locks the consultation row, checks the transitions table and the actor, journals and e-mails on
commit (``consultation_notifications``)."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from secpa_portal.accounts.models import User
from secpa_portal.core.errors import ActionRefused, ConflictError
from secpa_portal.core.formats import date_fr
from secpa_portal.core.services import check_version, lock, require, require_reason
from secpa_portal.journal.services import record_event
from structures.models import Structure

from .. import bareme as bareme_module
from .. import consultation_notifications as notifications
from .. import engine
from ..consultation_workflow import CONSULTATION_WORKFLOW
from ..enums import ConsultationStatus, Verdict
from ..models import Campaign, Consultation, ConsultationComment, ConsultationOpinion
from ..perms import consultations as perms

TEXT_MAX = 5000
STALE = _(
    "Cette consultation a été modifiée par une autre personne depuis que vous l'avez ouverte. Vos changements "
    "n'ont pas été enregistrés : rechargez la page pour voir la version actuelle."
)


def day_fr(value: datetime.date) -> str:
    return date_fr(value)  # « 1er mars 2027 » (secpa_portal/core/formats.py)


def _check_deadline(deadline, today):
    if deadline is None:
        raise ActionRefused(_("Indiquez la date limite des avis."))
    if deadline < today:
        raise ActionRefused(_("La date limite des avis ne peut pas être passée."))


@transaction.atomic
def consultation_prepare(
    *, campaign: Campaign, user: User, deadline: datetime.date, message: str = "", expected_version=None
) -> Consultation:
    """Create (or edit, while in preparation) the consultation on the campaign's draft barème."""
    locked_campaign = lock(campaign)
    require(perms.can_prepare(user, locked_campaign), perms.ACTOR_REFUSALS["prepare"])
    _check_deadline(deadline, timezone.localdate())
    message = (message or "").strip()[:TEXT_MAX]
    consultation = Consultation.objects.select_for_update().filter(campaign=locked_campaign).first()
    if consultation is None:
        try:
            with transaction.atomic():
                consultation = Consultation.objects.create(
                    campaign=locked_campaign, deadline=deadline, message=message, created_by=user
                )
        except IntegrityError as exc:  # pragma: no cover - the campaign row lock serialises creations
            raise ConflictError(_(STALE)) from exc
        verb, summary = (
            "consultation_prepared",
            _("Consultation sur le barème %(year)s préparée (avis jusqu'au %(day)s)"),
        )
    else:
        check_version(consultation, expected_version, STALE)
        consultation.deadline, consultation.message = deadline, message
        consultation.version += 1
        consultation.save(update_fields=["deadline", "message", "version"])
        verb, summary = (
            "consultation_updated",
            _("Consultation sur le barème %(year)s modifiée (avis jusqu'au %(day)s)"),
        )
    record_event(
        actor=user,
        verb=verb,
        summary=summary % {"year": locked_campaign.year, "day": day_fr(deadline)},
        obj=consultation,
        internal=True,
    )
    return consultation


@transaction.atomic
def consultation_open(*, consultation: Consultation, user: User, expected_version=None) -> Consultation:
    """draft → open: the barème as it stands is submitted (kept on the consultation) and frozen until closure."""
    locked = lock(consultation, related=("campaign",))
    CONSULTATION_WORKFLOW.check("open", locked.status)
    require(perms.can_open(user, locked), perms.ACTOR_REFUSALS["open"])
    check_version(locked, expected_version, STALE)
    _check_deadline(locked.deadline, timezone.localdate())
    campaign = locked.campaign
    if not campaign.components.exists():
        raise ActionRefused(_("Le barème ne contient aucune composante : complétez-le avant de le soumettre."))
    errors = engine.validate_bareme(bareme_module.load(campaign))
    if errors:
        raise ActionRefused(_("Barème incohérent : ") + " ".join(errors))
    from_state = CONSULTATION_WORKFLOW.apply(locked, "open")
    locked.bareme = bareme_module.as_json(campaign)
    locked.opened_by, locked.opened_at = user, timezone.now()
    locked.save()
    CONSULTATION_WORKFLOW.record(
        locked,
        actor=user,
        verb="consultation_opened",
        summary=_("Barème %(year)s soumis à consultation : avis attendus jusqu'au %(day)s")
        % {"year": campaign.year, "day": day_fr(locked.deadline)},
        from_state=from_state,
        payload={"components": len(locked.bareme["components"]), "deadline": locked.deadline.isoformat()},
    )
    notifications.consultation_opened(locked)
    consultation.status, consultation.version = locked.status, locked.version
    return locked


def _closed(locked, *, name: str, user, reason: str = "") -> Consultation:
    from_state = CONSULTATION_WORKFLOW.apply(locked, name, reason)
    locked.closed_by, locked.closed_at = user, timezone.now()
    locked.save()
    if user is None:
        summary = _("Consultation sur le barème %(year)s close à sa date limite (%(day)s)")
    else:
        summary = _("Consultation sur le barème %(year)s close avant sa date limite (%(day)s)")
    CONSULTATION_WORKFLOW.record(
        locked,
        actor=user,
        verb="consultation_closed",
        summary=summary % {"year": locked.campaign.year, "day": day_fr(locked.deadline)},
        from_state=from_state,
        reason=reason,
        payload={"opinions": locked.opinions.count(), "comments": locked.comments.count()},
    )
    notifications.consultation_closed(locked)
    return locked


@transaction.atomic
def consultation_close(*, consultation: Consultation, user: User, reason: str) -> Consultation:
    """open → closed by a CNAM agent before the deadline, with a written reason."""
    locked = lock(consultation, related=("campaign",))
    CONSULTATION_WORKFLOW.check("close", locked.status, reason)
    require(perms.can_close(user, locked), perms.ACTOR_REFUSALS["close"])
    locked = _closed(locked, name="close", user=user, reason=require_reason(reason))
    consultation.status, consultation.version = locked.status, locked.version
    return locked


def expire_if_due(locked: Consultation, today: datetime.date) -> bool:
    """Close a locked open consultation whose deadline has passed (the system's move); True when it did."""
    if locked.status != ConsultationStatus.OPEN or locked.deadline >= today:
        return False
    _closed(locked, name="expire", user=None)
    return True


def consultations_close_expired(*, today: datetime.date | None = None) -> list[int]:
    """Close every open consultation whose deadline has passed (daily job); returns their campaign years."""
    today = today or timezone.localdate()
    closed = []
    for pk in Consultation.objects.due_to_close(today).values_list("pk", flat=True):
        with transaction.atomic():
            locked = Consultation.objects.select_for_update().select_related("campaign").get(pk=pk)
            if expire_if_due(locked, today):
                closed.append(locked.campaign.year)
    return closed


def _submitted_codes(consultation) -> set[str]:
    return {c["code"] for c in (consultation.bareme or {}).get("components", [])}


def _text(value, label) -> str:
    value = (value or "").strip()
    if len(value) > TEXT_MAX:
        raise ActionRefused(_("%(label)s : %(max)s caractères au plus.") % {"label": label, "max": TEXT_MAX})
    return value


@transaction.atomic
def opinion_give(
    *,
    consultation: Consultation,
    user: User,
    verdict: str,
    comment: str = "",
    remarks: dict | None = None,
    today: datetime.date | None = None,
) -> ConsultationOpinion:
    """The opinion of the user's ARS (or of the HAS): given, or revised until the deadline by an agent of the same
    body. Reservations and unfavourable opinions must say why."""
    locked = lock(consultation, related=("campaign",))
    today = today or timezone.localdate()
    require(perms.can_give_opinion(user, locked, today), perms.ACTOR_REFUSALS["opinion"])
    if verdict not in Verdict.values:
        raise ActionRefused(_("Choisissez un avis : favorable, favorable avec réserves ou défavorable."))
    comment = _text(comment, _("Commentaire"))
    if verdict != Verdict.FAVOURABLE and not comment:
        raise ActionRefused(_("Un avis avec réserves ou défavorable doit être motivé : écrivez un commentaire."))
    codes = _submitted_codes(locked)
    remarks = {
        code: _text(text, _("Remarque"))
        for code, text in (remarks or {}).items()
        if code in codes and (text or "").strip()
    }
    region_id = user.region_id if user.is_ars_agent else None
    opinion = ConsultationOpinion.objects.filter(consultation=locked, region_id=region_id).first()
    revised = opinion is not None
    if opinion is None:
        opinion = ConsultationOpinion(consultation=locked, region_id=region_id)
    opinion.author, opinion.verdict, opinion.comment, opinion.remarks = user, verdict, comment, remarks
    opinion.full_clean(validate_unique=False, validate_constraints=False)
    opinion.save()
    record_event(
        actor=user,
        verb="consultation_opinion_revised" if revised else "consultation_opinion_given",
        summary=_("%(body)s : avis %(verdict)s sur le barème %(year)s")
        % {"body": opinion.body, "verdict": Verdict(verdict).label.lower(), "year": locked.campaign.year},
        obj=locked,
        reason=comment,
        payload={"verdict": verdict, "region": region_id, "remarks": sorted(remarks)},
        internal=True,
    )
    notifications.consultation_opinion_given(opinion)
    return opinion


@transaction.atomic
def comment_post(
    *,
    consultation: Consultation,
    user: User,
    structure: Structure,
    text: str,
    component_code: str = "",
    today: datetime.date | None = None,
) -> ConsultationComment:
    """A manager's comment on the submitted barème, for one of their structures."""
    locked = lock(consultation, related=("campaign",))
    today = today or timezone.localdate()
    require(perms.can_comment(user, locked, today), perms.ACTOR_REFUSALS["comment"])
    if not structure.memberships.filter(user=user).exists():
        raise ActionRefused(_("Vous ne pouvez commenter qu'au nom d'une structure que vous gérez."))
    text = _text(text, _("Commentaire"))
    if not text:
        raise ActionRefused(_("Écrivez votre commentaire."))
    if component_code and component_code not in _submitted_codes(locked):
        raise ActionRefused(_("Cette composante ne fait pas partie du barème soumis."))
    comment = ConsultationComment.objects.create(
        consultation=locked, author=user, structure=structure, component_code=component_code, text=text
    )
    record_event(
        actor=user,
        verb="consultation_commented",
        summary=_("%(structure)s commente le barème %(year)s")
        % {"structure": structure.name, "year": locked.campaign.year},
        obj=locked,
        structure_id=structure.pk,
        reason=text,
        internal=True,
    )
    return comment
