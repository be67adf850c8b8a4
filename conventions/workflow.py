"""The convention and amendment workflows: one table of transitions each (design.md §4), on the core's
mechanism. The actor column says who moves the dossier; ``perms`` checks the actor (and the four eyes),
these tables the states."""

from django.utils.translation import gettext_lazy as _

from secpa_portal.accounts.enums import Role
from secpa_portal.core.workflow import SYSTEM, Transition, TransitionError, Workflow

from .enums import AmendmentStatus as A
from .enums import ConventionStatus as C

__all__ = [
    "AMENDMENT_TRANSITIONS",
    "AMENDMENT_WORKFLOW",
    "CONVENTION_TRANSITIONS",
    "CONVENTION_WORKFLOW",
    "SYSTEM",
    "Transition",
    "TransitionError",
]

CONVENTION_WORKFLOW = Workflow(
    subject=_("la convention"),
    states=C,
    transitions=[
        Transition("send", _("Envoyer à la structure"), frozenset({C.DRAFT}), C.SENT, Role.CNAM_AGENT),
        Transition(
            "recall",
            _("Reprendre en préparation"),
            frozenset({C.SENT, C.SIGNED_BY_STRUCTURE}),
            C.DRAFT,
            Role.CNAM_AGENT,
            reason_required=True,
        ),
        Transition(
            "sign_structure", _("Signer pour la structure"), frozenset({C.SENT}), C.SIGNED_BY_STRUCTURE, Role.MANAGER
        ),
        # The CNAM signatory is never the agent who prepared the convention (four eyes, perms.four_eyes_refusal).
        Transition(
            "sign_cnam",
            _("Signer pour l'assurance maladie"),
            frozenset({C.SIGNED_BY_STRUCTURE}),
            C.ACTIVE,
            Role.CNAM_AGENT,
        ),
        Transition(
            "terminate",
            _("Résilier la convention"),
            frozenset({C.SENT, C.SIGNED_BY_STRUCTURE, C.ACTIVE}),
            C.TERMINATED,
            Role.CNAM_AGENT,
            reason_required=True,
        ),
        Transition("end", _("Constater l'échéance"), frozenset({C.ACTIVE}), C.ENDED, SYSTEM),
    ],
)

AMENDMENT_WORKFLOW = Workflow(
    subject=_("l'avenant"),
    states=A,
    transitions=[
        Transition("send", _("Envoyer l'avenant à la structure"), frozenset({A.DRAFT}), A.SENT, Role.CNAM_AGENT),
        Transition(
            "sign_structure",
            _("Signer l'avenant pour la structure"),
            frozenset({A.SENT}),
            A.SIGNED_BY_STRUCTURE,
            Role.MANAGER,
        ),
        Transition(
            "sign_cnam",
            _("Signer l'avenant pour l'assurance maladie"),
            frozenset({A.SIGNED_BY_STRUCTURE}),
            A.ACTIVE,
            Role.CNAM_AGENT,
        ),
        # Once the structure has it, an avenant the assurance maladie will not sign (e.g. its payment terms touch a
        # year whose dotation was approved meanwhile) is abandoned with a reason: kept, it changes nothing. A draft
        # is not abandoned through this table: nobody else has seen it, ``services.amendment_delete`` deletes it.
        Transition(
            "abandon",
            _("Abandonner l'avenant"),
            frozenset({A.SENT, A.SIGNED_BY_STRUCTURE}),
            A.ABANDONED,
            Role.CNAM_AGENT,
            reason_required=True,
        ),
    ],
)

CONVENTION_TRANSITIONS = CONVENTION_WORKFLOW.transitions
AMENDMENT_TRANSITIONS = AMENDMENT_WORKFLOW.transitions
