"""The consultation on a campaign's draft barème: one table of transitions (design.md §4, issue 13 §3).

| transition | from | to | who |
|---|---|---|---|
| open | draft | open | a CNAM agent (the barème is submitted as it stands, with a deadline) |
| close | open | closed | a CNAM agent, before the deadline (reason required) |
| expire | open | closed | the system, once the deadline has passed (daily job, or when the campaign opens) |

Opinions (ARS, HAS) and comments (managers) are taken while it is open and its deadline not passed
(``Consultation.accepts_opinions``); they are not state moves.
"""

from django.utils.translation import gettext_lazy as _

from secpa_portal.accounts.enums import Role
from secpa_portal.core.workflow import SYSTEM, Transition, Workflow

from .enums import ConsultationStatus as S

CONSULTATION_WORKFLOW = Workflow(
    subject=_("la consultation"),
    states=S,
    transitions=[
        Transition("open", _("Soumettre le barème à consultation"), frozenset({S.DRAFT}), S.OPEN, Role.CNAM_AGENT),
        Transition(
            "close",
            _("Clore la consultation avant la date limite"),
            frozenset({S.OPEN}),
            S.CLOSED,
            Role.CNAM_AGENT,
            reason_required=True,
        ),
        Transition("expire", _("Clore la consultation à la date limite"), frozenset({S.OPEN}), S.CLOSED, SYSTEM),
    ],
)
