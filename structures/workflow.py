"""The eligibility workflow of a structure's file: one table of transitions (design.md §4) on the core's
mechanism. The actor column says who moves the file; ``perms`` checks the actor, this table the states."""

from django.utils.translation import gettext_lazy as _

from secpa_portal.accounts.enums import Role
from secpa_portal.core.workflow import Transition, TransitionError, Workflow

from .enums import StructureStatus as S

__all__ = ["TRANSITIONS", "WORKFLOW", "Transition", "TransitionError"]

WORKFLOW = Workflow(
    subject=_("le dossier"),
    states=S,
    transitions=[
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
    ],
)

TRANSITIONS = WORKFLOW.transitions

# The manager edits the file in the states from which they may submit it (draft, sent back for changes).
EDITABLE_STATES = WORKFLOW["submit"].sources
