"""The convention and amendment workflows: one table of transitions each (design.md §4)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from secpa_portal.accounts.enums import Role
from secpa_portal.core.errors import DomainError

from .enums import AmendmentStatus as A
from .enums import ConventionStatus as C

SYSTEM = "system"


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


def _table(*transitions):
    return {t.name: t for t in transitions}


CONVENTION_TRANSITIONS = _table(
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
    # The CNAM signatory is never the agent who prepared the convention (four eyes, docs/conventions.md).
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
)

AMENDMENT_TRANSITIONS = _table(
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
)


def _check(table, status_enum, what, name, current_status, reason):
    transition = table[name]
    if current_status not in transition.sources:
        raise TransitionError(
            _("Action impossible : %(what)s est « %(status)s », l'action « %(action)s » n'est pas permise à ce stade.")
            % {"what": what, "status": status_enum(current_status).label, "action": transition.label}
        )
    if transition.reason_required and not (reason or "").strip():
        raise TransitionError(
            _("Un motif écrit est obligatoire pour l'action « %(action)s ».") % {"action": transition.label}
        )
    return transition


def check_convention_transition(name: str, current_status: str, reason: str = "") -> Transition:
    return _check(CONVENTION_TRANSITIONS, C, _("la convention"), name, current_status, reason)


def check_amendment_transition(name: str, current_status: str, reason: str = "") -> Transition:
    return _check(AMENDMENT_TRANSITIONS, A, _("l'avenant"), name, current_status, reason)
