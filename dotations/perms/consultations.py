"""Who may do what on a consultation on the draft barème (issue 13 §3). Templates and services ask these."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..consultation_workflow import CONSULTATION_WORKFLOW
from ..enums import CampaignStatus

ACTOR_REFUSALS = {
    "prepare": _("Seul un agent de la CNAM prépare la consultation sur le barème d'une campagne en préparation."),
    "open": _("Seul un agent de la CNAM soumet le barème à consultation, avant l'ouverture de la campagne."),
    "close": _("Seul un agent de la CNAM clôt une consultation."),
    "opinion": _("Seuls les agents des ARS et de la HAS donnent un avis sur le barème, jusqu'à la date limite."),
    "comment": _("Seuls les gestionnaires de structure commentent le barème, jusqu'à la date limite."),
}


def _today(today):
    return today or timezone.localdate()


def can_prepare(user, campaign) -> bool:
    """A CNAM agent, while the campaign is in preparation and its consultation (if any) not yet submitted."""
    if not (user.is_authenticated and user.is_cnam_agent and campaign.status == CampaignStatus.DRAFT):
        return False
    consultation = getattr(campaign, "consultation", None)
    return consultation is None or CONSULTATION_WORKFLOW.allows("open", consultation.status)


def can_open(user, consultation) -> bool:
    """A CNAM agent submits a consultation in preparation, while its campaign is still in preparation."""
    return (
        user.is_authenticated
        and user.is_cnam_agent
        and consultation.campaign.status == CampaignStatus.DRAFT
        and CONSULTATION_WORKFLOW.allows("open", consultation.status)
    )


def can_close(user, consultation) -> bool:
    """A CNAM agent closes an open consultation before its deadline (with a reason)."""
    return user.is_authenticated and user.is_cnam_agent and CONSULTATION_WORKFLOW.allows("close", consultation.status)


def is_consulted_body(user) -> bool:
    """ARS agents (for their region) and HAS agents give the opinions."""
    return user.is_authenticated and ((user.is_ars_agent and bool(user.region_id)) or user.is_has_agent)


def can_give_opinion(user, consultation, today=None) -> bool:
    """An ARS agent (their ARS's opinion) or an HAS agent, while the consultation is open and not past its deadline."""
    return is_consulted_body(user) and consultation.accepts_opinions(_today(today))


def can_comment(user, consultation, today=None) -> bool:
    """A structure manager, while the consultation is open and not past its deadline."""
    return user.is_authenticated and user.is_manager and consultation.accepts_opinions(_today(today))


def can_see_everything(user) -> bool:
    """The CNAM and the national steering (pilotage, read only) see every consultation, even in preparation, every
    opinion and comment, and the projected effect on each structure; the others see their own opinion or
    comments, and the outcome once closed."""
    return user.is_authenticated and user.sees_national


def reads_only(user) -> bool:
    """The national steering reads every consultation and acts on none: its write pages answer a French 403."""
    return user.is_authenticated and user.is_pilotage


READ_ONLY_REFUSAL = _(
    "Le pilotage national consulte les consultations sur le barème sans y agir : l'assurance maladie les prépare, "
    "les soumet et les clôt, les ARS et la HAS donnent leur avis, les structures les commentent."
)
