"""The campaign and dotation workflows: one table of transitions each (design.md §4), on the core's mechanism.
The actor column says who moves them; ``perms`` checks the actor (and the four eyes), these tables the states."""

from django.utils.translation import gettext_lazy as _

from secpa_portal.accounts.enums import Role
from secpa_portal.core.workflow import Transition, TransitionError, Workflow

from .enums import CampaignStatus as C
from .enums import DotationStatus as D

__all__ = [
    "CAMPAIGN_TRANSITIONS",
    "CAMPAIGN_WORKFLOW",
    "DOTATION_TRANSITIONS",
    "DOTATION_WORKFLOW",
    "Transition",
    "TransitionError",
]

CAMPAIGN_WORKFLOW = Workflow(
    subject=_("la campagne"),
    states=C,
    transitions=[
        Transition("open", _("Ouvrir la campagne"), frozenset({C.DRAFT}), C.OPEN, Role.CNAM_AGENT),
        Transition("close", _("Clore la campagne"), frozenset({C.OPEN}), C.CLOSED, Role.CNAM_AGENT),
    ],
)

DOTATION_WORKFLOW = Workflow(
    subject=_("la dotation"),
    states=D,
    transitions=[
        Transition("propose", _("Proposer la dotation"), frozenset({D.COMPUTED}), D.PROPOSED, Role.CNAM_AGENT),
        # Approved by a CNAM agent other than the one who prepared it (four eyes, perms.approval_refusal).
        Transition("approve", _("Approuver la dotation"), frozenset({D.PROPOSED}), D.APPROVED, Role.CNAM_AGENT),
        Transition(
            "return",
            _("Retourner la dotation"),
            frozenset({D.PROPOSED}),
            D.COMPUTED,
            Role.CNAM_AGENT,
            reason_required=True,
        ),
    ],
)

CAMPAIGN_TRANSITIONS = CAMPAIGN_WORKFLOW.transitions
DOTATION_TRANSITIONS = DOTATION_WORKFLOW.transitions
