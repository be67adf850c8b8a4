"""The annual report workflow: one table of transitions (design.md §4) on the core's mechanism."""

from django.utils.translation import gettext_lazy as _

from secpa_portal.accounts.enums import Role
from secpa_portal.core.workflow import Transition, TransitionError, Workflow

from .enums import ReportStatus as R

__all__ = ["EDITABLE_STATES", "REPORT_TRANSITIONS", "REPORT_WORKFLOW", "TransitionError"]

REPORT_WORKFLOW = Workflow(
    subject=_("le rapport"),
    states=R,
    transitions=[
        Transition("submit", _("Déposer le rapport"), frozenset({R.DRAFT, R.RETURNED}), R.SUBMITTED, Role.MANAGER),
        Transition("validate", _("Valider le rapport"), frozenset({R.SUBMITTED}), R.VALIDATED, Role.ARS_AGENT),
        Transition(
            "return",
            _("Renvoyer le rapport pour compléments"),
            frozenset({R.SUBMITTED}),
            R.RETURNED,
            Role.ARS_AGENT,
            reason_required=True,
        ),
    ],
)

REPORT_TRANSITIONS = REPORT_WORKFLOW.transitions

# The manager fills the report in the states from which they may file it (draft, returned).
EDITABLE_STATES = REPORT_WORKFLOW["submit"].sources
