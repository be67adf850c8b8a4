"""Who may do what on a structure. Templates and services ask the same predicates.

Each ``can_*`` checks the actor here and asks the transitions table (``workflow.WORKFLOW``) which states allow
the move: the source states are written once, in the table.
"""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import StructureStatus
from .workflow import WORKFLOW


def is_member(user, structure) -> bool:
    if not user.is_authenticated or not user.is_manager:
        return False
    # Uses the prefetched memberships when the view loaded them.
    return any(m.user_id == user.pk for m in structure.memberships.all())


def is_region_agent(user, structure) -> bool:
    return user.is_authenticated and user.is_ars_agent and user.region_id == structure.region_id


def can_create_structure(user) -> bool:
    """A manager registers a new structure."""
    return user.is_authenticated and user.is_manager


def can_edit(user, structure) -> bool:
    """A manager of the structure, while the file is a draft or sent back for changes."""
    return is_member(user, structure) and structure.is_editable


def can_submit(user, structure) -> bool:
    """A manager of the structure, from draft or after a request for changes."""
    return is_member(user, structure) and WORKFLOW.allows("submit", structure.status)


def can_withdraw(user, structure) -> bool:
    """A manager of the structure, before any decision."""
    return is_member(user, structure) and WORKFLOW.allows("withdraw", structure.status)


def can_take(user, structure) -> bool:
    """An ARS agent of the structure's region takes a submitted file."""
    return is_region_agent(user, structure) and WORKFLOW.allows("take", structure.status)


def can_decide(user, structure) -> bool:
    """The ARS agent of the region decides on a file in review (any agent of the region may, to cover absences)."""
    # The three decisions (declare_eligible, declare_ineligible, request_changes) share their source state.
    return is_region_agent(user, structure) and WORKFLOW.allows("declare_eligible", structure.status)


def can_reopen(user, structure) -> bool:
    """An ARS agent of the region reopens a decided file."""
    return is_region_agent(user, structure) and WORKFLOW.allows("reopen", structure.status)


def can_see_review(user, structure) -> bool:
    """The review page (pre-check, private notes) is for ARS agents of the region and CNAM staff."""
    return is_region_agent(user, structure) or (user.is_authenticated and user.is_cnam_agent)


def can_add_note(user, structure) -> bool:
    """Private notes are written by ARS agents of the region."""
    return is_region_agent(user, structure)


def can_manage_members(user, structure) -> bool:
    """A manager of the structure adds or removes its managers, whatever the file's state."""
    return is_member(user, structure)


def withdrawn_reopen_deadline(structure) -> datetime.datetime | None:
    """Until when a withdrawn file may be reopened (``WITHDRAWN_REOPEN_DAYS`` after its withdrawal)."""
    if structure.status != StructureStatus.WITHDRAWN or structure.status_changed_at is None:
        return None
    return structure.status_changed_at + datetime.timedelta(days=settings.WITHDRAWN_REOPEN_DAYS)


def can_reopen_withdrawn(user, structure) -> bool:
    """A manager of the structure reopens its withdrawn file (back to draft) within the settings' delay."""
    deadline = withdrawn_reopen_deadline(structure)
    return is_member(user, structure) and deadline is not None and timezone.now() <= deadline


_DECIDE_REFUSAL = _("Seul un agent de l'ARS de la région peut statuer sur ce dossier.")

# Why the actor may not make each move: written once, raised by the services and shown by the views.
ACTOR_REFUSALS = {
    "submit": _("Seul un gestionnaire de la structure peut déposer son dossier."),
    "withdraw": _("Seul un gestionnaire de la structure peut retirer son dossier."),
    "take": _("Seul un agent de l'ARS de la région peut prendre ce dossier en charge."),
    "declare_eligible": _DECIDE_REFUSAL,
    "declare_ineligible": _DECIDE_REFUSAL,
    "request_changes": _DECIDE_REFUSAL,
    "reopen": _("Seul un agent de l'ARS de la région peut rouvrir l'instruction."),
}

ALLOWED = {
    "submit": can_submit,
    "withdraw": can_withdraw,
    "take": can_take,
    "declare_eligible": can_decide,
    "declare_ineligible": can_decide,
    "request_changes": can_decide,
    "reopen": can_reopen,
}


def refusal(user, structure, name: str) -> str:
    """Why ``user`` cannot make move ``name`` on ``structure`` now, "" when they can: the table's French refusal
    for a wrong state first, then the actor's. A reason still to be typed is not counted."""
    return WORKFLOW.refusal(name, structure.status, reason="-") or (
        "" if ALLOWED[name](user, structure) else str(ACTOR_REFUSALS[name])
    )
