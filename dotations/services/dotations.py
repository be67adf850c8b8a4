"""The dotation workflow: propose (with an optional adjustment), approve (four-eyes, within the envelopes),
return with a reason, and the ARS opinion (design.md §4).

Lock order, always: the campaign row, then the dotation row (then, in the payment receivers, its payments).
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from secpa_portal.accounts.models import User
from secpa_portal.core.errors import ActionRefused
from secpa_portal.core.formats import euros
from secpa_portal.core.services import check_version, lock
from secpa_portal.journal.services import record_event

from .. import notifications
from ..enums import DotationStatus
from ..models import Campaign, Dotation, DotationOpinion, RegionalEnvelope
from ..perms import dotations as perms
from ..signals import dotation_approved
from ..workflow import DOTATION_WORKFLOW

ZERO = Decimal("0")
CENT = Decimal("0.01")


STALE = (
    "Cette dotation a été modifiée par une autre personne depuis que vous l'avez ouverte. "
    "Rien n'a été enregistré : rechargez la page pour voir son état actuel."
)


def _locked(dotation: Dotation) -> Dotation:
    return lock(dotation, related=("campaign",))


@transaction.atomic
def dotation_propose(
    *, dotation: Dotation, user: User, adjustment: Decimal = ZERO, reason: str = "", expected_version=None
) -> Dotation:
    """computed → proposed; an adjustment (positive or negative) needs a written reason."""
    locked = _locked(dotation)
    DOTATION_WORKFLOW.check("propose", locked.status)
    if locked.errors:
        raise ActionRefused(
            _("Cette dotation n'a pas pu être calculée (données manquantes) : elle ne peut être proposée.")
        )
    if not perms.can_propose(user, locked):
        raise ActionRefused(_("Seul un agent de la CNAM peut proposer une dotation d'une campagne ouverte."))
    check_version(locked, expected_version, _(STALE))
    try:
        adjustment = Decimal(adjustment or 0).quantize(CENT)
    except InvalidOperation as exc:
        raise ActionRefused(_("L'ajustement doit être un montant en euros.")) from exc
    reason = (reason or "").strip()
    if adjustment and not reason:
        raise ActionRefused(_("Un motif écrit est obligatoire pour ajuster le montant calculé."))
    if locked.computed_total + adjustment < 0:
        raise ActionRefused(_("L'ajustement ne peut pas rendre la dotation négative."))
    before = DOTATION_WORKFLOW.apply(locked, "propose")
    locked.adjustment = adjustment
    locked.adjustment_reason = reason if adjustment else ""
    locked.total = locked.computed_total + adjustment
    locked.prepared_by = user
    locked.proposed_at = timezone.now()
    locked.return_reason = ""
    locked.save()
    DOTATION_WORKFLOW.record(
        locked,
        actor=user,
        verb="dotation_proposed",
        summary=_("Dotation proposée : %(amount)s") % {"amount": euros(locked.total)},
        obj=locked,
        structure_id=locked.structure_id,
        from_state=before,
        reason=locked.adjustment_reason,
        amount=locked.total,
        payload={"computed_total": str(locked.computed_total), "adjustment": str(adjustment)},
        internal=True,
    )
    return locked


def _check_envelopes(campaign, locked):
    approved = Dotation.objects.filter(campaign=campaign, status=DotationStatus.APPROVED)
    national = approved.aggregate(total=Sum("total"))["total"] or ZERO
    if national + locked.total > campaign.envelope:
        raise ActionRefused(
            _(
                "Approbation refusée : elle dépasserait l'enveloppe nationale %(year)s. "
                "Disponible : %(available)s ; dotation : %(amount)s."
            )
            % {
                "year": campaign.year,
                "available": euros(campaign.envelope - national),
                "amount": euros(locked.total),
            }
        )
    regional = RegionalEnvelope.objects.filter(campaign=campaign, region_id=locked.region_id).first()
    if regional is not None:
        in_region = approved.filter(region_id=locked.region_id).aggregate(total=Sum("total"))["total"] or ZERO
        if in_region + locked.total > regional.amount:
            raise ActionRefused(
                _(
                    "Approbation refusée : elle dépasserait l'enveloppe régionale. "
                    "Disponible pour la région : %(available)s ; dotation : %(amount)s."
                )
                % {"available": euros(regional.amount - in_region), "amount": euros(locked.total)}
            )


@transaction.atomic
def dotation_approve(*, dotation: Dotation, user: User, expected_version=None) -> Dotation:
    """proposed → approved, by a CNAM agent other than the preparer, within the national and regional
    envelopes (checked under a lock on the campaign row, so concurrent approvals cannot overshoot)."""
    campaign = Campaign.objects.select_for_update().get(pk=dotation.campaign_id)
    locked = _locked(dotation)
    DOTATION_WORKFLOW.check("approve", locked.status)
    refusal = perms.approval_refusal(user, locked)
    if refusal:
        raise ActionRefused(refusal)
    check_version(locked, expected_version, _(STALE))
    _check_envelopes(campaign, locked)
    before = DOTATION_WORKFLOW.apply(locked, "approve")
    locked.approved_by = user
    locked.approved_at = timezone.now()
    locked.validate_constraints()
    locked.save()
    DOTATION_WORKFLOW.record(
        locked,
        actor=user,
        verb="dotation_approved",
        summary=_("Dotation %(year)s approuvée : %(amount)s") % {"year": campaign.year, "amount": euros(locked.total)},
        obj=locked,
        structure_id=locked.structure_id,
        from_state=before,
        amount=locked.total,
    )
    dotation_approved.send(sender=Dotation, dotation=locked, user=user)
    notifications.notify_dotation_approved(locked)
    return locked


@transaction.atomic
def dotation_return(*, dotation: Dotation, user: User, reason: str, expected_version=None) -> Dotation:
    """proposed → computed, with a written reason; the adjustment is dropped."""
    locked = _locked(dotation)
    DOTATION_WORKFLOW.check("return", locked.status, reason)
    if not perms.can_return(user, locked):
        raise ActionRefused(_("Seul un agent de la CNAM peut retourner une dotation proposée."))
    check_version(locked, expected_version, _(STALE))
    before = DOTATION_WORKFLOW.apply(locked, "return", reason)
    locked.return_reason = reason.strip()
    locked.adjustment = ZERO
    locked.adjustment_reason = ""
    locked.total = locked.computed_total
    locked.proposed_at = None
    locked.save()
    DOTATION_WORKFLOW.record(
        locked,
        actor=user,
        verb="dotation_returned",
        summary=_("Dotation retournée pour reprise du calcul"),
        obj=locked,
        structure_id=locked.structure_id,
        from_state=before,
        reason=locked.return_reason,
        internal=True,
    )
    return locked


@transaction.atomic
def dotation_give_opinion(*, dotation: Dotation, user: User, favourable: bool, comment: str = "") -> DotationOpinion:
    """The ARS agent of the region gives an opinion on a proposed dotation; an unfavourable one needs a comment."""
    locked = _locked(dotation)
    if not perms.can_give_opinion(user, locked):
        raise ActionRefused(
            _("Seul un agent de l'ARS de la région peut donner un avis, et seulement sur une dotation proposée.")
        )
    comment = (comment or "").strip()
    if not favourable and not comment:
        raise ActionRefused(_("Un commentaire est obligatoire pour un avis défavorable."))
    opinion = DotationOpinion(dotation=locked, author=user, favourable=favourable, comment=comment)
    opinion.full_clean()
    opinion.save()
    record_event(
        actor=user,
        verb="dotation_opinion",
        summary=_("Avis de l'ARS : %(opinion)s") % {"opinion": _("favorable") if favourable else _("défavorable")},
        obj=locked,
        structure_id=locked.structure_id,
        reason=comment,
        internal=True,
    )
    return opinion
