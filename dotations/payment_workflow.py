"""The payment workflow: one table of transitions (design.md §4: scheduled → paid | cancelled)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from secpa_portal.accounts.enums import Role
from secpa_portal.core.errors import DomainError

from .enums import PaymentStatus as P


class PaymentTransitionError(DomainError):
    """A refused move on a payment, with a French message the view shows as it is."""


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
        Transition("record", _("Enregistrer le versement"), frozenset({P.SCHEDULED}), P.PAID, Role.CNAM_AGENT),
        Transition(
            "cancel",
            _("Annuler le versement"),
            frozenset({P.SCHEDULED, P.PAID}),
            P.CANCELLED,
            Role.CNAM_AGENT,
            reason_required=True,
        ),
    ]
}


def check_transition(name: str, current_status: str, reason: str = "") -> Transition:
    transition = TRANSITIONS[name]
    if current_status not in transition.sources:
        raise PaymentTransitionError(
            _("Action impossible : le versement est « %(status)s », l'action « %(action)s » n'est pas permise.")
            % {"status": P(current_status).label, "action": transition.label}
        )
    if transition.reason_required and not (reason or "").strip():
        raise PaymentTransitionError(
            _("Un motif écrit est obligatoire pour l'action « %(action)s ».") % {"action": transition.label}
        )
    return transition
