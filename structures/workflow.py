"""The eligibility workflow of a structure's file: one table of transitions (design.md §4)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from secpa_portal.accounts.enums import Role
from secpa_portal.core.errors import DomainError

from .enums import StructureStatus as S


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


TRANSITIONS = {
    t.name: t
    for t in [
        Transition(
            "submit", _("Déposer le dossier"), frozenset({S.DRAFT, S.CHANGES_REQUESTED}), S.SUBMITTED, Role.MANAGER
        ),
        Transition("take", _("Prendre en charge"), frozenset({S.SUBMITTED}), S.IN_REVIEW, Role.ARS_AGENT),
        Transition("declare_eligible", _("Déclarer éligible"), frozenset({S.IN_REVIEW}), S.ELIGIBLE, Role.ARS_AGENT),
        Transition(
            "declare_ineligible",
            _("Déclarer non éligible"),
            frozenset({S.IN_REVIEW}),
            S.INELIGIBLE,
            Role.ARS_AGENT,
            reason_required=True,
        ),
        Transition(
            "request_changes",
            _("Demander des compléments"),
            frozenset({S.IN_REVIEW}),
            S.CHANGES_REQUESTED,
            Role.ARS_AGENT,
            reason_required=True,
        ),
        Transition(
            "withdraw",
            _("Retirer le dossier"),
            frozenset({S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED}),
            S.WITHDRAWN,
            Role.MANAGER,
        ),
        Transition(
            "reopen_withdrawn", _("Rouvrir le dossier retiré"), frozenset({S.WITHDRAWN}), S.DRAFT, Role.MANAGER
        ),
        Transition(
            "reopen",
            _("Rouvrir l'instruction"),
            frozenset({S.ELIGIBLE, S.INELIGIBLE}),
            S.IN_REVIEW,
            Role.ARS_AGENT,
            reason_required=True,
        ),
    ]
}


def check_transition(name: str, current_status: str, reason: str = "") -> Transition:
    transition = TRANSITIONS[name]
    if current_status not in transition.sources:
        raise TransitionError(
            _(
                "Action impossible : le dossier est « %(status)s », "
                "l'action « %(action)s » n'est pas permise à ce stade."
            )
            % {"status": S(current_status).label, "action": transition.label}
        )
    if transition.reason_required and not (reason or "").strip():
        raise TransitionError(
            _("Un motif écrit est obligatoire pour l'action « %(action)s ».") % {"action": transition.label}
        )
    return transition
