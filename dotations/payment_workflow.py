"""The payment workflow: one table of transitions (design.md §4: scheduled → paid | cancelled), on the core's
mechanism."""

from django.utils.translation import gettext_lazy as _

from secpa_portal.accounts.enums import Role
from secpa_portal.core.workflow import Transition, TransitionError, Workflow

from .enums import PaymentStatus as P

__all__ = ["TRANSITIONS", "WORKFLOW", "PaymentTransitionError", "Transition"]

# Payments refuse with the core's error like every workflow; the old name stays for the callers that use it.
PaymentTransitionError = TransitionError

WORKFLOW = Workflow(
    subject=_("le versement"),
    states=P,
    transitions=[
        Transition("record", _("Enregistrer le versement"), frozenset({P.SCHEDULED}), P.PAID, Role.CNAM_AGENT),
        Transition(
            "cancel",
            _("Annuler le versement"),
            frozenset({P.SCHEDULED, P.PAID}),
            P.CANCELLED,
            Role.CNAM_AGENT,
            reason_required=True,
        ),
    ],
)

TRANSITIONS = WORKFLOW.transitions
