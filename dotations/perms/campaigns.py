"""Who may do what on a campaign. Templates and services ask the same predicates."""

from django.utils.translation import gettext as _

from ..enums import CampaignStatus, ConsultationStatus
from ..workflow import CAMPAIGN_WORKFLOW


def can_view_campaigns(user) -> bool:
    """Campaign pages (envelope, barème, totals per region) are for ARS and CNAM staff."""
    return user.is_authenticated and (user.sees_national or user.is_ars_agent)


def can_manage_campaigns(user) -> bool:
    """CNAM agents create campaigns and set their envelope (design.md §3)."""
    return user.is_authenticated and user.is_cnam_agent


def can_edit_campaign(user, campaign) -> bool:
    """A CNAM agent, while the campaign is not closed (envelope and dates)."""
    return can_manage_campaigns(user) and campaign.status != CampaignStatus.CLOSED


def consultation_in_progress(campaign):
    """The campaign's consultation on its barème while it takes opinions (the barème is frozen meanwhile)."""
    consultation = getattr(campaign, "consultation", None)
    return consultation if consultation is not None and consultation.status == ConsultationStatus.OPEN else None


def can_edit_bareme(user, campaign) -> bool:
    """A CNAM agent, while the campaign is in preparation and its barème not under consultation: opening the
    campaign freezes the barème, and so does a consultation while it is open."""
    return (
        can_manage_campaigns(user)
        and campaign.status == CampaignStatus.DRAFT
        and consultation_in_progress(campaign) is None
    )


def bareme_refusal(campaign) -> str:
    """Why the barème cannot be edited now, in French."""
    if campaign.status == CampaignStatus.DRAFT and consultation_in_progress(campaign) is not None:
        return _("Le barème est soumis à consultation : il ne peut pas changer avant la clôture de la consultation.")
    return _("Le barème est figé : la campagne n'est plus en préparation.")


def can_open(user, campaign) -> bool:
    """A CNAM agent opens a campaign in preparation."""
    return can_manage_campaigns(user) and CAMPAIGN_WORKFLOW.allows("open", campaign.status)


def can_close(user, campaign) -> bool:
    """A CNAM agent closes an open campaign."""
    return can_manage_campaigns(user) and CAMPAIGN_WORKFLOW.allows("close", campaign.status)


def can_compute(user, campaign) -> bool:
    """A CNAM agent computes an open campaign (again and again until each dotation is approved)."""
    return can_manage_campaigns(user) and campaign.status == CampaignStatus.OPEN


def can_fit(user, campaign) -> bool:
    """A CNAM agent fits an open campaign to its envelope."""
    return can_manage_campaigns(user) and campaign.status == CampaignStatus.OPEN
