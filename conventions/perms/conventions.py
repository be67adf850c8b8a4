"""Who may do what on a convention, its amendments and the indicator catalogue.

Templates and services ask the same predicates. Each predicate checks the actor and the state; the services
check the state first so that a wrong state gets its own message.
"""

from django.utils.translation import gettext_lazy as _

from structures.enums import StructureStatus
from structures.perms import is_member

from ..enums import ConventionStatus
from ..workflow import AMENDMENT_WORKFLOW, CONVENTION_WORKFLOW

# The four-eyes rule (docs/conventions.md): the CNAM signatory is never the agent who prepared the document.
FOUR_EYES_REFUSALS = {
    "convention": _(
        "Vous avez préparé cette convention : elle doit être signée par un autre agent de la CNAM "
        "(principe des quatre yeux)."
    ),
    "amendment": _(
        "Vous avez préparé cet avenant : il doit être signé par un autre agent de la CNAM (principe des quatre yeux)."
    ),
}


def _cnam(user) -> bool:
    # A deactivated account acts on nothing, even through a service called outside a request.
    return user.is_authenticated and user.is_active and user.is_cnam_agent


def _manager_of(user, structure) -> bool:
    return user.is_authenticated and user.is_active and is_member(user, structure)


def can_manage_indicators(user) -> bool:
    """CNAM agents edit the national référentiel of indicators."""
    return _cnam(user)


def can_prepare(user, structure) -> bool:
    """A CNAM agent prepares a convention for an eligible structure."""
    return _cnam(user) and structure.status == StructureStatus.ELIGIBLE


def can_edit(user, convention) -> bool:
    """A CNAM agent edits a convention while it is in preparation."""
    return _cnam(user) and CONVENTION_WORKFLOW.allows("send", convention.status)


def can_send(user, convention) -> bool:
    """A CNAM agent sends a convention in preparation to the structure."""
    return _cnam(user) and CONVENTION_WORKFLOW.allows("send", convention.status)


def can_recall(user, convention) -> bool:
    """A CNAM agent takes back a sent (or structure-signed) convention to correct it; the signature is dropped."""
    return _cnam(user) and CONVENTION_WORKFLOW.allows("recall", convention.status)


def can_sign_structure(user, convention) -> bool:
    """A manager of the structure signs a sent convention."""
    return CONVENTION_WORKFLOW.allows("sign_structure", convention.status) and _manager_of(user, convention.structure)


def can_sign_cnam(user, convention) -> bool:
    """A CNAM agent other than the one who prepared it signs once the structure has signed (four eyes)."""
    return (
        _cnam(user)
        and CONVENTION_WORKFLOW.allows("sign_cnam", convention.status)
        and not prepared_by(user, convention)
    )


def can_terminate(user, convention) -> bool:
    """A CNAM agent terminates a convention that is sent, signed or in force, with a reason."""
    return _cnam(user) and CONVENTION_WORKFLOW.allows("terminate", convention.status)


def can_prepare_amendment(user, convention, amendment_in_progress=False) -> bool:
    """A CNAM agent prepares an avenant to a convention in force, one at a time."""
    return _cnam(user) and convention.status == ConventionStatus.ACTIVE and not amendment_in_progress


def can_edit_amendment(user, amendment) -> bool:
    """A CNAM agent edits or abandons an avenant while it is in preparation (the state it is sent from)."""
    return _cnam(user) and AMENDMENT_WORKFLOW.allows("send", amendment.status)


def can_send_amendment(user, amendment) -> bool:
    """A CNAM agent sends an avenant in preparation to the structure."""
    return _cnam(user) and AMENDMENT_WORKFLOW.allows("send", amendment.status)


def can_sign_amendment_structure(user, amendment) -> bool:
    """A manager of the structure signs a sent avenant."""
    return AMENDMENT_WORKFLOW.allows("sign_structure", amendment.status) and _manager_of(
        user, amendment.convention.structure
    )


def can_sign_amendment_cnam(user, amendment) -> bool:
    """A CNAM agent other than the one who prepared the avenant signs it; it then takes effect."""
    return (
        _cnam(user) and AMENDMENT_WORKFLOW.allows("sign_cnam", amendment.status) and not prepared_by(user, amendment)
    )


ABANDON_REFUSAL = _("Seul un agent de la CNAM peut abandonner un avenant.")


def can_abandon_amendment(user, amendment) -> bool:
    """A CNAM agent abandons, with a reason, an avenant sent to the structure or signed by it; it changes nothing."""
    return _cnam(user) and AMENDMENT_WORKFLOW.allows("abandon", amendment.status)


def abandon_refusal(user, amendment) -> str:
    """Why ``user`` may not abandon ``amendment`` now (the state first, then the actor), or ""."""
    if not AMENDMENT_WORKFLOW.allows("abandon", amendment.status):
        return str(AMENDMENT_WORKFLOW.refusal("abandon", amendment.status))
    return "" if can_abandon_amendment(user, amendment) else str(ABANDON_REFUSAL)


def prepared_by(user, document) -> bool:
    """Whether ``user`` prepared the convention or avenant (then another CNAM agent must sign it)."""
    return document.prepared_by_id == user.pk


def four_eyes_refusal(user, document, kind: str) -> str:
    """The four-eyes refusal when a CNAM agent would sign what they prepared ("" otherwise); ``kind`` is
    "convention" or "amendment"."""
    if user.is_authenticated and user.is_cnam_agent and prepared_by(user, document):
        return str(FOUR_EYES_REFUSALS[kind])
    return ""
