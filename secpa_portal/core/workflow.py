"""One workflow mechanism for every dossier (design.md §4).

A workflow is a table of transitions ``(name, label, sources, target, actor, reason_required)``. The table
answers "which states allow this" (``allows``), refuses a wrong move with a French ``TransitionError``
(``check``), and moves a locked row and writes its journal event (``apply`` + ``record``). The actor rules
(who may) live beside the table in each app's ``perms``; views and models ask the table, never re-type the
source states.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .errors import DomainError

SYSTEM = "system"


class TransitionError(DomainError):
    """A refused move, with a French message the view shows as it is."""


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    target: str
    actor: str
    reason_required: bool = False


class Workflow:
    """A table of transitions over one ``TextChoices`` of states.

    ``subject`` names the dossier in refusals (« le dossier », « la convention »…).
    """

    def __init__(self, *, subject: str, states: type[models.TextChoices], transitions: Iterable[Transition]):
        self.subject = subject
        self.states = states
        self.transitions = {t.name: t for t in transitions}

    def __getitem__(self, name: str) -> Transition:
        return self.transitions[name]

    def __iter__(self):
        return iter(self.transitions.values())

    def allows(self, name: str, state: str) -> bool:
        """Whether ``name`` may start from ``state`` (the actor is the perms' business)."""
        return state in self.transitions[name].sources

    def refusal(self, name: str, state: str, reason: str = "") -> str:
        """The French reason why ``name`` cannot apply now, or "" when it can."""
        transition = self.transitions[name]
        if state not in transition.sources:
            return _(
                "Action impossible : %(subject)s est « %(status)s », "
                "l'action « %(action)s » n'est pas permise à ce stade."
            ) % {"subject": self.subject, "status": self.states(state).label, "action": transition.label}
        if transition.reason_required and not (reason or "").strip():
            return _("Un motif écrit est obligatoire pour l'action « %(action)s ».") % {"action": transition.label}
        return ""

    def check(self, name: str, state: str, reason: str = "") -> Transition:
        message = self.refusal(name, state, reason)
        if message:
            raise TransitionError(message)
        return self.transitions[name]

    def apply(self, locked, name: str, reason: str = "", *, field: str = "status") -> str:
        """Check and move the locked row (not saved); returns the state it left.

        Bumps ``version`` and ``status_changed_at`` when the model has them.
        """
        from_state = getattr(locked, field)
        transition = self.check(name, from_state, reason)
        setattr(locked, field, transition.target)
        if hasattr(locked, "status_changed_at"):
            locked.status_changed_at = timezone.now()
        if hasattr(locked, "version"):
            locked.version += 1
        return from_state

    def record(
        self,
        locked,
        *,
        actor,
        verb: str,
        summary: str,
        from_state: str = "",
        obj=None,
        structure_id: int | None = None,
        reason: str = "",
        amount=None,
        payload: dict | None = None,
        internal: bool = False,
        field: str = "status",
    ):
        """The journal event of a move ``apply`` made: ``from_state`` → the row's state now (``obj`` defaults to
        the row; ``structure_id`` to its ``structure_id``, for scoping)."""
        from secpa_portal.journal.services import record_event

        if structure_id is None:
            structure_id = getattr(locked, "structure_id", None)
        return record_event(
            actor=actor,
            verb=verb,
            summary=summary,
            obj=locked if obj is None else obj,
            structure_id=structure_id,
            from_state=from_state,
            to_state=getattr(locked, field),
            reason=reason,
            amount=amount,
            payload=payload,
            internal=internal,
        )
