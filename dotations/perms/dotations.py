"""Who may do what on a dotation. Templates and services ask the same predicates."""

from django.utils.translation import gettext as _

from ..enums import CampaignStatus, DotationStatus
from ..workflow import DOTATION_WORKFLOW
from .four_eyes import four_eyes_refusal


def _cnam_on_open_campaign(user, dotation) -> bool:
    return user.is_authenticated and user.is_cnam_agent and dotation.campaign.status == CampaignStatus.OPEN


def can_propose(user, dotation) -> bool:
    """A CNAM agent proposes a computed dotation whose computation found no anomaly."""
    return (
        _cnam_on_open_campaign(user, dotation)
        and DOTATION_WORKFLOW.allows("propose", dotation.status)
        and not dotation.errors
    )


def approval_refusal(user, dotation) -> str:
    """Why ``user`` may not approve ``dotation`` (empty when they may): four-eyes, state, role."""
    if not _cnam_on_open_campaign(user, dotation):
        return _("Seul un agent de la CNAM peut approuver une dotation d'une campagne ouverte.")
    if not DOTATION_WORKFLOW.allows("approve", dotation.status):
        return _("Seule une dotation proposée peut être approuvée.")
    return four_eyes_refusal(user, dotation.prepared_by_id, what=_("cette dotation"))


def can_approve(user, dotation) -> bool:
    """A CNAM agent other than the one who prepared (proposed or adjusted) it, on a proposed dotation."""
    return not approval_refusal(user, dotation)


def can_return(user, dotation) -> bool:
    """A CNAM agent sends a proposed dotation back to computed, with a reason."""
    return _cnam_on_open_campaign(user, dotation) and DOTATION_WORKFLOW.allows("return", dotation.status)


def can_give_opinion(user, dotation) -> bool:
    """An ARS agent of the dotation's region, on a proposed dotation."""
    return (
        user.is_authenticated
        and user.is_ars_agent
        and user.region_id == dotation.region_id
        and dotation.status == DotationStatus.PROPOSED
    )


def can_see_opinions(user) -> bool:
    """ARS opinions are internal to the ARS and the CNAM, never shown to the structure."""
    return user.is_authenticated and (user.is_cnam_agent or user.is_ars_agent)
