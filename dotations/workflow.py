"""The campaign and dotation workflows: one table of transitions each (design.md §4)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from secpa_portal.accounts.enums import Role
from secpa_portal.core.errors import DomainError

from .enums import CampaignStatus as C
from .enums import DotationStatus as D


class TransitionError(DomainError):
    """A refused move, with a French message the view shows as it is."""


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    target: str
    role: str
    reason_required: bool = False


CAMPAIGN_TRANSITIONS = {
    t.name: t
    for t in [
        Transition("open", _("Ouvrir la campagne"), frozenset({C.DRAFT}), C.OPEN, Role.CNAM_AGENT),
        Transition("close", _("Clore la campagne"), frozenset({C.OPEN}), C.CLOSED, Role.CNAM_AGENT),
    ]
}

DOTATION_TRANSITIONS = {
    t.name: t
    for t in [
        Transition("propose", _("Proposer la dotation"), frozenset({D.COMPUTED}), D.PROPOSED, Role.CNAM_AGENT),
        Transition("approve", _("Approuver la dotation"), frozenset({D.PROPOSED}), D.APPROVED, Role.CNAM_AGENT),
        Transition(
            "return",
            _("Retourner la dotation"),
            frozenset({D.PROPOSED}),
            D.COMPUTED,
            Role.CNAM_AGENT,
            reason_required=True,
        ),
    ]
}


def _check(table, labels, subject, name: str, current_status: str, reason: str = "") -> Transition:
    transition = table[name]
    if current_status not in transition.sources:
        raise TransitionError(
            _(
                "Action impossible : %(subject)s est « %(status)s », "
                "l'action « %(action)s » n'est pas permise à ce stade."
            )
            % {"subject": subject, "status": labels(current_status).label, "action": transition.label}
        )
    if transition.reason_required and not (reason or "").strip():
        raise TransitionError(
            _("Un motif écrit est obligatoire pour l'action « %(action)s ».") % {"action": transition.label}
        )
    return transition


def check_campaign_transition(name: str, current_status: str) -> Transition:
    return _check(CAMPAIGN_TRANSITIONS, C, _("la campagne"), name, current_status)


def check_dotation_transition(name: str, current_status: str, reason: str = "") -> Transition:
    return _check(DOTATION_TRANSITIONS, D, _("la dotation"), name, current_status, reason)
