"""Who may do what on a campaign. Templates and services ask the same predicates."""

from ..enums import CampaignStatus
from ..workflow import CAMPAIGN_WORKFLOW


def can_view_campaigns(user) -> bool:
    """Campaign pages (envelope, barème, totals per region) are for ARS and CNAM staff."""
    return user.is_authenticated and (user.is_cnam_agent or user.is_ars_agent)


def can_manage_campaigns(user) -> bool:
    """CNAM agents create campaigns and set their envelope (design.md §3)."""
    return user.is_authenticated and user.is_cnam_agent


def can_edit_campaign(user, campaign) -> bool:
    """A CNAM agent, while the campaign is not closed (envelope and dates)."""
    return can_manage_campaigns(user) and campaign.status != CampaignStatus.CLOSED


def can_edit_bareme(user, campaign) -> bool:
    """A CNAM agent, while the campaign is in preparation: opening it freezes the barème."""
    return can_manage_campaigns(user) and campaign.status == CampaignStatus.DRAFT


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
